"""Policies of rebuilding a server, named and defaulted as in Nova's
servers policies."""
from nova_common.policies import base

SERVERS = 'os_compute_api:servers:%s'

_ACTION = [('POST', '/servers/{server_id}/action (rebuild)')]

rules = [
    base.rule(SERVERS % 'rebuild', base.PROJECT_MEMBER_OR_ADMIN, 'Rebuild a server',
              _ACTION),
    base.rule(SERVERS % 'rebuild:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
              'Rebuild a server with trusted image certificate IDs', _ACTION),
]


def list_rules():
    return rules
