"""The instance data layer on real SQLite cell databases: the guarded
state transition every service uses, soft delete, faults, metadata, tags,
lists, and the API-database records of a server (build request, request
spec, instance mapping)."""
import threading

import pytest

from nova_common import compute_states as states
from nova_common.db.api import build_requests
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from nova_common import exception
from tests.functional import server_records as records


def _create(cloud, **values):
    with records.in_cell(cloud) as ctx:
        return instances.create(ctx, records.instance_values(**values))


def test_create_and_get_round_trip(cloud):
    created = _create(cloud, metadata={'a': '1'}, system_metadata={'image_os': 'x'},
                      tags=['b', 'a', 'b'], networks=[{'uuid': 'n1'}])
    with records.in_cell(cloud) as ctx:
        found = instances.get(ctx, created['uuid'], with_fault=True)
    assert found == dict(created, fault=None)
    assert found['metadata'] == {'a': '1'}
    assert found['system_metadata'] == {'image_os': 'x'}
    assert found['tags'] == ['a', 'b']
    assert found['flavor']['flavorid'] == '1'
    assert found['networks'] == [{'uuid': 'n1'}]
    assert (found['vcpus'], found['memory_mb']) == (1, 512)
    with records.in_cell(cloud) as ctx, pytest.raises(exception.InstanceExists):
        instances.create(ctx, records.instance_values(uuid=created['uuid']))


def test_datetimes_from_rpc_strings_are_parsed(cloud):
    created = _create(cloud, created_at='2024-02-03T04:05:06.000007+00:00',
                      launched_at='2024-02-03T04:05:07Z')
    assert created['created_at'].isoformat() == '2024-02-03T04:05:06.000007'
    assert created['launched_at'].isoformat() == '2024-02-03T04:05:07'


def test_update_guards_on_expected_states(cloud):
    uuid = _create(cloud)['uuid']
    with records.in_cell(cloud) as ctx:
        stopped = instances.update(ctx, uuid, {'task_state': states.POWERING_OFF},
                                   expected_vm_state=states.ACTIVE, expected_task_state=None)
        assert stopped['task_state'] == states.POWERING_OFF
        with pytest.raises(exception.InstanceInvalidState) as error:
            instances.update(ctx, uuid, {'task_state': states.REBOOTING},
                             expected_task_state=None, action='reboot')
        assert error.value.code == 409
        assert error.value.message == (
            "Cannot 'reboot' instance %s while it is in task_state powering-off" % uuid)
        with pytest.raises(exception.InstanceInvalidState) as error:
            instances.update(ctx, uuid, {'vm_state': states.ACTIVE},
                             expected_vm_state=[states.STOPPED, states.PAUSED], action='start')
        assert 'in vm_state active' in error.value.message
        done = instances.update(ctx, uuid, {'vm_state': states.STOPPED, 'task_state': None},
                                expected_task_state=[states.POWERING_OFF, None])
        assert (done['vm_state'], done['task_state']) == (states.STOPPED, None)
        assert instances.get(ctx, uuid)['vm_state'] == states.STOPPED
        with pytest.raises(exception.InstanceNotFound):
            instances.update(ctx, 'f' * 8 + '-0000-0000-0000-' + '0' * 12, {'progress': 1})


def test_racing_transitions_have_exactly_one_winner(cloud):
    """Threads racing the same transition: one UPDATE matches, the rest
    get 409, on every round."""
    uuids = [_create(cloud)['uuid'] for _ in range(5)]
    racers = 6
    for uuid in uuids:
        barrier = threading.Barrier(racers)
        outcomes = []

        def race(uuid=uuid, barrier=barrier, outcomes=outcomes):
            with records.in_cell(cloud) as ctx:
                barrier.wait()
                try:
                    instances.update(ctx, uuid, {'task_state': states.DELETING},
                                     expected_task_state=None, action='delete')
                    outcomes.append('won')
                except exception.InstanceInvalidState:
                    outcomes.append('409')

        threads = [threading.Thread(target=race) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ['409'] * (racers - 1) + ['won']


def test_soft_delete(cloud):
    uuid = _create(cloud, task_state=states.DELETING)['uuid']
    with records.in_cell(cloud) as ctx:
        deleted = instances.soft_delete(ctx, uuid)
        assert deleted['deleted'] == deleted['id']
        assert (deleted['vm_state'], deleted['task_state']) == (states.DELETED, None)
        assert deleted['deleted_at'] and deleted['terminated_at']
        with pytest.raises(exception.InstanceNotFound):
            instances.get(ctx, uuid)
        assert instances.get(ctx, uuid, read_deleted='only')['uuid'] == uuid
        with pytest.raises(exception.InstanceNotFound):
            instances.soft_delete(ctx, uuid)
        with pytest.raises(exception.InstanceNotFound):
            instances.update(ctx, uuid, {'progress': 5})


def test_latest_fault_and_message_length(cloud):
    uuid = _create(cloud, vm_state=states.ERROR)['uuid']
    with records.in_cell(cloud) as ctx:
        instances.add_fault(ctx, uuid, 500, 'first')
        instances.add_fault(ctx, uuid, 400, 'x' * 300, details='why', host='h')
        fault = instances.get(ctx, uuid, with_fault=True)['fault']
        assert (fault['code'], len(fault['message']), fault['details']) == (400, 255, 'why')
        assert 'fault' not in instances.get(ctx, uuid)
        with pytest.raises(exception.InstanceNotFound):
            instances.add_fault(ctx, 'a' * 8 + '-0000-0000-0000-' + '0' * 12, 500, 'x')


def test_metadata_and_tags(cloud):
    uuid = _create(cloud, metadata={'a': '1', 'b': '2'})['uuid']
    with records.in_cell(cloud) as ctx:
        assert instances.update_metadata(ctx, uuid, {'b': '3', 'c': '4'}) == {
            'a': '1', 'b': '3', 'c': '4'}
        assert instances.set_metadata(ctx, uuid, {'c': '5', 'd': '6'}) == {'c': '5', 'd': '6'}
        instances.delete_metadata_item(ctx, uuid, 'c')
        with pytest.raises(exception.MetadataItemNotFound):
            instances.delete_metadata_item(ctx, uuid, 'c')
        assert instances.get(ctx, uuid)['metadata'] == {'d': '6'}
        assert instances.set_tags(ctx, uuid, ['z', 'y', 'z']) == ['y', 'z']
        assert instances.add_tag(ctx, uuid, 'x') is True
        assert instances.add_tag(ctx, uuid, 'x') is False
        instances.delete_tag(ctx, uuid, 'y')
        with pytest.raises(exception.InstanceTagNotFound):
            instances.delete_tag(ctx, uuid, 'y')
        assert instances.get(ctx, uuid)['tags'] == ['x', 'z']
        instances.set_tags(ctx, uuid, ['t%d' % n for n in range(instances.MAX_TAG_COUNT)])
        with pytest.raises(exception.TagLimitExceeded):
            instances.add_tag(ctx, uuid, 'one-too-many')
        instances.delete_all_tags(ctx, uuid)
        assert instances.get(ctx, uuid)['tags'] == []


def test_counts_and_host_lists(cloud):
    _create(cloud, host='h1', project='p1', user='u1')
    _create(cloud, host='h1', project='p1', user='u2', vm_state=states.ERROR)
    gone = _create(cloud, host='h1', project='p1', user='u1')
    _create(cloud, host='h2', project='p2')
    with records.in_cell(cloud) as ctx:
        instances.soft_delete(ctx, gone['uuid'])
        assert instances.count_by_project(ctx, 'p1') == {'instances': 2, 'cores': 2,
                                                         'ram': 1024}
        assert instances.count_by_project(ctx, 'p1', 'u1')['instances'] == 1
        assert instances.count_by_project(ctx, 'nobody') == {'instances': 0, 'cores': 0,
                                                             'ram': 0}
        assert len(instances.list_by_host(ctx, 'h1')) == 2
        assert len(instances.list_by_host(ctx, 'h1', states=[states.ERROR])) == 1


def test_list_pages_with_null_sort_values(cloud):
    """Paging by a key with NULLs, by marker uuid or marker dict, visits
    every instance once, in the SQL order."""
    made = [_create(cloud, minutes=n, host=None if n % 3 == 0 else 'h%d' % (n % 2))
            for n in range(9)]
    for direction in ('asc', 'desc'):
        with records.in_cell(cloud) as ctx:
            full = instances.list(ctx, {}, ['host'], [direction])
            seen, marker = [], None
            while True:
                page = instances.list(ctx, {}, ['host'], [direction], limit=2, marker=marker)
                seen += page
                if len(page) < 2:
                    break
                marker = page[-1]['uuid'] if len(seen) % 4 else page[-1]
        assert [i['uuid'] for i in seen] == [i['uuid'] for i in full]
        assert sorted(i['uuid'] for i in full) == sorted(i['uuid'] for i in made)
        hosts = [i['host'] for i in full]
        nulls_first = direction == 'asc'
        assert (hosts[0] is None) == nulls_first and (hosts[-1] is None) != nulls_first
    with records.in_cell(cloud) as ctx, pytest.raises(exception.MarkerNotFound):
        instances.list(ctx, {}, marker='no-such-instance')


def test_list_filters(cloud):
    web = _create(cloud, display_name='web-1', tags=['a'], locked=True, minutes=1)
    _create(cloud, display_name='db-1', vm_state=states.STOPPED, minutes=2)
    rebooting = _create(cloud, display_name='web-2', task_state=states.REBOOTING, minutes=3)
    with records.in_cell(cloud) as ctx:
        def names(filters):
            return [i['display_name'] for i in instances.list(ctx, filters)]
        assert names({'name': '^web'}) == ['web-2', 'web-1']
        assert names({'status': ['ACTIVE']}) == ['web-1']
        assert names({'status': ['REBOOT', 'SHUTOFF']}) == ['web-2', 'db-1']
        assert names({'locked': True}) == ['web-1']
        assert names({'uuid': [web['uuid'], rebooting['uuid']]}) == ['web-2', 'web-1']
        assert names({'tags': ['a'], 'deleted': False}) == ['web-1']
        assert names({'flavor': '1', 'not-tags-any': ['a']}) == ['web-2', 'db-1']
        with pytest.raises(exception.InvalidInput):
            instances.list(ctx, {'colour': 'blue'})
        with pytest.raises(exception.InvalidInput):
            instances.list(ctx, {}, ['host'], ['sideways'])


def test_api_database_records(cloud):
    wanted = records.instance_values()
    uuid = wanted['uuid']
    build_requests.create(cloud.admin_context, wanted, ['t'])
    with pytest.raises(exception.InstanceExists):
        build_requests.create(cloud.admin_context, wanted, [])
    found = build_requests.get(cloud.admin_context, uuid)
    assert found['instance']['created_at'] == wanted['created_at']
    assert found['tags'] == ['t']
    updated = build_requests.update_instance(cloud.admin_context, uuid, {'display_name': 'n'})
    assert updated['display_name'] == 'n'
    assert [b['instance_uuid'] for b in build_requests.list(cloud.admin_context, 'demo')] == [
        uuid]
    assert build_requests.list(cloud.admin_context, 'other') == []
    assert build_requests.delete(cloud.admin_context, uuid) is True
    assert build_requests.delete(cloud.admin_context, uuid) is False
    assert build_requests.get(cloud.admin_context, uuid) is None
    assert build_requests.update_instance(cloud.admin_context, uuid, {}) is None

    instance_mappings.create(cloud.admin_context, uuid, 'demo', 'demo')
    assert instance_mappings.get(cloud.admin_context, uuid)['cell'] is None
    mapped = instance_mappings.set_cell(cloud.admin_context, uuid, cloud.cell1['uuid'])
    assert mapped['cell']['uuid'] == cloud.cell1['uuid']
    assert instance_mappings.list_live_in_cells(cloud.admin_context, [cloud.cell1['uuid']],
                                                'demo')[0]['instance_uuid'] == uuid
    instance_mappings.mark_queued_for_delete(cloud.admin_context, uuid)
    assert instance_mappings.list_live_in_cells(cloud.admin_context,
                                                [cloud.cell1['uuid']]) == []
    assert [m['instance_uuid'] for m in
            instance_mappings.list_by_project(cloud.admin_context, 'demo')] == [uuid]
    assert instance_mappings.delete(cloud.admin_context, uuid) is True
    with pytest.raises(exception.InstanceMappingNotFound):
        instance_mappings.get(cloud.admin_context, uuid)

    spec = records.spec_for(wanted, zone='nova')
    request_specs.create(cloud.admin_context, spec)
    assert request_specs.get(cloud.admin_context, uuid) == spec
    request_specs.update(cloud.admin_context, uuid, dict(spec, num_instances=2))
    assert request_specs.get_many(cloud.admin_context, [uuid, 'x'])[uuid]['num_instances'] == 2
    assert request_specs.delete(cloud.admin_context, uuid) is True
    with pytest.raises(exception.RequestSpecNotFound):
        request_specs.get(cloud.admin_context, uuid)
