"""/servers/{server_id}/metadata: the user's key/value pairs of a server.

Changing them needs the server ACTIVE, PAUSED, SUSPENDED or STOPPED with
no task running (409 otherwise, and while it is locked for callers who
are not administrators), and stays within the metadata_items quota (403).
"""
from nova_api.compute import lookup
from nova_api.compute import state_checks
from nova_api import handler
from nova_api.schemas import servers as schemas
from nova_api import validation
from nova_common.db.api import instances as instances_db
from nova_common import exception
from nova_common.policies import servers as server_policies
from nova_common import policy
from nova_common import quota


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, server_policies.METADATA % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


def _changeable(req, instance, action):
    state_checks.check_lock(req.context, instance)
    state_checks.require_state(instance, action, state_checks.METADATA_VM_STATES, no_task=True)


def _check_quota(context, instance, metadata):
    allowed = quota.get_limits(context, instance['project_id'])['metadata_items']
    if 0 <= allowed < len(metadata):
        raise exception.MetadataLimitExceeded(allowed=allowed)


def _write(req, instance, metadata, replace):
    _changeable(req, instance, 'update metadata')
    wanted = dict(metadata) if replace else dict(instance['metadata'], **metadata)
    _check_quota(req.context, instance, wanted)
    with lookup.target_cell(req.context, instance) as cell_context:
        if replace:
            return instances_db.set_metadata(cell_context, instance['uuid'], metadata)
        return instances_db.update_metadata(cell_context, instance['uuid'], metadata)


def index(req, server_id):
    return {'metadata': _server(req, server_id, 'index')['metadata']}


def show(req, server_id, key):
    metadata = _server(req, server_id, 'show')['metadata']
    if key not in metadata:
        raise exception.MetadataItemNotFound()
    return {'meta': {key: metadata[key]}}


@validation.body(schemas.metadata_create)
def create(req, server_id):
    instance = _server(req, server_id, 'create')
    return {'metadata': _write(req, instance, req.body['metadata'], replace=False)}


@validation.body(schemas.metadata_update_all)
def update_all(req, server_id):
    instance = _server(req, server_id, 'update_all')
    return {'metadata': _write(req, instance, req.body['metadata'], replace=True)}


@validation.body(schemas.metadata_update)
def update(req, server_id, key):
    meta = req.body['meta']
    if key not in meta:
        raise exception.Invalid('Request body and URI mismatch')
    instance = _server(req, server_id, 'update')
    _write(req, instance, meta, replace=False)
    return {'meta': meta}


@handler.response(204)
def delete(req, server_id, key):
    instance = _server(req, server_id, 'delete')
    if key not in instance['metadata']:
        raise exception.MetadataItemNotFound()
    _changeable(req, instance, 'delete metadata')
    with lookup.target_cell(req.context, instance) as cell_context:
        instances_db.delete_metadata_item(cell_context, instance['uuid'], key)


ROUTES = [
    ('GET', '/servers/{server_id}/metadata', index),
    ('POST', '/servers/{server_id}/metadata', create),
    ('PUT', '/servers/{server_id}/metadata', update_all),
    ('GET', '/servers/{server_id}/metadata/{key}', show),
    ('PUT', '/servers/{server_id}/metadata/{key}', update),
    ('DELETE', '/servers/{server_id}/metadata/{key}', delete),
]
