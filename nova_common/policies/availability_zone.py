"""Policies of os-availability-zone."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-availability-zone:%s'

rules = [
    base.rule(POLICY % 'list', base.PROJECT_READER_OR_ADMIN,
              'List availability zone information without host information',
              [('GET', '/os-availability-zone')]),
    base.rule(POLICY % 'detail', base.ADMIN,
              'List detailed availability zone information with host information',
              [('GET', '/os-availability-zone/detail')]),
]


def list_rules():
    return rules
