"""Policies of os-quota-class-sets: admins only."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-quota-class-sets:%s'

rules = [
    base.rule(POLICY % 'show', base.ADMIN, 'List quotas for a quota class',
              [('GET', '/os-quota-class-sets/{quota_class}')]),
    base.rule(POLICY % 'update', base.ADMIN, 'Update quotas for specific quota class',
              [('PUT', '/os-quota-class-sets/{quota_class}')]),
]


def list_rules():
    return rules
