"""Policies of the deprecated addFixedIp / removeFixedIp server actions."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-multinic:%s'
_PATH = '/servers/{server_id}/action'

rules = [
    base.rule(POLICY % 'add', base.PROJECT_MEMBER_OR_ADMIN,
              'Add a fixed IP address to a server. This API is deprecated.',
              [('POST', _PATH + ' (addFixedIp)')]),
    base.rule(POLICY % 'remove', base.PROJECT_MEMBER_OR_ADMIN,
              'Remove a fixed IP address from a server. This API is deprecated.',
              [('POST', _PATH + ' (removeFixedIp)')]),
]


def list_rules():
    return rules
