"""Policy of a server's diagnostics, as in Nova: administrators only."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-server-diagnostics'

rules = [
    base.rule(POLICY, base.ADMIN, 'Show the usage data for a server',
              [('GET', '/servers/{server_id}/diagnostics')]),
]


def list_rules():
    return rules
