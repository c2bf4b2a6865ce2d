"""os-simple-tenant-usage: how many hours of vCPUs, RAM and disk each
project's servers used in a period (Horizon's overview page).

``start`` and ``end`` (UTC, ``YYYY-MM-DDTHH:MM:SS[.ffffff]`` or
``YYYY-MM-DD HH:MM:SS.ffffff``) default to now; an end in the future is
taken as now. A server counts from its launch to its termination (or to
the end of the period); deleted servers count for the hours they ran.
``detailed=1`` (the list) adds each server's usage. From 2.40 the servers
behind the figures are paged with ``limit`` and ``marker`` (a server uuid),
and a full page gets a ``next`` link.
"""
import copy
import datetime

from oslo_utils import timeutils

from nova_api import pagination
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common import cells_scatter
from nova_common.db.api import instance_usage
from nova_common import exception
from nova_common.policies import simple_tenant_usage as usage_policies
from nova_common import policy

PAGING_VERSION = '2.40'
_TIME_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d %H:%M:%S.%f')
_RESPONSE_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'

_query = {
    'type': 'object',
    'properties': {
        'start': parameter_types.multi_params({'type': 'string'}),
        'end': parameter_types.multi_params({'type': 'string'}),
        'detailed': parameter_types.multi_params({'type': 'string'}),
    },
    'additionalProperties': True,
}
_query_v240 = copy.deepcopy(_query)
_query_v240['properties'].update(parameter_types.pagination_parameters)
_query_v275 = dict(copy.deepcopy(_query_v240), additionalProperties=False)


def _parse_time(text):
    if not text:
        return timeutils.utcnow()
    for time_format in _TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, time_format)
        except ValueError:
            continue
    raise exception.InvalidInput(
        reason='Invalid datetime %s: datetime is in invalid format' % text)


def _period(req):
    """(start, stop) of the report, naive UTC; 400 when start is not before
    the end."""
    start = _parse_time(req.query_value('start'))
    stop = _parse_time(req.query_value('end'))
    if not start < stop:
        raise exception.Invalid('Invalid start time. The start time cannot occur after '
                                'the end time.')
    return start, min(stop, timeutils.utcnow())


def _hours(instance, start, stop):
    launched = instance['launched_at']
    terminated = instance['terminated_at']
    begin = max(launched, start)
    end = min(terminated, stop) if terminated else stop
    return max((end - begin).total_seconds(), 0) / 3600.0


def _format_time(value):
    return value.strftime(_RESPONSE_TIME_FORMAT) if value else None


def _server_usage(instance, start, stop, now):
    terminated = instance['terminated_at']
    uptime = (terminated or now) - instance['launched_at']
    return {
        'instance_id': instance['uuid'],
        'name': instance['display_name'],
        'tenant_id': instance['project_id'],
        'flavor': (instance['flavor'] or {}).get('name', ''),
        'hours': _hours(instance, start, stop),
        'memory_mb': instance['memory_mb'] or 0,
        'local_gb': (instance['root_gb'] or 0) + (instance['ephemeral_gb'] or 0),
        'vcpus': instance['vcpus'] or 0,
        'started_at': _format_time(instance['launched_at']),
        'ended_at': _format_time(terminated),
        'state': 'terminated' if terminated else instance['vm_state'],
        'uptime': int(uptime.total_seconds()),
    }


def _summaries(servers, start, stop, detailed):
    """One usage summary per project, in the order the projects first
    appear in ``servers``."""
    summaries = {}
    for server in servers:
        summary = summaries.get(server['tenant_id'])
        if summary is None:
            summary = summaries[server['tenant_id']] = {
                'tenant_id': server['tenant_id'],
                'start': _format_time(start), 'stop': _format_time(stop),
                'total_hours': 0, 'total_vcpus_usage': 0,
                'total_memory_mb_usage': 0, 'total_local_gb_usage': 0}
            if detailed:
                summary['server_usages'] = []
        hours = server['hours']
        summary['total_hours'] += hours
        summary['total_vcpus_usage'] += server['vcpus'] * hours
        summary['total_memory_mb_usage'] += server['memory_mb'] * hours
        summary['total_local_gb_usage'] += server['local_gb'] * hours
        if detailed:
            summary['server_usages'].append(server)
    return list(summaries.values())


def _instances(req, start, stop, project_id):
    """The instances behind the report, every cell merged oldest first, and
    paged from 2.40."""
    answered = cells_scatter.gather(
        req.context,
        lambda cell_context, _cell: instance_usage.active_in_window(
            cell_context, start, stop, project_id),
        with_cell0=False)
    found = sorted((instance for _cell, rows in answered for instance in rows),
                   key=lambda instance: (instance['created_at'], instance['uuid']))
    if not req.at_least(PAGING_VERSION):
        return found
    limit, marker = pagination.limit_and_marker(req)
    if marker is not None:
        uuids = [instance['uuid'] for instance in found]
        if marker not in uuids:
            raise exception.MarkerNotFound(marker=marker)
        found = found[uuids.index(marker) + 1:]
    return found[:limit]


def _report(req, project_id, detailed):
    start, stop = _period(req)
    found = _instances(req, start, stop, project_id)
    now = timeutils.utcnow()
    servers = [_server_usage(instance, start, stop, now) for instance in found]
    links = []
    if req.at_least(PAGING_VERSION):
        links = pagination.next_links(req, found, lambda instance: instance['uuid'],
                                      'os-simple-tenant-usage', *([project_id] if project_id
                                                                  else []))
    return _summaries(servers, start, stop, detailed), links


@validation.query(_query, '2.1', '2.39')
@validation.query(_query_v240, '2.40', '2.74')
@validation.query(_query_v275, '2.75')
def index(req):
    policy.authorize(req.context, usage_policies.POLICY % 'list', target={})
    summaries, links = _report(req, None, req.query_value('detailed') == '1')
    body = {'tenant_usages': summaries}
    if links:
        body['tenant_usages_links'] = links
    return body


@validation.query(_query, '2.1', '2.39')
@validation.query(_query_v240, '2.40', '2.74')
@validation.query(_query_v275, '2.75')
def show(req, tenant_id):
    policy.authorize(req.context, usage_policies.POLICY % 'show',
                     target={'project_id': tenant_id})
    summaries, links = _report(req, tenant_id, True)
    body = {'tenant_usage': summaries[0] if summaries else {}}
    if links:
        body['tenant_usage_links'] = links
    return body


ROUTES = [
    ('GET', '/os-simple-tenant-usage', index),
    ('GET', '/os-simple-tenant-usage/{tenant_id}', show),
]
