"""/servers/{server_id}/os-instance-actions: what was asked of a server and
what the services did about it.

From 2.21 the actions of deleted servers stay visible. Events show to
administrators (os-instance-actions:events, with traceback, and from 2.62
the host) and, from 2.51, without traceback to everyone who may see the
action; 2.58 adds updated_at and paging (limit, marker, changes-since),
2.62 the obfuscated hostId, 2.66 changes-before, 2.84 event details
(os-instance-actions:events:details).
"""
from oslo_utils import timeutils

from nova_api.compute import lookup
from nova_api import pagination
from nova_api.schemas import servers as schemas
from nova_api import validation
from nova_api.views import servers as server_views
from nova_common.db.api import instance_actions as actions_db
from nova_common import exception
from nova_common.policies import servers as server_policies
from nova_common import policy

PAGING_VERSION = '2.58'

_ACTION_KEYS = ('action', 'instance_uuid', 'request_id', 'user_id', 'project_id',
                'start_time', 'message')
_EVENT_KEYS = ('event', 'start_time', 'finish_time', 'result')
_TIMES = ('start_time', 'finish_time', 'updated_at')


def _may(context, rule, target):
    try:
        policy.authorize(context, rule, target)
    except exception.PolicyNotAuthorized:
        return False
    return True


def _server(req, server_id, rule):
    read_deleted = 'yes' if req.at_least('2.21') else 'no'
    instance = lookup.get_server(req.context, server_id, with_fault=False,
                                 read_deleted=read_deleted)
    target = {'project_id': instance['project_id'], 'user_id': instance['user_id']}
    policy.authorize(req.context, server_policies.INSTANCE_ACTIONS % rule, target)
    return instance, target


def _value(record, key):
    value = record.get(key)
    return server_views.strtime(value) if key in _TIMES else value


def _action(req, action):
    keys = _ACTION_KEYS + (('updated_at',) if req.at_least(PAGING_VERSION) else ())
    return {key: _value(action, key) for key in keys}


def _event(req, event, project_id, with_traceback, with_host, with_details):
    body = {key: _value(event, key) for key in _EVENT_KEYS}
    if with_traceback:
        body['traceback'] = event.get('traceback')
    if with_host:
        body['host'] = event.get('host')
    if req.at_least('2.62'):
        body['hostId'] = server_views.host_id(project_id, event.get('host'))
    if with_details:
        body['details'] = event.get('details')
    return body


def _changes_filters(req):
    filters = {}
    for name in ('changes-since', 'changes-before'):
        value = req.query_value(name)
        if value is not None:
            filters[name] = timeutils.normalize_time(timeutils.parse_isotime(value))
    since, before = filters.get('changes-since'), filters.get('changes-before')
    if since and before and before < since:
        raise exception.Invalid('The value of changes-since must be less than or equal '
                                'to changes-before.')
    return filters


def _list_actions(req, instance):
    """The actions of ``instance``, newest first (paged from 2.58); none
    while it is a build request."""
    if instance.get('cell_uuid') is None:
        return []
    with lookup.target_cell(req.context, instance) as cell_context:
        if not req.at_least(PAGING_VERSION):
            return actions_db.list(cell_context, instance['uuid'])
        limit, marker = pagination.limit_and_marker(req)
        return actions_db.list(cell_context, instance['uuid'], limit=limit, marker=marker,
                               filters=_changes_filters(req))


@validation.query(schemas.instance_actions_query_v258, '2.58', '2.65')
@validation.query(schemas.instance_actions_query_v266, '2.66')
def index(req, server_id):
    instance, _target = _server(req, server_id, 'list')
    actions = _list_actions(req, instance)
    body = {'instanceActions': [_action(req, action) for action in actions]}
    if req.at_least(PAGING_VERSION):
        links = pagination.next_links(req, actions, lambda a: a['request_id'], 'servers',
                                      server_id, 'os-instance-actions')
        if links:
            body['links'] = links
    return body


def show(req, server_id, request_id):
    context = req.context
    instance, target = _server(req, server_id, 'show')
    if instance.get('cell_uuid') is None:
        raise exception.InstanceActionNotFound(request_id=request_id)
    with lookup.target_cell(context, instance) as cell_context:
        action = actions_db.get(cell_context, instance['uuid'], request_id)
    body = _action(req, action)
    admin_events = _may(context, server_policies.INSTANCE_ACTIONS % 'events', target)
    if admin_events or req.at_least('2.51'):
        with_details = req.at_least('2.84') and _may(
            context, server_policies.INSTANCE_ACTIONS % 'events:details', target)
        project_id = action.get('project_id') or instance['project_id']
        body['events'] = [
            _event(req, event, project_id, with_traceback=admin_events,
                   with_host=admin_events and req.at_least('2.62'), with_details=with_details)
            for event in action['events']]
    return {'instanceAction': body}


ROUTES = [
    ('GET', '/servers/{server_id}/os-instance-actions', index),
    ('GET', '/servers/{server_id}/os-instance-actions/{request_id}', show),
]
