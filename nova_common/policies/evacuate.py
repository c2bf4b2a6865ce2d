"""Policy of evacuating a server from a failed host, as in Nova."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-evacuate'

rules = [
    base.rule(POLICY, base.ADMIN, 'Evacuate a server from a failed host to a new host',
              [('POST', '/servers/{server_id}/action (evacuate)')]),
]


def list_rules():
    return rules
