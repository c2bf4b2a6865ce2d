"""Policies of the administrators' server actions."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-admin-actions:%s'

rules = [
    base.rule(POLICY % 'reset_state', base.ADMIN,
              'Reset the state of a given server',
              [('POST', '/servers/{server_id}/action (os-resetState)')]),
]


def list_rules():
    return rules
