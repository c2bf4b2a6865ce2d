"""Policies of pausing and unpausing servers, as in Nova."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-pause-server:%s'

rules = [
    base.rule(POLICY % 'pause', base.PROJECT_MEMBER_OR_ADMIN, 'Pause a server',
              [('POST', '/servers/{server_id}/action (pause)')]),
    base.rule(POLICY % 'unpause', base.PROJECT_MEMBER_OR_ADMIN, 'Unpause a paused server',
              [('POST', '/servers/{server_id}/action (unpause)')]),
]


def list_rules():
    return rules
