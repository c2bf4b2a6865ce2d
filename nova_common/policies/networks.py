"""Policies of the deprecated os-networks proxy (up to 2.35)."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-networks:%s'

rules = [
    base.rule(POLICY % 'list', base.PROJECT_READER_OR_ADMIN,
              'List networks for the project. This API is proxy calls to the Network '
              'service. This is deprecated.', [('GET', '/os-networks')]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show network details. This API is proxy calls to the Network service. '
              'This is deprecated.', [('GET', '/os-networks/{network_id}')]),
]


def list_rules():
    return rules
