"""Policies of the power actions of servers (start, stop, reboot), named
and defaulted as in Nova's servers policies."""
from nova_common.policies import base

SERVERS = 'os_compute_api:servers:%s'

_ACTION = '/servers/{server_id}/action (%s)'

rules = [
    base.rule(SERVERS % 'start', base.PROJECT_MEMBER_OR_ADMIN, 'Start a server',
              [('POST', _ACTION % 'os-start')]),
    base.rule(SERVERS % 'stop', base.PROJECT_MEMBER_OR_ADMIN, 'Stop a server',
              [('POST', _ACTION % 'os-stop')]),
    base.rule(SERVERS % 'reboot', base.PROJECT_MEMBER_OR_ADMIN, 'Reboot a server',
              [('POST', _ACTION % 'reboot')]),
]


def list_rules():
    return rules
