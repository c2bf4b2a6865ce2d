"""Policy of os-server-external-events: other services (Neutron, Cinder,
Ironic, Cyborg) tell Nova about a server. Nova's default is the service
role; administrators are allowed too, for deployments whose services
still call with an admin user."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-server-external-events:%s'

rules = [
    base.rule(POLICY % 'create', 'role:service or ' + base.ADMIN,
              'Create one or more external events',
              [('POST', '/os-server-external-events')]),
]


def list_rules():
    return rules
