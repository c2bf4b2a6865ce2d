"""Policies of os-simple-tenant-usage: administrators list every
project's usage; a project's readers see their own."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-simple-tenant-usage:%s'

rules = [
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show usage statistics for a specific tenant',
              [('GET', '/os-simple-tenant-usage/{tenant_id}')]),
    base.rule(POLICY % 'list', base.ADMIN, 'List per tenant usage statistics for all tenants',
              [('GET', '/os-simple-tenant-usage')]),
]


def list_rules():
    return rules
