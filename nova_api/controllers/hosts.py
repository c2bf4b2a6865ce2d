"""os-hosts: Nova's older view of the hosts running services (deprecated,
gone from 2.43 on; ``openstack host list|show|set`` still call it).

- list: each enabled service that is not an API, as its host, topic and
  zone (``zone`` filters);
- show: a compute host's totals, its usage as reported, the usage of the
  instances on it, and that usage per project;
- update: ``status`` enables or disables the host's nova-compute service
  (as os-services does); ``maintenance_mode`` and the host power actions
  (reboot, shutdown, startup) are not supported by this cloud's drivers:
  501, as Nova answers for a driver without them.
"""
from nova_api.views import services as service_views
from nova_api import validation
from nova_common import cells_scatter
from nova_common import context as nova_context
from nova_common.db.api import aggregates as aggregates_db
from nova_common.db.api import compute_nodes
from nova_common.db.api import instances as instances_db
from nova_common.db.api import services as services_db
from nova_common import exception
from nova_common.policies import hosts as host_policies
from nova_common import policy

MAX_VERSION = '2.42'

_enable_or_disable = {'type': 'string', 'enum': ['enable', 'disable', 'Enable', 'Disable',
                                                 'ENABLE', 'DISABLE']}
_update = {
    'type': 'object',
    'properties': {'status': _enable_or_disable, 'maintenance_mode': _enable_or_disable},
    'anyOf': [{'required': ['status']}, {'required': ['maintenance_mode']}],
    'additionalProperties': False,
}


class NotSupported(exception.NovaException):
    code = 501
    msg_fmt = 'Action is not supported'


def _authorize(req, action):
    policy.authorize(req.context, host_policies.POLICY % action, target={})


def index(req):
    _authorize(req, 'list')
    answered = cells_scatter.gather(
        req.context, lambda cell_context, _cell: services_db.list(cell_context))
    host_zones = aggregates_db.host_zones(req.context)
    zone_wanted = req.query_value('zone')
    hosts = []
    for _cell, services in answered:
        for service in services:
            if service['disabled'] or service['binary'] in service_views.API_BINARIES:
                continue
            zone = service_views.zone(service, host_zones)
            if zone_wanted and zone != zone_wanted:
                continue
            hosts.append({'host_name': service['host'], 'service': service['topic'],
                          'zone': zone})
    return {'hosts': hosts}


def _compute_cell(context, host_name):
    try:
        return cells_scatter.cell_of_host(context, host_name)
    except exception.HostMappingNotFound:
        raise exception.ComputeHostNotFound(host=host_name)


def _resource(host_name, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host_name, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


def show(req, host_name):
    _authorize(req, 'show')
    cell = _compute_cell(req.context, host_name)
    with nova_context.target_cell(req.context, cell) as cell_context:
        nodes = compute_nodes.list(cell_context, host=host_name)
        if not nodes:
            raise exception.ComputeHostNotFound(host=host_name)
        on_host = instances_db.list_by_host(cell_context, host_name)
    node = nodes[0]
    resources = [
        _resource(host_name, '(total)', node['vcpus'], node['memory_mb'], node['local_gb']),
        _resource(host_name, '(used_now)', node['vcpus_used'], node['memory_mb_used'],
                  node['local_gb_used']),
    ]
    per_project = {}
    for instance in on_host:
        usage = per_project.setdefault(instance['project_id'], [0, 0, 0])
        usage[0] += instance['vcpus'] or 0
        usage[1] += instance['memory_mb'] or 0
        usage[2] += (instance['root_gb'] or 0) + (instance['ephemeral_gb'] or 0)
    totals = [sum(usage[index] for usage in per_project.values()) for index in range(3)]
    resources.append(_resource(host_name, '(used_max)', *totals))
    resources.extend(_resource(host_name, project, *usage)
                     for project, usage in per_project.items())
    return {'host': resources}


@validation.body(_update)
def update(req, host_name):
    _authorize(req, 'update')
    body = req.body
    cell = _compute_cell(req.context, host_name)
    if 'maintenance_mode' in body:
        raise NotSupported()
    enabled = body['status'].lower() == 'enable'
    with nova_context.target_cell(req.context, cell) as cell_context:
        service = services_db.get_compute_by_host(cell_context, host_name)
        services_db.update(cell_context, service['id'],
                           {'disabled': not enabled,
                            'disabled_reason': None if enabled else service['disabled_reason']})
    return {'host': host_name, 'status': 'enabled' if enabled else 'disabled'}


def _power_action(action):
    def act(req, host_name):
        _authorize(req, action)
        _compute_cell(req.context, host_name)
        raise NotSupported()
    return act


ROUTES = [
    ('GET', '/os-hosts', index, None, MAX_VERSION),
    ('GET', '/os-hosts/{host_name}', show, None, MAX_VERSION),
    ('PUT', '/os-hosts/{host_name}', update, None, MAX_VERSION),
    ('GET', '/os-hosts/{host_name}/reboot', _power_action('reboot'), None, MAX_VERSION),
    ('GET', '/os-hosts/{host_name}/shutdown', _power_action('shutdown'), None, MAX_VERSION),
    ('GET', '/os-hosts/{host_name}/startup', _power_action('start'), None, MAX_VERSION),
]
