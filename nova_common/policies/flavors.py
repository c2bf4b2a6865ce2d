"""Policies of flavor management, flavor access and flavor extra specs."""
from nova_common.policies import base

MANAGE = 'os_compute_api:os-flavor-manage:%s'
ACCESS = 'os_compute_api:os-flavor-access'
EXTRA_SPECS = 'os_compute_api:os-flavor-extra-specs:%s'

rules = [
    base.rule(MANAGE % 'create', base.ADMIN, 'Create a flavor', [('POST', '/flavors')]),
    base.rule(MANAGE % 'update', base.ADMIN, 'Update a flavor', [('PUT', '/flavors/{flavor_id}')]),
    base.rule(MANAGE % 'delete', base.ADMIN, 'Delete a flavor', [('DELETE', '/flavors/{flavor_id}')]),
    base.rule(ACCESS + ':add_tenant_access', base.ADMIN, 'Add flavor access to a tenant',
              [('POST', '/flavors/{flavor_id}/action (addTenantAccess)')]),
    base.rule(ACCESS + ':remove_tenant_access', base.ADMIN, 'Remove flavor access from a tenant',
              [('POST', '/flavors/{flavor_id}/action (removeTenantAccess)')]),
    base.rule(ACCESS, base.ADMIN, 'List flavor access information',
              [('GET', '/flavors/{flavor_id}/os-flavor-access')]),
    base.rule(EXTRA_SPECS % 'index', base.PROJECT_READER_OR_ADMIN, 'List extra specs for a flavor',
              [('GET', '/flavors/{flavor_id}/os-extra_specs')]),
    base.rule(EXTRA_SPECS % 'show', base.PROJECT_READER_OR_ADMIN, 'Show an extra spec for a flavor',
              [('GET', '/flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}')]),
    base.rule(EXTRA_SPECS % 'create', base.ADMIN, 'Create extra specs for a flavor',
              [('POST', '/flavors/{flavor_id}/os-extra_specs/')]),
    base.rule(EXTRA_SPECS % 'update', base.ADMIN, 'Update an extra spec for a flavor',
              [('PUT', '/flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}')]),
    base.rule(EXTRA_SPECS % 'delete', base.ADMIN, 'Delete an extra spec for a flavor',
              [('DELETE', '/flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}')]),
]


def list_rules():
    return rules
