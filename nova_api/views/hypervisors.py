"""What os-hypervisors shows of a compute node and its nova-compute service."""
from oslo_serialization import jsonutils

from nova_common.conf import CONF
from nova_common import servicegroup

COLLECTION = 'os-hypervisors'


# Usage fields, shown by detailed views up to 2.87 (2.88 dropped them).
USAGE_FIELDS = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
                'local_gb_used', 'free_ram_mb', 'free_disk_gb', 'running_vms')

# Fields Nova keeps in compute_nodes columns that this schema has not got
# (yet); they read as Nova's defaults until a compute reports them.
_UNREPORTED_FIELDS = {'current_workload': 0, 'disk_available_least': 0}


def _cpu_info(req, node):
    if not req.at_least('2.28'):
        return node['cpu_info']
    return jsonutils.loads(node['cpu_info']) if node['cpu_info'] else {}


def summary(req, node, service):
    """The fields every view has."""
    return {
        'id': node['uuid'] if req.at_least('2.53') else node['id'],
        'hypervisor_hostname': node['hypervisor_hostname'],
        'state': 'up' if servicegroup.is_up(service) else 'down',
        'status': 'disabled' if service['disabled'] else 'enabled',
    }


def detail(req, node, service):
    view = summary(req, node, service)
    view.update(hypervisor_type=node['hypervisor_type'],
                hypervisor_version=node['hypervisor_version'],
                host_ip=node['host_ip'])
    view['service'] = {
        'id': service['uuid'] if req.at_least('2.53') else service['id'],
        'host': node['host'],
        'disabled_reason': service['disabled_reason'],
    }
    if not req.at_least('2.88'):
        view.update({field: node[field] for field in USAGE_FIELDS})
        view.update({field: node.get(field, default)
                     for field, default in _UNREPORTED_FIELDS.items()})
        view['cpu_info'] = _cpu_info(req, node)
    return view


def add_servers(req, view, instances, with_servers):
    """Add the instances of the node's host: when there are some, and from
    2.75 also as an empty list when they were asked for."""
    if instances:
        view['servers'] = [{'name': CONF.instance_name_template % instance['id'],
                            'uuid': instance['uuid']} for instance in instances]
    elif with_servers and req.at_least('2.75'):
        view['servers'] = []
    return view


def statistics(nodes):
    """Totals over ``nodes`` (GET /os-hypervisors/statistics)."""
    totals = {'count': len(nodes)}
    for field in USAGE_FIELDS:
        totals[field] = sum(int(node[field] or 0) for node in nodes)
    for field, default in _UNREPORTED_FIELDS.items():
        totals[field] = sum(int(node.get(field, default) or 0) for node in nodes)
    return totals
