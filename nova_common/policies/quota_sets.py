"""Policies of os-quota-sets. Project members read their own project's
quotas; only admins change or delete them. Anyone may read the defaults."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-quota-sets:%s'

rules = [
    base.rule(POLICY % 'update', base.ADMIN, 'Update the quotas',
              [('PUT', '/os-quota-sets/{tenant_id}')]),
    base.rule(POLICY % 'defaults', '@', 'List default quotas',
              [('GET', '/os-quota-sets/{tenant_id}/defaults')]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN, 'Show a quota',
              [('GET', '/os-quota-sets/{tenant_id}')]),
    base.rule(POLICY % 'delete', base.ADMIN, 'Revert quotas to defaults',
              [('DELETE', '/os-quota-sets/{tenant_id}')]),
    base.rule(POLICY % 'detail', base.PROJECT_READER_OR_ADMIN,
              'Show the detail of quota', [('GET', '/os-quota-sets/{tenant_id}/detail')]),
]


def list_rules():
    return rules
