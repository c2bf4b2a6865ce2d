"""One compute node as the filters and weighers see it: what the cell
reported (capacity, hypervisor, service liveness) plus what the ledger says
is allocated on it.

The host manager keeps HostStates between requests and builds one again
when its node, service, instances, inventory or usage changed; requests
share them and only read them. ``consume`` (taking a claim made during a
request into account) is called on a request's own ``copy.copy`` and
replaces the dicts it changes, so it never leaks into another request.
"""
import functools
import math

from oslo_serialization import jsonutils

from nova_common.conf import CONF
from nova_common.db.api import ledger
from nova_common import servicegroup
from nova_scheduler import instance_tracker
from nova_scheduler import utils

_ARCH_ALIASES = {'i386': 'i686', 'i486': 'i686', 'i586': 'i686', 'x86_32': 'i686',
                 'amd64': 'x86_64', 'x64': 'x86_64', 'arm64': 'aarch64'}
_HV_TYPE_ALIASES = {'xapi': 'xen'}
_VM_MODE_ALIASES = {'hv': 'hvm', 'baremetal': 'hvm', 'pv': 'xen'}
# A libvirt node reports "QEMU"; it runs both kinds of guests.
_HV_TYPE_FAMILIES = {'qemu': ('qemu', 'kvm'), 'kvm': ('kvm', 'qemu')}


def canonical_arch(value):
    if not value:
        return None
    value = str(value).lower()
    return _ARCH_ALIASES.get(value, value)


def canonical_hv_type(value):
    if not value:
        return None
    value = str(value).lower()
    return _HV_TYPE_ALIASES.get(value, value)


def canonical_vm_mode(value):
    if not value:
        return None
    value = str(value).lower()
    return _VM_MODE_ALIASES.get(value, value)


def _ratio(node, resource):
    """The node's own ratio, else [DEFAULT] <resource>_allocation_ratio, else
    the initial one (a ratio of 0 or none means "not set", as in Nova)."""
    reported = node.get('%s_allocation_ratio' % resource)
    if reported:
        return float(reported)
    configured = getattr(CONF, '%s_allocation_ratio' % resource)
    if configured:
        return float(configured)
    return float(getattr(CONF, 'initial_%s_allocation_ratio' % resource))


def node_inventory(node):
    """The ledger inventory of a compute node ({rc: inventory}); a class
    the node has none of is left out. VGPUs have no column of their own:
    the compute reports their count in its stats ({'vgpus': n})."""
    vgpus = _json_dict(node.get('stats')).get('vgpus')
    classes = (
        (utils.VCPU, node.get('vcpus') or 0, CONF.reserved_host_cpus, _ratio(node, 'cpu')),
        (utils.MEMORY_MB, node.get('memory_mb') or 0, CONF.reserved_host_memory_mb,
         _ratio(node, 'ram')),
        (utils.DISK_GB, node.get('local_gb') or 0,
         int(math.ceil(CONF.reserved_host_disk_mb / 1024.0)), _ratio(node, 'disk')),
        (utils.VGPU, vgpus if isinstance(vgpus, int) else 0, 0, 1.0),
    )
    return {rc: {'total': total, 'reserved': reserved, 'min_unit': 1, 'max_unit': total,
                 'step_size': 1, 'allocation_ratio': ratio}
            for rc, total, reserved, ratio in classes if total > 0}


def _json_dict(value):
    if isinstance(value, dict):
        return value
    if not value:
        return {}
    try:
        loaded = jsonutils.loads(value)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def numa_cells(stats):
    """The host NUMA cells the compute reports in its stats
    ({'numa_topology': {'cells': [{'id', 'cpus', 'memory_mb'}]}}), as
    [{'id', 'cpus': count, 'memory_mb'}]; [] when it reports none."""
    topology = stats.get('numa_topology')
    cells = topology.get('cells') if isinstance(topology, dict) else None
    if not isinstance(cells, list):
        return []
    try:
        return [{'id': int(cell['id']), 'cpus': len(cell['cpus']),
                 'memory_mb': int(cell['memory_mb'])} for cell in cells]
    except (KeyError, TypeError, ValueError):
        return []


def _room(inventory, usage):
    """({rc: allocatable amount left}, {rc: (min_unit, largest amount one
    instance can get now, step_size)}), worked out once per host state:
    filters and weighers ask about every host of every request."""
    free, limits = {}, {}
    for rc, values in inventory.items():
        left = max(int(math.floor(ledger.capacity(values) - usage.get(rc, 0))), 0)
        free[rc] = left
        limits[rc] = (values['min_unit'], min(left, values['max_unit']), values['step_size'])
    return free, limits


def fitting(hosts, rc, amount):
    """Those of ``hosts`` where ``amount`` more of ``rc`` fits (the checks
    of ledger.misfit, on many hosts at once)."""
    if not amount:
        return list(hosts)
    return [host for host in hosts
            if (limit := host.limits.get(rc)) is not None
            and limit[0] <= amount <= limit[1] and not amount % limit[2]]


class HostState:
    """Attributes are named as in Nova's HostState, so that flavor extra
    specs written for Nova's ComputeCapabilitiesFilter keep working."""

    def __init__(self, node, service, cell_uuid, inventory, usage, instances=None):
        self.uuid = node['uuid']
        self.host = node['host']
        self.nodename = node['hypervisor_hostname']
        self.hypervisor_hostname = node['hypervisor_hostname']
        self.hypervisor_type = node.get('hypervisor_type')
        self.hypervisor_version = node.get('hypervisor_version')
        self.host_ip = node.get('host_ip')
        self.cpu_info = _json_dict(node.get('cpu_info'))
        self.stats = _json_dict(node.get('stats'))
        self.cell_uuid = cell_uuid
        self.service = service
        self.availability_zone = CONF.default_availability_zone
        # Set by the host manager from its aggregate cache (nova_scheduler.aggregates).
        self.aggregates = []
        self.inventory = inventory
        self.usage = dict(usage)
        self._free, self.limits = _room(inventory, self.usage)
        # The node's live instances ({uuid: info}, see instance_tracker),
        # shared with the host manager's cache: read only.
        self.instances = instances if instances is not None else {}
        self.num_instances = len(self.instances)
        self.num_io_ops = instance_tracker.io_ops_of(self.instances)
        self.failed_builds = int(self.stats.get('failed_builds') or 0)

    def __repr__(self):
        return '<HostState %s (%s)>' % (self.nodename, self.host)

    @functools.cached_property
    def numa_cells(self):
        return numa_cells(self.stats)

    # Service

    @property
    def service_up(self):
        return self.service is not None and servicegroup.is_up(self.service)

    @property
    def service_disabled(self):
        return self.service is None or bool(self.service.get('disabled'))

    # Resources, from the ledger

    def used(self, rc):
        return self.usage.get(rc, 0)

    def free(self, rc):
        """Allocatable amount left of ``rc`` (overcommit included), never
        below 0; 0 when the node has no such inventory."""
        return self._free.get(rc, 0)

    def fits(self, rc, amount):
        """Whether ``amount`` more of ``rc`` fits here (``misfit`` is None)."""
        return bool(fitting([self], rc, amount))

    def largest_request(self, rc):
        """The largest amount of ``rc`` one instance could still get here."""
        inventory = self.inventory.get(rc)
        if inventory is None:
            return 0
        return min(self.free(rc), inventory['max_unit'])

    def misfit(self, rc, amount):
        """Why ``amount`` of ``rc`` would not fit here, or None."""
        if not amount:
            return None
        inventory = self.inventory.get(rc)
        if inventory is None:
            return 'no %s inventory' % rc
        return ledger.misfit(inventory, self.used(rc), amount)

    def consume(self, resources, instance=None):
        """Count a claim made for this request: one more instance, building
        (I/O heavy), as Nova's consume_from_request counts it. ``instance``
        (an ``instances`` value: uuid, metadata, vm_state, ...) joins a copy
        of ``instances``, so that filters see it when they place the
        request's next instances."""
        if instance is not None:
            self.instances = dict(self.instances, **{instance['uuid']: instance})
        self.num_instances += 1
        self.num_io_ops += 1
        # New dicts, not changed ones: a copy.copy of a shared HostState
        # consumes without touching the original.
        self.usage = {rc: self.used(rc) + resources.get(rc, 0)
                      for rc in set(self.usage) | {rc for rc, n in resources.items() if n}}
        self._free, self.limits = _room(self.inventory, self.usage)

    @property
    def vcpus_total(self):
        return self.inventory.get(utils.VCPU, {}).get('total', 0)

    @property
    def vcpus_used(self):
        return self.used(utils.VCPU)

    @property
    def cpu_allocation_ratio(self):
        return self.inventory.get(utils.VCPU, {}).get('allocation_ratio', 0.0)

    @property
    def total_usable_ram_mb(self):
        return self.inventory.get(utils.MEMORY_MB, {}).get('total', 0)

    @property
    def memory_mb_used(self):
        return self.used(utils.MEMORY_MB)

    @property
    def free_ram_mb(self):
        return self.free(utils.MEMORY_MB)

    @property
    def ram_allocation_ratio(self):
        return self.inventory.get(utils.MEMORY_MB, {}).get('allocation_ratio', 0.0)

    @property
    def total_usable_disk_gb(self):
        return self.inventory.get(utils.DISK_GB, {}).get('total', 0)

    @property
    def free_disk_mb(self):
        return self.free(utils.DISK_GB) * 1024

    @property
    def disk_allocation_ratio(self):
        return self.inventory.get(utils.DISK_GB, {}).get('allocation_ratio', 0.0)

    # Hypervisor

    @property
    def supported_instances(self):
        """[(arch, hypervisor type, vm mode)] the node can run, derived from
        what it reports (cpu_info's arch and its hypervisor_type)."""
        arch = canonical_arch(self.cpu_info.get('arch'))
        hv_type = canonical_hv_type(self.hypervisor_type)
        if not arch or not hv_type:
            return []
        return [(arch, family_member, 'hvm')
                for family_member in _HV_TYPE_FAMILIES.get(hv_type, (hv_type,))]
