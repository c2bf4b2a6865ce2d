"""HostStates and request specs built in memory for filter and weigher tests."""
import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_scheduler import host_state

CELL = 'cell-1'


def make_host(name='node1', vcpus=8, memory_mb=16384, local_gb=100, used=None,
              up=True, disabled=False, cpu_info='{"arch": "x86_64"}',
              hypervisor_type='fake', hypervisor_version=1000, stats=None,
              cell_uuid=CELL, service=True, instances=None, **node_values):
    node = {'uuid': uuidutils.generate_uuid(), 'host': name, 'hypervisor_hostname': name,
            'vcpus': vcpus, 'memory_mb': memory_mb, 'local_gb': local_gb,
            'cpu_info': cpu_info, 'hypervisor_type': hypervisor_type,
            'hypervisor_version': hypervisor_version, 'stats': stats}
    node.update(node_values)
    heartbeat = timeutils.utcnow() - datetime.timedelta(seconds=0 if up else 3600)
    record = ({'host': name, 'disabled': disabled, 'forced_down': False,
               'last_seen_up': heartbeat, 'created_at': heartbeat} if service else None)
    return host_state.HostState(node, record, cell_uuid, host_state.node_inventory(node),
                                used or {}, instances=instances)


def make_instances(count, vm_state='active', task_state=None, **metadata):
    """{uuid: info} of ``count`` instances as HostState.instances holds them."""
    uuids = [uuidutils.generate_uuid() for _ in range(count)]
    return {uuid: {'uuid': uuid, 'host': 'node1', 'node': 'node1', 'vm_state': vm_state,
                   'task_state': task_state, 'project_id': 'demo', 'metadata': dict(metadata)}
            for uuid in uuids}


def make_spec(vcpus=1, memory_mb=512, root_gb=1, ephemeral_gb=0, swap=0,
              extra_specs=None, image_properties=None, **values):
    spec = {'instance_uuid': uuidutils.generate_uuid(), 'project_id': 'demo',
            'user_id': 'demo',
            'flavor': {'flavorid': '1', 'name': 'test', 'vcpus': vcpus,
                       'memory_mb': memory_mb, 'root_gb': root_gb,
                       'ephemeral_gb': ephemeral_gb, 'swap': swap,
                       'extra_specs': extra_specs or {}},
            'image': {'id': uuidutils.generate_uuid(), 'name': 'cirros',
                      'properties': image_properties or {}},
            'availability_zone': None, 'scheduler_hints': {}, 'num_instances': 1,
            'ignore_hosts': [], 'force_hosts': [], 'force_nodes': []}
    spec.update(values)
    return spec
