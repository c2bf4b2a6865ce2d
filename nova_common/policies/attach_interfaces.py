"""Policies of /servers/{server_id}/os-interface."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-attach-interfaces:%s'
_PATH = '/servers/{server_id}/os-interface'

rules = [
    base.rule(POLICY % 'list', base.PROJECT_READER_OR_ADMIN,
              'List port interfaces attached to a server', [('GET', _PATH)]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show details of a port interface attached to a server',
              [('GET', _PATH + '/{port_id}')]),
    base.rule(POLICY % 'create', base.PROJECT_MEMBER_OR_ADMIN,
              'Attach an interface to a server', [('POST', _PATH)]),
    base.rule(POLICY % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Detach an interface from a server', [('DELETE', _PATH + '/{port_id}')]),
]


def list_rules():
    return rules
