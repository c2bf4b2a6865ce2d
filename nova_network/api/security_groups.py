"""/v2.0/security-groups: create, list, show, update, delete. A project's
``default`` group is made the first time it lists its groups or makes a
port; it may be neither renamed nor deleted by its project."""
from nova_network.api import common
from nova_network.db import security_groups as groups_db
from nova_network import exceptions
from nova_network import listing
from nova_network import policy
from nova_network.schemas import security_groups as schemas


def create(req):
    body = req.resource('security_group', schemas.create_group)
    project_id = common.owner_project(req, body)
    policy.enforce(req.context, 'create_security_group',
                   dict(body, project_id=project_id, tenant_id=project_id), body)
    if body.get('name') == groups_db.DEFAULT_NAME:
        raise exceptions.SecurityGroupDefaultAlreadyExists()
    return 201, {'security_group': groups_db.create(req.context, project_id, body)}


def index(req):
    params = listing.parse(req, groups_db.GROUP_ATTRIBUTES)
    groups_db.ensure_default_for(req.context, req.context.project_id)
    groups, has_more = groups_db.list_groups(req.context, params, common.list_scope(req))
    shown = [group for group in groups if policy.visible(req.context, 'security_group', group)]
    return listing.collection(req, 'security_groups', shown, params, has_more)


def _visible(req, group_id):
    group = groups_db.get(req.context, group_id)
    if not policy.visible(req.context, 'security_group', group):
        raise exceptions.SecurityGroupNotFound(id=group_id)
    return group


def show(req, group_id):
    return {'security_group': listing.shown(req, _visible(req, group_id))}


def update(req, group_id):
    body = req.resource('security_group', schemas.update_group)
    group = groups_db.get(req.context, group_id)
    policy.enforce(req.context, 'update_security_group', group, body, defaults=group,
                   not_found=exceptions.SecurityGroupNotFound(id=group_id))
    if groups_db.is_default(req.context, group_id) and body.get('name', group['name']) != \
            group['name']:
        raise exceptions.SecurityGroupCannotUpdateDefault()
    return {'security_group': groups_db.update(req.context, group_id, body)}


def delete(req, group_id):
    group = groups_db.get(req.context, group_id)
    policy.enforce(req.context, 'delete_security_group', group,
                   not_found=exceptions.SecurityGroupNotFound(id=group_id))
    if groups_db.is_default(req.context, group_id) and not req.context.is_admin:
        raise exceptions.SecurityGroupCannotRemoveDefault()
    groups_db.delete(req.context, group_id)


ROUTES = [
    ('GET', '/security-groups', index),
    ('POST', '/security-groups', create),
    ('GET', '/security-groups/{group_id}', show),
    ('PUT', '/security-groups/{group_id}', update),
    ('DELETE', '/security-groups/{group_id}', delete),
]
