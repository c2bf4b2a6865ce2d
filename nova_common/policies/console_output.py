"""Policy of reading a server's console output, as in Nova."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-console-output'

rules = [
    base.rule(POLICY, base.PROJECT_MEMBER_OR_ADMIN, 'Show console output for a server',
              [('POST', '/servers/{server_id}/action (os-getConsoleOutput)')]),
]


def list_rules():
    return rules
