"""/os-quota-class-sets: the limits of a quota class (admins only).

Only the 'default' class matters: its limits replace the [quota] options
as every project's defaults. Other classes can be stored and read back
but apply to no one.
"""
from oslo_utils import strutils

from nova_api.schemas import quota_classes as schemas
from nova_api import validation
from nova_api.views import quota_sets as views
from nova_common.db.api import quotas as quotas_db
from nova_common import exception
from nova_common.policies import quota_class_sets as class_policies
from nova_common import policy
from nova_common import quota


def _authorize(req, action, class_name):
    policy.authorize(req.context, class_policies.POLICY % action,
                     target={'quota_class': class_name})


def show(req, class_name):
    _authorize(req, 'show', class_name)
    return views.quota_class_set(req, quota.get_class_limits(req.context, class_name),
                                 class_name)


@validation.body(schemas.update, '2.1', '2.49')
@validation.body(schemas.update_v250, '2.50', '2.56')
@validation.body(schemas.update_v257, '2.57')
def update(req, class_name):
    _authorize(req, 'update', class_name)
    try:
        strutils.check_string_length(class_name, 'quota_class_name', min_length=1,
                                     max_length=255)
    except ValueError as error:
        raise exception.InvalidInput(str(error))
    # 'networks' passes the 2.1 schema but is no resource: nothing to store.
    new_limits = {resource: int(value)
                  for resource, value in req.body['quota_class_set'].items()
                  if resource in quota.RESOURCES}
    quotas_db.set_class_limits(req.context, class_name, new_limits)
    return views.quota_class_set(req, quota.get_class_limits(req.context, class_name))


ROUTES = [
    ('GET', '/os-quota-class-sets/{class_name}', show),
    ('PUT', '/os-quota-class-sets/{class_name}', update),
]
