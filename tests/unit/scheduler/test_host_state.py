"""A compute node's ledger inventory and its HostState."""
from nova_scheduler import host_state
from tests.unit.scheduler.fakes import make_host


def _node(**values):
    node = {'vcpus': 8, 'memory_mb': 16384, 'local_gb': 100}
    node.update(values)
    return node


def test_inventory_with_nova_defaults():
    inventory = host_state.node_inventory(_node())
    assert inventory == {
        'VCPU': {'total': 8, 'reserved': 0, 'min_unit': 1, 'max_unit': 8, 'step_size': 1,
                 'allocation_ratio': 4.0},
        'MEMORY_MB': {'total': 16384, 'reserved': 512, 'min_unit': 1, 'max_unit': 16384,
                      'step_size': 1, 'allocation_ratio': 1.0},
        'DISK_GB': {'total': 100, 'reserved': 0, 'min_unit': 1, 'max_unit': 100,
                    'step_size': 1, 'allocation_ratio': 1.0}}


def test_ratio_precedence(clean_config):
    assert host_state.node_inventory(_node(cpu_allocation_ratio=2.0))['VCPU'][
        'allocation_ratio'] == 2.0
    clean_config.set_override('cpu_allocation_ratio', 8.0)
    assert host_state.node_inventory(_node())['VCPU']['allocation_ratio'] == 8.0
    # A node's own ratio wins; 0.0 means "not set", as in Nova.
    assert host_state.node_inventory(_node(cpu_allocation_ratio=2.0))['VCPU'][
        'allocation_ratio'] == 2.0
    assert host_state.node_inventory(_node(cpu_allocation_ratio=0.0))['VCPU'][
        'allocation_ratio'] == 8.0
    clean_config.set_override('initial_ram_allocation_ratio', 1.5)
    assert host_state.node_inventory(_node())['MEMORY_MB']['allocation_ratio'] == 1.5


def test_reserved_disk_rounds_up_to_gib(clean_config):
    clean_config.set_override('reserved_host_disk_mb', 1025)
    clean_config.set_override('reserved_host_cpus', 1)
    inventory = host_state.node_inventory(_node())
    assert inventory['DISK_GB']['reserved'] == 2
    assert inventory['VCPU']['reserved'] == 1


def test_empty_classes_are_left_out():
    assert set(host_state.node_inventory(_node(local_gb=0))) == {'VCPU', 'MEMORY_MB'}


def test_free_and_consume():
    host = make_host(memory_mb=4608, used={'MEMORY_MB': 1024})
    assert host.free_ram_mb == 3072
    host.consume({'MEMORY_MB': 2048, 'VCPU': 2, 'DISK_GB': 0})
    assert host.free_ram_mb == 1024
    assert host.vcpus_used == 2
    assert host.used('DISK_GB') == 0


def test_supported_instances():
    assert make_host(hypervisor_type='fake').supported_instances == [
        ('x86_64', 'fake', 'hvm')]
    assert sorted(make_host(hypervisor_type='QEMU',
                            cpu_info='{"arch": "aarch64"}').supported_instances) == [
        ('aarch64', 'kvm', 'hvm'), ('aarch64', 'qemu', 'hvm')]
    assert make_host(cpu_info='not json').supported_instances == []
