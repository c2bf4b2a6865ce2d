"""/os-server-groups: groups of servers placed under one policy
(affinity, anti-affinity, and from 2.15 their soft variants).

A project sees only its own groups; an admin lists every project's with
``all_projects`` (a non-admin asking for it gets their own, as in Nova).
Another project's group answers 404, the same as a group that does not
exist. Creating a group counts the ``server_groups`` quota, and counts it
again once the group is written (``[quota] recheck_quota``), removing the
group when a parallel create took the last one.
"""
from nova_api import handler
from nova_api import pagination
from nova_api.schemas import server_groups as schemas
from nova_api import validation
from nova_api.views import server_groups as views
from nova_common.conf import CONF
from nova_common.db.api import server_groups as groups_db
from nova_common import exception
from nova_common.policies import server_groups as group_policies
from nova_common import policy
from nova_common import quota

TOO_MANY_GROUPS = 'Quota exceeded, too many server groups.'


def _authorize(context, action, project_id):
    policy.authorize(context, group_policies.POLICY % action,
                     target={'project_id': project_id})


def _visible_group(context, group_uuid, action):
    """The group, once the caller may ``action`` it: 404 for a group of
    another project unless the caller is an admin."""
    group = groups_db.get(context, group_uuid)
    if group['project_id'] != context.project_id and not context.is_admin:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    _authorize(context, action, group['project_id'])
    return group


def show(req, server_group_id):
    return views.show(req, _visible_group(req.context, server_group_id, 'show'))


@handler.response(204)
def delete(req, server_group_id):
    context = req.context
    _visible_group(context, server_group_id, 'delete')
    groups_db.delete(context, server_group_id)


@validation.query(schemas.index_query, '2.1', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def index(req):
    context = req.context
    _authorize(context, 'index', context.project_id)
    limit, offset = pagination.limit_and_offset(req)
    project_id = context.project_id
    if 'all_projects' in req.query and context.is_admin:
        _authorize(context, 'index:all_projects', context.project_id)
        project_id = None
    return views.index(req, groups_db.list_groups(context, project_id, limit=limit,
                                                  offset=offset))


def _check_group_quota(context, delta):
    try:
        quota.check_deltas(context, context.project_id, context.user_id,
                           {'server_groups': delta})
    except exception.OverQuota:
        raise exception.Forbidden(TOO_MANY_GROUPS)


def _policy_and_rules(req):
    params = req.body['server_group']
    if not req.at_least(views.POLICY_VERSION):
        return params['policies'][0], {}
    rules = params.get('rules') or {}
    if rules and params['policy'] != groups_db.ANTI_AFFINITY:
        raise exception.Invalid('Only anti-affinity policy supports rules.')
    return params['policy'], {name: int(value) for name, value in rules.items()}


@validation.body(schemas.create, '2.1', '2.14')
@validation.body(schemas.create_v215, '2.15', '2.63')
@validation.body(schemas.create_v264, '2.64')
def create(req):
    context = req.context
    _authorize(context, 'create', context.project_id)
    group_policy, rules = _policy_and_rules(req)
    _check_group_quota(context, 1)
    group = groups_db.create(context, context.project_id, context.user_id,
                             req.body['server_group']['name'], group_policy, rules)
    if CONF.quota.recheck_quota:
        try:
            _check_group_quota(context, 0)
        except exception.Forbidden:
            groups_db.delete(context, group['uuid'])
            raise
    return views.show(req, group)


ROUTES = [
    ('GET', '/os-server-groups', index),
    ('POST', '/os-server-groups', create),
    ('GET', '/os-server-groups/{server_group_id}', show),
    ('DELETE', '/os-server-groups/{server_group_id}', delete),
]
