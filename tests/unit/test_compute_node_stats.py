"""What a compute adds to its nodes' stats: the NUMA cells its driver
reports and the count of consecutive failed builds (reset by a success),
reported as soon as it changes."""
import json

import oslo_messaging as messaging
import pytest

from nova_common import context as nova_context
from nova_compute import build
from nova_compute import manager as compute_manager
from nova_compute.virt import fake
from nova_compute.virt.libvirt import resources


class RecordingConductor:
    def __init__(self):
        self.reports = []
        self.fail = False

    def compute_node_update(self, context, host, nodes):
        if self.fail:
            raise messaging.MessagingTimeout('no conductor')
        self.reports.append({node['hypervisor_hostname']: json.loads(node['stats'])
                             for node in nodes})


@pytest.fixture
def compute(clean_config):
    clean_config.set_override('nodes', 2, group='fake_driver')
    compute = compute_manager.ComputeManager('host')
    compute.driver = fake.FakeDriver()
    compute.driver.init_host('host')
    compute.conductor_api = RecordingConductor()
    compute.service_id = 1
    return compute


def _build(compute, monkeypatch, node, result):
    monkeypatch.setattr(build, 'build_and_run', lambda *args: result)
    compute.build_and_run_instance(nova_context.get_admin_context(),
                                   {'uuid': 'u', 'node': node}, {}, [])


def test_failed_builds_count_up_and_reset(compute, monkeypatch):
    reports = compute.conductor_api.reports
    _build(compute, monkeypatch, 'host-node1', False)
    _build(compute, monkeypatch, 'host-node1', False)
    assert [report['host-node1']['failed_builds'] for report in reports] == [1, 2]
    assert reports[-1]['host-node2']['failed_builds'] == 0
    _build(compute, monkeypatch, 'host-node2', True)
    _build(compute, monkeypatch, 'host-node1', None)
    assert len(reports) == 2, 'nothing changed, nothing reported'
    _build(compute, monkeypatch, 'host-node1', True)
    assert reports[-1]['host-node1']['failed_builds'] == 0


def test_an_unreachable_conductor_does_not_fail_the_build(compute, monkeypatch):
    compute.conductor_api.fail = True
    _build(compute, monkeypatch, 'host-node1', False)
    compute.conductor_api.fail = False
    compute.update_available_resource(nova_context.get_admin_context())
    assert compute.conductor_api.reports[-1]['host-node1']['failed_builds'] == 1


def test_fake_numa_cells_share_the_node(compute, clean_config):
    compute.update_available_resource(nova_context.get_admin_context())
    assert 'numa_topology' not in compute.conductor_api.reports[-1]['host-node1']
    clean_config.set_override('numa_nodes', 3, group='fake_driver')
    compute.update_available_resource(nova_context.get_admin_context())
    assert compute.conductor_api.reports[-1]['host-node1']['numa_topology'] == {'cells': [
        {'id': 0, 'cpus': [0, 1, 2], 'memory_mb': 5462},
        {'id': 1, 'cpus': [3, 4, 5], 'memory_mb': 5461},
        {'id': 2, 'cpus': [6, 7], 'memory_mb': 5461}]}


def test_capabilities_without_numa_cells():
    assert resources.numa_topology('<capabilities><host><cpu/></host></capabilities>') is None
