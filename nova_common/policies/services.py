"""Policies of os-services (administrators only)."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-services:%s'

rules = [
    base.rule(POLICY % 'list', base.ADMIN, 'List all running Compute services in a region.',
              [('GET', '/os-services')]),
    base.rule(POLICY % 'update', base.ADMIN, 'Update a Compute service.',
              [('PUT', '/os-services/{service_id}')]),
    base.rule(POLICY % 'delete', base.ADMIN, 'Delete a Compute service.',
              [('DELETE', '/os-services/{service_id}')]),
]


def list_rules():
    return rules
