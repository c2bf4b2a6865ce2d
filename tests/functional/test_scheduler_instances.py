"""HostState.instances, num_instances and num_io_ops kept by the host
manager from the cell databases by incremental reads; and scheduling with
the same_host / different_host hints over them."""
import json

from oslo_utils import uuidutils
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances as instances_db
from nova_common import exception
from nova_scheduler import host_manager as host_manager_module
from nova_scheduler import manager
from tests.functional import scheduler_fixtures
from tests.unit.scheduler.fakes import make_spec


@pytest.fixture
def deployment(tmp_path):
    deployment = scheduler_fixtures.Deployment(tmp_path)
    deployment.add_host('host1')
    deployment.add_host('host2')
    deployment.add_host('host3', cell=deployment.cell2)
    return deployment


def _states(host_manager, deployment):
    return {host.host: host for host in
            host_manager.host_states(deployment.admin_context, max_age=0)}


def _create(deployment, host, metadata, cell=None):
    uuid = uuidutils.generate_uuid()
    with nova_context.target_cell(deployment.admin_context, cell or deployment.cell1) as cctx:
        instances_db.create(cctx, {'uuid': uuid, 'host': host, 'node': host,
                                   'vm_state': 'active', 'project_id': 'demo',
                                   'user_id': 'demo', 'metadata': metadata})
    return uuid


def _in_cell1(deployment):
    return nova_context.target_cell(deployment.admin_context, deployment.cell1)


def test_instances_follow_creates_metadata_changes_and_deletes(deployment):
    host_manager = host_manager_module.HostManager()
    assert all(host.instances == {} and host.num_instances == 0
               for host in _states(host_manager, deployment).values())
    full_reads = {uuid: cache.last_full_read for uuid, cache in host_manager._cells.items()}

    uuid = _create(deployment, 'host1', {'role': 'db'})
    other = _create(deployment, 'host3', {}, cell=deployment.cell2)
    unhosted = _create(deployment, None, {'role': 'web'})
    before = _states(host_manager, deployment)
    assert before['host1'].instances == {uuid: {
        'uuid': uuid, 'host': 'host1', 'node': 'host1', 'vm_state': 'active',
        'task_state': None, 'project_id': 'demo', 'metadata': {'role': 'db'}}}
    assert before['host1'].num_instances == 1 and before['host1'].num_io_ops == 0
    assert set(before['host3'].instances) == {other}
    assert before['host2'].instances == {}
    assert unhosted not in before['host1'].instances

    with _in_cell1(deployment) as cctx:
        # A metadata write alone does not move the instance's updated_at.
        updated_at = instances_db.get(cctx, uuid)['updated_at']
        instances_db.update_metadata(cctx, uuid, {'role': 'cache', 'tier': '1'})
        assert instances_db.get(cctx, uuid)['updated_at'] == updated_at
    after = _states(host_manager, deployment)
    assert after['host1'].instances[uuid]['metadata'] == {'role': 'cache', 'tier': '1'}
    # What was handed out before is a snapshot, not changed under its reader.
    assert before['host1'].instances[uuid]['metadata'] == {'role': 'db'}

    with _in_cell1(deployment) as cctx:
        instances_db.delete_metadata_item(cctx, uuid, 'role')
    assert _states(host_manager, deployment)['host1'].instances[uuid]['metadata'] == {
        'tier': '1'}
    with _in_cell1(deployment) as cctx:
        instances_db.set_metadata(cctx, uuid, {})
        instances_db.update(cctx, uuid, {'task_state': 'image_snapshot'})
    host1 = _states(host_manager, deployment)['host1']
    assert host1.instances[uuid]['metadata'] == {}
    assert host1.num_io_ops == 1

    with _in_cell1(deployment) as cctx:
        instances_db.soft_delete(cctx, uuid)
    host1 = _states(host_manager, deployment)['host1']
    assert host1.instances == {} and host1.num_instances == 0
    # All of it came from incremental reads.
    assert {uuid: cache.last_full_read
            for uuid, cache in host_manager._cells.items()} == full_reads


def test_a_full_read_finds_the_same_instances(deployment):
    uuid = _create(deployment, 'host2', {'a': 'b'})
    deleted = _create(deployment, 'host2', {})
    with _in_cell1(deployment) as cctx:
        instances_db.soft_delete(cctx, deleted)
        instances_db.update(cctx, uuid, {'vm_state': 'building', 'task_state': 'spawning'})
    host2 = _states(host_manager_module.HostManager(), deployment)['host2']
    assert list(host2.instances) == [uuid]
    assert host2.instances[uuid]['metadata'] == {'a': 'b'}
    assert host2.num_io_ops == 1


@pytest.fixture
def hint_filters():
    CONF.set_override('enabled_filters', ['ComputeFilter', 'RamFilter', 'SameHostFilter',
                                          'DifferentHostFilter'], group='filter_scheduler')
    CONF.set_override('host_state_max_age', 0, group='scheduler')


def _hosts(scheduler, deployment, hints, count=1):
    spec = make_spec(scheduler_hints=hints)
    result = scheduler.select_destinations(
        deployment.admin_context, spec, [uuidutils.generate_uuid() for _ in range(count)])
    return {selections[0]['host'] for selections in result}


def test_same_and_different_host_hints(deployment, hint_filters):
    first = _create(deployment, 'host1', {})
    second = _create(deployment, 'host3', {}, cell=deployment.cell2)
    scheduler = manager.SchedulerManager()
    assert _hosts(scheduler, deployment, {'same_host': first}, count=3) == {'host1'}
    assert _hosts(scheduler, deployment, {'same_host': [first, second]}, count=4) == {
        'host1', 'host3'}
    assert _hosts(scheduler, deployment, {'different_host': [first, second]},
                  count=3) == {'host2'}
    assert _hosts(scheduler, deployment, {'different_host': first}, count=4) == {
        'host2', 'host3'}


def test_unknown_same_host_instance_is_no_valid_host(deployment, hint_filters):
    with pytest.raises(exception.NoValidHost) as caught:
        _hosts(manager.SchedulerManager(), deployment,
               {'same_host': uuidutils.generate_uuid()})
    assert caught.value.message == (
        'No valid host was found. 3 hosts: SameHostFilter removed 3 '
        '(not running any same_host instance)')


def test_numa_request_goes_to_hosts_with_enough_cells(deployment):
    topology = {'cells': [{'id': index, 'cpus': [2 * index, 2 * index + 1],
                           'memory_mb': 4096} for index in range(2)]}
    deployment.add_host('numa', stats=json.dumps({'numa_topology': topology}))
    CONF.set_override('enabled_filters', ['ComputeFilter', 'NUMATopologyFilter'],
                      group='filter_scheduler')
    scheduler = manager.SchedulerManager()
    spec = make_spec(vcpus=4, memory_mb=4096, extra_specs={'hw:numa_nodes': '2'})
    result = scheduler.select_destinations(deployment.admin_context, spec,
                                           [uuidutils.generate_uuid()])
    assert result[0][0]['host'] == 'numa'
    spec = make_spec(vcpus=6, extra_specs={'hw:numa_nodes': '2'})
    with pytest.raises(exception.NoValidHost) as caught:
        scheduler.select_destinations(deployment.admin_context, spec,
                                      [uuidutils.generate_uuid()])
    assert caught.value.message == (
        'No valid host was found. 4 hosts: NUMATopologyFilter removed 4 '
        '(need 2 NUMA cells of 3 CPUs and 256 MB)')
