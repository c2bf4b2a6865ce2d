"""The whole boot path in one process: the real API app, conductor,
scheduler and compute managers over the in-memory transport, SQLite
databases, the fake driver. Boot, reschedule, no valid host, delete, and
the bad inputs that must leave nothing behind."""

import amqp.exceptions
import oslo_messaging as messaging
import pytest

from nova_common.cmd import compute as compute_cmd
from nova_common.cmd import conductor as conductor_cmd
from nova_common.cmd import scheduler as scheduler_cmd
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db.api import ledger
from nova_common.db import engines
from nova_common.db.models import api as api_models
from nova_common.db.models import main as main_models
from nova_conductor import rpcapi as conductor_rpcapi
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.cloud_helpers import wait_for

VERSION = '2.90'
NODES = ['test-host-node1', 'test-host-node2', 'test-host-node3']


@pytest.fixture
def running(cloud):
    """The cloud with its services started and its nodes reported."""
    CONF.set_override('report_interval', 1)
    CONF.set_override('nodes', len(NODES), group='fake_driver')
    CONF.set_override('memory_mb', 2048, group='fake_driver')
    CONF.set_override('periodic_task_interval', 1, group='scheduler')
    cells.map_host(cloud.admin_context, 'test-host', cloud.cell1['uuid'])
    daemons = [conductor_cmd.build_service(), scheduler_cmd.build_service(),
               compute_cmd.build_service()]
    try:
        for daemon in daemons:
            daemon.start()
        wait_for(lambda: len(cloud.get('/v2.1/os-hypervisors').json['hypervisors']) == 3,
                 what='the fake nodes')
        add_flavor_and_image(cloud)
        yield cloud
    finally:
        for daemon in daemons:
            daemon.stop()


def boot(cloud, name='vm', flavor='small', token='demo:demo', status=202, **extra):
    server = {'name': name, 'imageRef': cloud.image_id, 'flavorRef': flavor,
              'networks': 'none'}
    server.update(extra)
    return cloud.post('/v2.1/servers', {'server': server}, token=token, version=VERSION,
                      status=status)


def show(cloud, uuid, token='admin:admin'):
    return cloud.get('/v2.1/servers/%s' % uuid, token=token, version=VERSION).json['server']


def wait_status(cloud, uuid, wanted):
    return wait_for(lambda: show(cloud, uuid)['status'] == wanted and show(cloud, uuid),
                    what='server %s to be %s' % (uuid, wanted))


def leftovers(cloud):
    """(undeleted instances in any cell, build requests, allocations,
    request specs)."""
    counts = []
    ctx = nova_context.get_admin_context()
    total = 0
    for cell in (cloud.cell0, cloud.cell1):
        with nova_context.target_cell(ctx, cell) as cctx:
            with engines.cell_reader(cctx) as session:
                total += session.query(main_models.Instance).filter_by(deleted=0).count()
    counts.append(total)
    with engines.api_reader(ctx) as session:
        for model in (api_models.BuildRequest, api_models.Allocation, api_models.RequestSpec):
            counts.append(session.query(model).count())
    return tuple(counts)


def test_boot_to_active_then_delete(running):
    uuid = boot(running).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] in NODES
    assert server['OS-EXT-STS:power_state'] == 1
    consumer = ledger.allocations_for(nova_context.get_admin_context(), uuid)
    assert consumer, 'an ACTIVE server holds a claim'
    actions = running.get('/v2.1/servers/%s/os-instance-actions' % uuid, version=VERSION)
    assert [a['action'] for a in actions.json['instanceActions']] == ['create']

    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to disappear')
    wait_for(lambda: leftovers(running) == (0, 0, 0, 0), what='nothing left')


def test_servers_spread_over_nodes(running):
    uuids = [boot(running, name='vm%d' % i).json['server']['id'] for i in range(6)]
    nodes = {wait_status(running, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:hypervisor_hostname']
             for uuid in uuids}
    assert nodes == set(NODES)


def test_no_valid_host_goes_to_cell0_with_the_reason(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 4096, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    uuid = boot(running, flavor='huge').json['server']['id']
    server = wait_status(running, uuid, 'ERROR')
    assert server['fault']['message'].startswith('No valid host was found.')
    assert 'RamFilter removed 3' in server['fault']['message']
    assert leftovers(running)[2] == 0, 'no claim for a server that found no host'
    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    assert leftovers(running) == (0, 0, 0, 0)


def test_failed_spawn_reschedules_to_an_alternate(running):
    CONF.set_override('fail_spawn_on_nodes', NODES[:2], group='fake_driver')
    uuids = [boot(running, name='vm%d' % i).json['server']['id'] for i in range(3)]
    for uuid in uuids:
        server = wait_status(running, uuid, 'ACTIVE')
        assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] == NODES[2]
    allocations = ledger.usages(nova_context.get_admin_context())
    used = {provider: usage.get('MEMORY_MB', 0) for provider, usage in allocations.items()}
    assert sorted(used.values()) == [0, 0, 3 * 512]


def test_every_host_failing_ends_in_error_without_a_claim(running):
    CONF.set_override('fail_spawn_on_nodes', NODES, group='fake_driver')
    uuid = boot(running).json['server']['id']
    server = wait_status(running, uuid, 'ERROR')
    assert 'Exceeded maximum number of retries' in server['fault']['message']
    assert leftovers(running)[2] == 0


def test_bad_requests_leave_nothing_behind(running):
    assert boot(running, flavor='nope', status=400).json['badRequest']['message'] == \
        'Flavor nope could not be found.'
    body = {'server': {'name': 'x', 'imageRef': '7c3e4d2a-0000-4000-8000-000000000000',
                       'flavorRef': 'small', 'networks': 'none'}}
    assert 'could not be found' in running.post(
        '/v2.1/servers', body, token='demo:demo', version=VERSION,
        status=400).json['badRequest']['message']
    running.post('/v2.1/servers', {'server': {'name': 'x', 'flavorRef': 'small'}},
                 token='demo:demo', version=VERSION, status=400)
    boot(running, key_name='missing', status=400)
    boot(running, availability_zone='elsewhere', status=400)
    boot(running, bogus='field', status=400)
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 1}}, status=200)
    boot(running, min_count=2, max_count=2, status=403)
    assert leftovers(running) == (0, 0, 0, 0)


@pytest.mark.parametrize('error', [
    ConnectionResetError(104, 'Connection reset by peer'),
    amqp.exceptions.RecoverableConnectionError('unknown error'),
    messaging.MessageDeliveryFailure('no broker'),
])
def test_a_bus_going_away_under_a_create_is_503_and_leaves_nothing(running, monkeypatch,
                                                                     error):
    """A broker shutting down while nova-api opens a connection for the
    cast: kombu lets the socket's or AMQP's error through."""
    def cast_fails(*args, **kwargs):
        raise error
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'schedule_and_build_instances',
                        cast_fails)
    fault = boot(running, status=503).json['serviceUnavailable']
    assert fault['code'] == 503 and 'cannot be reached' in fault['message'], fault
    assert leftovers(running) == (0, 0, 0, 0)


def _image_to_local(uuid, **changes):
    mapping = {'uuid': uuid, 'source_type': 'image', 'destination_type': 'local',
               'boot_index': 0, 'delete_on_termination': True}
    mapping.update(changes)
    return mapping


def test_image_mapped_to_a_local_disk_boots_like_image_ref(running):
    """The openstack CLI sends the image both as imageRef and as the one
    block device mapping of an image to a local root disk."""
    uuid = boot(running, block_device_mapping_v2=[_image_to_local(running.image_id)]
                ).json['server']['id']
    assert wait_status(running, uuid, 'ACTIVE')['image']['id'] == running.image_id
    server = {'name': 'bdm-only', 'flavorRef': 'small', 'networks': 'none',
              'block_device_mapping_v2': [_image_to_local(running.image_id,
                                                          boot_index='0')]}
    uuid = running.post('/v2.1/servers', {'server': server}, token='demo:demo',
                        version=VERSION, status=202).json['server']['id']
    assert wait_status(running, uuid, 'ACTIVE')['image']['id'] == running.image_id


def test_block_storage_mappings_are_refused(running):
    volume = _image_to_local('5a2a0f2e-1d7e-4a43-9d0c-3b7f00000001', source_type='volume',
                             destination_type='volume')
    other_image = _image_to_local('5a2a0f2e-1d7e-4a43-9d0c-3b7f00000002')
    for mappings in ([volume], [_image_to_local(running.image_id), volume], [other_image],
                     [_image_to_local(running.image_id, boot_index=1)],
                     [{'source_type': 'image', 'destination_type': 'local',
                       'boot_index': 0}]):
        fault = boot(running, block_device_mapping_v2=mappings, status=400).json
        assert fault['badRequest']['code'] == 400
    boot(running, block_device_mapping_v2=[{'bogus': 1}], status=400)
    assert leftovers(running) == (0, 0, 0, 0)


def test_max_count_is_trimmed_to_quota(running):
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 2}}, status=200)
    body = boot(running, min_count=1, max_count=5, return_reservation_id=True).json
    assert body['reservation_id'].startswith('r-')
    listed = running.get('/v2.1/servers?reservation_id=%s' % body['reservation_id'],
                         token='demo:demo', version=VERSION).json['servers']
    assert len(listed) == 2


def test_another_projects_server_cannot_be_deleted(running):
    uuid = boot(running).json['server']['id']
    running.delete('/v2.1/servers/%s' % uuid, token='eve:other', status=404)
    wait_status(running, uuid, 'ACTIVE')


def test_locked_server_delete_is_409_for_its_owner(running):
    uuid = boot(running).json['server']['id']
    wait_status(running, uuid, 'ACTIVE')
    ctx = nova_context.get_admin_context()
    from nova_common.db.api import instances
    with nova_context.target_cell(ctx, running.cell1) as cctx:
        instances.update(cctx, uuid, {'locked': True, 'locked_by': 'admin'})
    fault = running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=409).json
    assert 'locked' in fault['conflictingRequest']['message']
    running.post('/v2.1/servers/%s/action' % uuid, {'forceDelete': None}, status=202)
    wait_for(lambda: leftovers(running) == (0, 0, 0, 0), what='nothing left')


def test_delete_while_building_wins(running):
    CONF.set_override('spawn_seconds', 1.0, group='fake_driver')
    uuid = boot(running).json['server']['id']
    wait_for(lambda: show(running, uuid)['OS-EXT-STS:task_state'] == 'spawning',
             what='spawning')
    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    wait_for(lambda: leftovers(running) == (0, 0, 0, 0), what='nothing left')


def test_parallel_burst_never_exceeds_quota(running):
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 3}}, status=200)
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(
            lambda i: boot(running, name='burst%d' % i, status=None).status_int, range(8)))
    assert statuses.count(202) <= 3 and set(statuses) <= {202, 403}, statuses
    listed = running.get('/v2.1/servers', token='demo:demo', version=VERSION).json['servers']
    assert len(listed) == statuses.count(202) <= 3


def test_fields_of_a_later_microversion_are_refused(running):
    body = {'server': {'name': 'x', 'imageRef': running.image_id, 'flavorRef': 'small',
                       'networks': 'none', 'description': 'd'}}
    running.post('/v2.1/servers', body, token='demo:demo', version='2.18', status=400)
    body['server']['tags'] = ['t']
    running.post('/v2.1/servers', body, token='demo:demo', version='2.51', status=400)
    assert leftovers(running) == (0, 0, 0, 0)


def test_compute_restart_repairs_interrupted_work(running):
    """A build that never finished goes to ERROR and frees its claim; a
    delete that never finished is finished."""
    from nova_common.db.api import instances
    building = boot(running, name='stuck-build').json['server']['id']
    deleting = boot(running, name='stuck-delete').json['server']['id']
    for uuid in (building, deleting):
        wait_status(running, uuid, 'ACTIVE')
    ctx = nova_context.get_admin_context()
    with nova_context.target_cell(ctx, running.cell1) as cctx:
        instances.update(cctx, building, {'vm_state': 'building', 'task_state': 'spawning'})
        instances.update(cctx, deleting, {'task_state': 'deleting'})
    restarted = compute_cmd.build_service()
    restarted.start()
    try:
        server = wait_status(running, building, 'ERROR')
        assert 'restarted while this instance was being built' in server['fault']['message']
        wait_for(lambda: running.get('/v2.1/servers/%s' % deleting).status_int == 404,
                 what='the interrupted delete to finish')
        wait_for(lambda: leftovers(running)[2] == 0, what='both claims freed')
    finally:
        restarted.stop()
