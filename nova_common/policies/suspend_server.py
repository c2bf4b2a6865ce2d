"""Policies of suspending and resuming servers, as in Nova."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-suspend-server:%s'

rules = [
    base.rule(POLICY % 'suspend', base.PROJECT_MEMBER_OR_ADMIN, 'Suspend a server',
              [('POST', '/servers/{server_id}/action (suspend)')]),
    base.rule(POLICY % 'resume', base.PROJECT_MEMBER_OR_ADMIN, 'Resume a suspended server',
              [('POST', '/servers/{server_id}/action (resume)')]),
]


def list_rules():
    return rules
