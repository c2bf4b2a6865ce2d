"""/servers/{server_id}/tags (2.26+): a server's tags, at most 50.

Changing them needs the server ACTIVE, PAUSED, SUSPENDED, STOPPED,
SHELVED or SHELVED_OFFLOADED (409 otherwise).
"""
import jsonschema
import webob

from nova_api.compute import lookup
from nova_api.compute import state_checks
from nova_api import handler
from nova_api.schemas import servers as schemas
from nova_api import validation
from nova_common.db.api import instances as instances_db
from nova_common import exception
from nova_common.policies import servers as server_policies
from nova_common import policy

TAGS_VERSION = '2.26'


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, server_policies.TAGS % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


def _changeable(req, server_id, rule, action):
    instance = _server(req, server_id, rule)
    state_checks.require_state(instance, action, state_checks.TAG_VM_STATES)
    return instance


def _valid_tag(tag):
    try:
        jsonschema.validate(tag, schemas.tag)
    except jsonschema.ValidationError as error:
        raise exception.Invalid(
            "Tag '%s' is invalid. It must be a non empty string without characters '/' "
            "and ','. Validation error message: %s" % (tag, error.message))


def index(req, server_id):
    return {'tags': _server(req, server_id, 'index')['tags']}


@handler.response(204)
def show(req, server_id, tag):
    if tag not in _server(req, server_id, 'show')['tags']:
        raise exception.NotFound("Server %s has no tag '%s'" % (server_id, tag))


@validation.body(schemas.tags_update_all)
def update_all(req, server_id):
    instance = _changeable(req, server_id, 'update_all', 'update tags')
    with lookup.target_cell(req.context, instance) as cell_context:
        return {'tags': instances_db.set_tags(cell_context, instance['uuid'],
                                              req.body['tags'])}


def update(req, server_id, tag):
    instance = _changeable(req, server_id, 'update', 'update tag')
    _valid_tag(tag)
    with lookup.target_cell(req.context, instance) as cell_context:
        added = instances_db.add_tag(cell_context, instance['uuid'], tag)
    if not added:
        return webob.Response(status=204, content_type=None)
    response = webob.Response(status=201, content_type=None)
    response.headers['Location'] = req.link('servers', server_id, 'tags', tag)
    return response


@handler.response(204)
def delete(req, server_id, tag):
    instance = _changeable(req, server_id, 'delete', 'delete tag')
    with lookup.target_cell(req.context, instance) as cell_context:
        instances_db.delete_tag(cell_context, instance['uuid'], tag)


@handler.response(204)
def delete_all(req, server_id):
    instance = _changeable(req, server_id, 'delete_all', 'delete tags')
    with lookup.target_cell(req.context, instance) as cell_context:
        instances_db.delete_all_tags(cell_context, instance['uuid'])


ROUTES = [
    ('GET', '/servers/{server_id}/tags', index, TAGS_VERSION),
    ('PUT', '/servers/{server_id}/tags', update_all, TAGS_VERSION),
    ('DELETE', '/servers/{server_id}/tags', delete_all, TAGS_VERSION),
    ('GET', '/servers/{server_id}/tags/{tag}', show, TAGS_VERSION),
    ('PUT', '/servers/{server_id}/tags/{tag}', update, TAGS_VERSION),
    ('DELETE', '/servers/{server_id}/tags/{tag}', delete, TAGS_VERSION),
]
