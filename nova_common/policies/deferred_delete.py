"""Policies of the deferred-delete actions (forceDelete, restore)."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-deferred-delete:%s'

rules = [
    base.rule(POLICY % 'force', base.PROJECT_MEMBER_OR_ADMIN, 'Force delete a server',
              [('POST', '/servers/{server_id}/action (forceDelete)')]),
    base.rule(POLICY % 'restore', base.PROJECT_MEMBER_OR_ADMIN,
              'Restore a soft deleted server',
              [('POST', '/servers/{server_id}/action (restore)')]),
]


def list_rules():
    return rules
