"""/os-quota-sets: a project's (or a user's) limits, their usage, the
defaults, and admin changes to them.

Members read their own project's quotas; only admins update or delete
them. An update below what is in use (or, for a user, above what the
project has left) is refused unless ``force`` is set. Delete reverts the
project (or, with ``user_id``, the user) to the defaults and answers 202,
as Nova does.
"""
from oslo_utils import strutils

from nova_api import handler
from nova_api.schemas import quota_sets as schemas
from nova_api import validation
from nova_api.views import quota_sets as views
from nova_common.db.api import quotas as quotas_db
from nova_common import exception
from nova_common.policies import quota_sets as quota_policies
from nova_common import policy
from nova_common import quota


def _authorize(req, action, project_id):
    policy.authorize(req.context, quota_policies.POLICY % action, target={'project_id': project_id})


def _user_id(req):
    """The first ``user_id`` of the query, if any (as Nova reads it)."""
    values = [value for value in req.query.get('user_id', []) if value]
    return values[0] if values else None


def _query_schemas(func):
    func = validation.query(schemas.query, '2.1', '2.74')(func)
    return validation.query(schemas.query_v275, '2.75')(func)


@_query_schemas
def show(req, project_id):
    _authorize(req, 'show', project_id)
    limits = quota.get_limits(req.context, project_id, _user_id(req))
    return views.quota_set(req, limits, project_id)


@_query_schemas
def detail(req, project_id):
    _authorize(req, 'detail', project_id)
    user_id = _user_id(req)
    limits = quota.get_limits(req.context, project_id, user_id)
    in_use = quota.get_usage(req.context, project_id, user_id)
    return views.quota_set_detail(req, project_id, limits, in_use)


def defaults(req, project_id):
    _authorize(req, 'defaults', project_id)
    return views.quota_set(req, quota.get_defaults(req.context), project_id)


@validation.body(schemas.update, '2.1', '2.35')
@validation.body(schemas.update_v236, '2.36', '2.56')
@validation.body(schemas.update_v257, '2.57')
@_query_schemas
def update(req, project_id):
    _authorize(req, 'update', project_id)
    user_id = _user_id(req)
    params = req.body['quota_set']
    if 'networks' in params:
        raise exception.Invalid('The networks quota has been removed')
    force = strutils.bool_from_string(params.get('force', False))
    new_limits = {resource: int(value) for resource, value in params.items()
                  if resource != 'force'}
    if not force:
        quota.validate_new_limits(req.context, project_id, user_id, new_limits)
    if user_id:
        quotas_db.set_user_limits(req.context, project_id, user_id, new_limits)
    else:
        quotas_db.set_project_limits(req.context, project_id, new_limits)
    return views.quota_set(req, quota.get_limits(req.context, project_id, user_id))


@handler.response(202)
@_query_schemas
def delete(req, project_id):
    _authorize(req, 'delete', project_id)
    user_id = _user_id(req)
    if user_id:
        quotas_db.delete_user_limits(req.context, project_id, user_id)
    else:
        quotas_db.delete_project_limits(req.context, project_id)


ROUTES = [
    ('GET', '/os-quota-sets/{project_id}', show),
    ('GET', '/os-quota-sets/{project_id}/detail', detail),
    ('GET', '/os-quota-sets/{project_id}/defaults', defaults),
    ('PUT', '/os-quota-sets/{project_id}', update),
    ('DELETE', '/os-quota-sets/{project_id}', delete),
]
