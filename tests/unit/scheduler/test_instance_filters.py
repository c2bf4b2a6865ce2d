"""The filters that look at a host's instances and NUMA cells:
SameHostFilter, DifferentHostFilter, NumInstancesFilter, IoOpsFilter and
NUMATopologyFilter."""
import json

import pytest

from nova_scheduler import filters
from nova_scheduler.filters import different_host_filter
from nova_scheduler.filters import io_ops_filter
from nova_scheduler.filters import num_instances_filter
from nova_scheduler.filters import numa_topology_filter
from nova_scheduler.filters import same_host_filter
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_instances
from tests.unit.scheduler.fakes import make_spec


def _hinted(**hints):
    return make_spec(scheduler_hints=hints)


class TestSameAndDifferentHost:
    def setup_method(self):
        self.instances = make_instances(2)
        self.uuid, self.other = sorted(self.instances)
        self.host = make_host('busy', instances=self.instances)
        self.empty = make_host('empty')

    @pytest.mark.parametrize('value', [lambda u: u, lambda u: [u, 'not-here']])
    def test_same_host_takes_a_uuid_or_a_list(self, value):
        same = same_host_filter.SameHostFilter()
        spec = _hinted(same_host=value(self.uuid))
        assert same.host_passes(self.host, spec)
        assert not same.host_passes(self.empty, spec)

    @pytest.mark.parametrize('value', [lambda u: u, lambda u: ['not-here', u]])
    def test_different_host_takes_a_uuid_or_a_list(self, value):
        different = different_host_filter.DifferentHostFilter()
        spec = _hinted(different_host=value(self.other))
        assert not different.host_passes(self.host, spec)
        assert different.host_passes(self.empty, spec)

    @pytest.mark.parametrize('hints', [{}, {'same_host': []}, {'different_host': ''}])
    def test_without_the_hint_every_host_passes(self, hints):
        spec = _hinted(**hints)
        for host in (self.host, self.empty):
            assert same_host_filter.SameHostFilter().host_passes(host, spec)
            assert different_host_filter.DifferentHostFilter().host_passes(host, spec)

    def test_reasons_in_the_no_valid_host_fault(self):
        chain = filters.FilterChain(['SameHostFilter'])
        passed, removals = chain.run([self.host, self.empty], _hinted(same_host=self.uuid))
        assert passed == [self.host]
        assert removals == [filters.Removal('SameHostFilter', 1,
                                            'not running any same_host instance')]
        chain = filters.FilterChain(['DifferentHostFilter'])
        passed, removals = chain.run([self.host, self.empty], _hinted(different_host=self.uuid))
        assert passed == [self.empty]
        assert removals[0].reason == 'running a different_host instance'


class TestNumInstancesFilter:
    def test_default_limit_is_fifty(self):
        host_filter = num_instances_filter.NumInstancesFilter()
        assert host_filter.host_passes(make_host(instances=make_instances(49)), make_spec())
        assert not host_filter.host_passes(make_host(instances=make_instances(50)), make_spec())

    def test_configured_limit_and_claims_of_this_request_count(self, clean_config):
        clean_config.set_override('max_instances_per_host', 2, group='filter_scheduler')
        host = make_host(instances=make_instances(1))
        host_filter = num_instances_filter.NumInstancesFilter()
        assert host_filter.host_passes(host, make_spec())
        host.consume({'VCPU': 1})
        assert host.num_instances == 2
        assert not host_filter.host_passes(host, make_spec())
        assert host_filter.removal_reason([host], make_spec()) == 'at 2 instances or more'


class TestIoOpsFilter:
    def test_builds_and_io_heavy_tasks_count(self):
        instances = dict(make_instances(3, vm_state='building', task_state='spawning'))
        for task_state in ('rebuilding', 'image_snapshot', 'image_backup', 'rescuing',
                           'unshelving', 'resize_migrating', 'resize_prep'):
            instances.update(make_instances(1, task_state=task_state))
        instances.update(make_instances(4, task_state='powering-off'))
        instances.update(make_instances(5))
        assert make_host(instances=instances).num_io_ops == 10

    def test_default_limit_is_eight(self):
        host_filter = io_ops_filter.IoOpsFilter()
        seven = make_host(instances=make_instances(7, vm_state='building'))
        eight = make_host(instances=make_instances(8, vm_state='building'))
        assert host_filter.host_passes(seven, make_spec())
        assert not host_filter.host_passes(eight, make_spec())
        assert host_filter.removal_reason([eight], make_spec()) == (
            'at 8 I/O-heavy operations or more')

    def test_configured_limit(self, clean_config):
        clean_config.set_override('max_io_ops_per_host', 1, group='filter_scheduler')
        host = make_host(instances=make_instances(5))
        assert io_ops_filter.IoOpsFilter().host_passes(host, make_spec())
        host.consume({'VCPU': 1})
        assert not io_ops_filter.IoOpsFilter().host_passes(host, make_spec())


def _numa_host(*cells, name='numa'):
    """A host reporting NUMA cells given as (cpus, memory_mb)."""
    topology = {'cells': [{'id': index, 'cpus': list(range(cpus)), 'memory_mb': memory}
                          for index, (cpus, memory) in enumerate(cells)]}
    return make_host(name, stats=json.dumps({'numa_topology': topology}))


class TestNUMATopologyFilter:
    host_filter = numa_topology_filter.NUMATopologyFilter()

    def test_no_numa_request_passes_every_host(self):
        assert self.host_filter.host_passes(make_host(), make_spec())
        assert self.host_filter.host_passes(_numa_host((4, 4096)), make_spec())

    def test_host_without_numa_cells_fails_a_numa_request(self):
        spec = make_spec(extra_specs={'hw:numa_nodes': '1'})
        assert not self.host_filter.host_passes(make_host(), spec)
        assert self.host_filter.host_passes(_numa_host((4, 4096)), spec)

    def test_needs_as_many_cells_as_guest_nodes(self):
        spec = make_spec(vcpus=2, memory_mb=1024, extra_specs={'hw:numa_nodes': '2'})
        assert not self.host_filter.host_passes(_numa_host((8, 8192)), spec)
        assert self.host_filter.host_passes(_numa_host((4, 4096), (4, 4096)), spec)

    def test_the_flavor_is_split_evenly_over_the_guest_nodes(self):
        # 6 vCPUs and 8192 MB over 2 nodes: 3 CPUs and 4096 MB per cell.
        spec = make_spec(vcpus=6, memory_mb=8192, extra_specs={'hw:numa_nodes': '2'})
        assert self.host_filter.host_passes(_numa_host((3, 4096), (3, 4096)), spec)
        assert not self.host_filter.host_passes(_numa_host((3, 4096), (2, 8192)), spec)
        assert not self.host_filter.host_passes(_numa_host((8, 4095), (8, 8192)), spec)
        # A third, big cell makes up for the small one.
        assert self.host_filter.host_passes(_numa_host((2, 8192), (3, 4096), (8, 8192)), spec)

    def test_uneven_split_rounds_up(self):
        spec = make_spec(vcpus=3, memory_mb=1025, extra_specs={'hw:numa_nodes': '2'})
        assert self.host_filter.host_passes(_numa_host((2, 513), (2, 513)), spec)
        assert not self.host_filter.host_passes(_numa_host((2, 512), (2, 513)), spec)
        assert not self.host_filter.host_passes(_numa_host((1, 1024), (2, 1024)), spec)

    def test_image_property_when_the_flavor_says_nothing(self):
        spec = make_spec(vcpus=2, image_properties={'hw_numa_nodes': 2})
        assert not self.host_filter.host_passes(_numa_host((8, 8192)), spec)
        assert self.host_filter.host_passes(_numa_host((1, 4096), (1, 4096)), spec)
        flavor_wins = make_spec(vcpus=2, extra_specs={'hw:numa_nodes': '1'},
                                image_properties={'hw_numa_nodes': 2})
        assert self.host_filter.host_passes(_numa_host((8, 8192)), flavor_wins)

    @pytest.mark.parametrize('value', ['0', '-1', 'two'])
    def test_invalid_node_count_fits_nowhere(self, value):
        spec = make_spec(extra_specs={'hw:numa_nodes': value})
        assert not self.host_filter.host_passes(_numa_host((8, 8192), (8, 8192)), spec)
        assert self.host_filter.removal_reason([], spec) == (
            'hw:numa_nodes is not a positive integer')

    def test_reason(self):
        spec = make_spec(vcpus=4, memory_mb=2048, extra_specs={'hw:numa_nodes': '2'})
        assert self.host_filter.removal_reason([make_host()], spec) == (
            'need 2 NUMA cells of 2 CPUs and 1024 MB')

    def test_malformed_numa_report_counts_as_none(self):
        host = make_host(stats=json.dumps({'numa_topology': {'cells': [{'id': 0}]}}))
        assert host.numa_cells == []
