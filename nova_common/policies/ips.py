"""Policies of /servers/{server_id}/ips."""
from nova_common.policies import base

POLICY = 'os_compute_api:ips:%s'
_PATH = '/servers/{server_id}/ips'

rules = [
    base.rule(POLICY % 'index', base.PROJECT_READER_OR_ADMIN,
              'List IP addresses that are assigned to a server', [('GET', _PATH)]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show IP addresses details for a network label of a server',
              [('GET', _PATH + '/{network_label}')]),
]


def list_rules():
    return rules
