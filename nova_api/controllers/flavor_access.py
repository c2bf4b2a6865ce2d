"""os-flavor-access: which projects may use a private flavor (admin only).

The two actions, ``addTenantAccess`` and ``removeTenantAccess``, arrive
as POST /flavors/{flavor_id}/action with the action name as the body's
only key.
"""
from nova_api import validation
from nova_api.schemas import flavors as schemas
from nova_api.views import flavors as views
from nova_common.db.api import flavors as flavors_db
from nova_common import exception
from nova_common.policies import flavors as flavor_policies
from nova_common import policy

# From 2.7 sharing a public flavor is a conflict instead of a no-op record.
PUBLIC_ACCESS_CONFLICT_VERSION = '2.7'


def index(req, flavor_id):
    policy.authorize(req.context, flavor_policies.ACCESS)
    flavor = flavors_db.get_flavor(req.context, flavor_id)
    if flavor['is_public']:
        raise exception.NotFound('Access list not available for public flavors.')
    return views.access_list(flavor['flavorid'], flavor['projects'])


@validation.body(schemas.add_tenant_access)
def add_tenant_access(req, flavor_id):
    policy.authorize(req.context, flavor_policies.ACCESS + ':add_tenant_access')
    tenant = req.body['addTenantAccess']['tenant']
    flavor = flavors_db.get_flavor(req.context, flavor_id)
    if flavor['is_public'] and req.at_least(PUBLIC_ACCESS_CONFLICT_VERSION):
        raise exception.Conflict('Can not add access to a public flavor.')
    projects = flavors_db.add_access(req.context, flavor_id, tenant)
    return views.access_list(flavor['flavorid'], projects)


@validation.body(schemas.remove_tenant_access)
def remove_tenant_access(req, flavor_id):
    policy.authorize(req.context, flavor_policies.ACCESS + ':remove_tenant_access')
    tenant = req.body['removeTenantAccess']['tenant']
    flavor = flavors_db.get_flavor(req.context, flavor_id)
    projects = flavors_db.remove_access(req.context, flavor_id, tenant)
    return views.access_list(flavor['flavorid'], projects)


ACTIONS = {
    'addTenantAccess': add_tenant_access,
    'removeTenantAccess': remove_tenant_access,
}


def action(req, flavor_id):
    """Dispatch a flavor action by the body's single key, as Nova does."""
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.Invalid('Malformed request body')
    name = next(iter(body))
    func = ACTIONS.get(name)
    if func is None:
        raise exception.Invalid('There is no such action: %s' % name)
    validation.validate_request(func, req)
    return func(req, flavor_id)


ROUTES = [
    ('GET', '/flavors/{flavor_id}/os-flavor-access', index),
    ('POST', '/flavors/{flavor_id}/action', action),
]
