"""Policies of locking and unlocking servers, as in Nova: unlocking a
server locked by the other side (an administrator's lock, for its
project's members) needs unlock:unlock_override."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-lock-server:%s'

rules = [
    base.rule(POLICY % 'lock', base.PROJECT_MEMBER_OR_ADMIN, 'Lock a server',
              [('POST', '/servers/{server_id}/action (lock)')]),
    base.rule(POLICY % 'unlock', base.PROJECT_MEMBER_OR_ADMIN, 'Unlock a server',
              [('POST', '/servers/{server_id}/action (unlock)')]),
    base.rule(POLICY % 'unlock:unlock_override', base.ADMIN,
              'Unlock a server, regardless who locked the server.\n\n'
              'This check is performed only after the check os_compute_api:os-lock-server:'
              'unlock passes',
              [('POST', '/servers/{server_id}/action (unlock)')]),
]


def list_rules():
    return rules
