"""shelve, shelveOffload and unshelve through the real API, conductor,
scheduler and compute over the in-memory transport with the fake driver:
SHELVED keeps the guest and its claim, offloading frees both (the host's
usage drops, the quota does not), unshelve powers on again or schedules
anew from the snapshot (2.77 zone, 2.91 host), the snapshot goes after
unshelve and with a deleted server; and the faults."""
import time

import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.image import api as image_api
from nova_compute.virt import fake
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import _actions
from tests.functional.test_power_actions import _events
from tests.functional.test_power_actions import _notifications
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import conflict
from tests.functional.test_power_actions import guest_power_state
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import wait_settled
from tests.functional.test_server_snapshots import image
from tests.functional.test_server_snapshots import source_image

RUNNING, SHUTDOWN = 1, 4


@pytest.fixture
def never_offload():
    CONF.set_override('shelved_offload_time', -1)
    yield
    CONF.clear_override('shelved_offload_time')


def system_metadata(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return instances.get(context, uuid)['system_metadata']


def fault_of(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return instances.get(context, uuid, with_fault=True)['fault']


def claimed(cloud, uuid):
    return ledger.allocations_for(cloud.admin_context, uuid)


def memory_used(cloud):
    [hypervisor] = cloud.get('/v2.1/os-hypervisors/detail', version='2.87',
                             token=ADMIN).json['hypervisors']
    return hypervisor['memory_mb_used']


def absolute_limits(cloud):
    return cloud.get('/v2.1/limits', token=DEMO).json['limits']['absolute']


def shelved_server(cloud, name='vm'):
    source_image(cloud)
    uuid = boot(cloud, name)
    act(cloud, uuid, {'shelve': None})
    return uuid


def test_shelve_keeps_the_guest_and_unshelve_powers_it_on(running, never_offload):
    uuid = shelved_server(running, 'keeper')
    server = wait_settled(running, uuid, 'SHELVED')
    assert server['OS-EXT-STS:vm_state'] == 'shelved'
    assert server['OS-EXT-STS:power_state'] == SHUTDOWN
    assert guest_power_state(running, uuid) == SHUTDOWN
    assert server['OS-EXT-SRV-ATTR:host'] == 'test-host'
    meta = system_metadata(running, uuid)
    snapshot_id = meta['shelved_image_id']
    assert meta['shelved_host'] == 'test-host' and meta['shelved_at']
    snap = image(running, snapshot_id)
    assert (snap['name'], snap['status'], snap['image_type'], snap['instance_uuid']) == (
        'keeper-shelved', 'active', 'snapshot', uuid)
    assert claimed(running, uuid), 'a SHELVED server keeps its claim'

    assert conflict(running, uuid, {'shelve': None}) == (
        "Cannot 'shelve' instance %s while it is in vm_state shelved" % uuid)
    act(running, uuid, {'unshelve': None})
    server = wait_settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == RUNNING
    assert guest_power_state(running, uuid) == RUNNING
    assert 'shelved_image_id' not in system_metadata(running, uuid)
    wait_for(lambda: running.get('/image/v2/images/%s' % snapshot_id,
                                 token=ADMIN).status_int == 404,
             what='the shelve snapshot to be deleted')
    events = {a['action']: [e['event'] for e in _events(running, uuid, a['request_id'])]
              for a in _actions(running, uuid)}
    assert events['shelve'] == ['compute_shelve_instance']
    assert events['unshelve'] == ['compute_unshelve_instance']


def test_shelve_offloads_at_once_and_unshelve_schedules_anew(running):
    source = source_image(running)
    before = memory_used(running)
    uuid = boot(running)
    # A build is reported at the next periodic report: run it now. Offload
    # and unshelve report at once by themselves.
    running.compute.manager.update_available_resource(nova_context.get_admin_context())
    assert memory_used(running) == before + 512
    act(running, uuid, {'shelve': None})
    server = wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-STS:vm_state'] == 'shelved_offloaded'
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] is None
    assert uuid not in running.compute.manager.driver.list_instance_uuids()
    assert claimed(running, uuid) == {}
    wait_for(lambda: memory_used(running) == before, what='the host usage to drop')
    limits = absolute_limits(running)
    assert (limits['totalInstancesUsed'], limits['totalRAMUsed'], limits['totalCoresUsed']) \
        == (1, 512, 1), 'an offloaded server still counts against the quota'
    snapshot_id = system_metadata(running, uuid)['shelved_image_id']
    events = {a['action']: [e['event'] for e in _events(running, uuid, a['request_id'])]
              for a in _actions(running, uuid)}
    assert sorted(events['shelve']) == ['compute_shelve_instance',
                                        'compute_shelve_offload_instance']
    assert conflict(running, uuid, {'shelveOffload': None}, token=ADMIN) == (
        "Cannot 'shelveOffload' instance %s while it is in vm_state shelved_offloaded" % uuid)

    act(running, uuid, {'unshelve': None})
    server = wait_settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'test-host'
    assert server['image']['id'] == source, 'the record keeps the image it was built from'
    assert uuid in running.compute.manager.driver.list_instance_uuids()
    assert claimed(running, uuid)
    wait_for(lambda: memory_used(running) == before + 512, what='the usage to come back')
    wait_for(lambda: running.get('/image/v2/images/%s' % snapshot_id,
                                 token=ADMIN).status_int == 404,
             what='the shelve snapshot to be deleted')
    events = {a['action']: [(e['event'], e['result'])
                            for e in _events(running, uuid, a['request_id'])]
              for a in _actions(running, uuid)}
    assert sorted(events['unshelve']) == [('compute_unshelve_instance', 'Success'),
                                          ('schedule_instances', 'Success')]
    wait_for(lambda: ('instance.unshelve.end', 'INFO') in _notifications(uuid),
             what='the unshelve.end notification')
    sent = _notifications(uuid)
    for action in ('shelve', 'shelve_offload', 'unshelve'):
        assert sent.index(('instance.%s.start' % action, 'INFO')) < sent.index(
            ('instance.%s.end' % action, 'INFO'))


def test_shelve_offload_is_for_administrators(running, never_offload):
    uuid = shelved_server(running)
    wait_settled(running, uuid, 'SHELVED')
    act(running, uuid, {'shelveOffload': None}, token=DEMO, status=403)
    act(running, uuid, {'shelveOffload': None}, token=ADMIN)
    server = wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-STS:power_state'] == 0
    assert claimed(running, uuid) == {}


def test_periodic_offload_after_shelved_offload_time(running):
    CONF.set_override('shelved_offload_time', 1)
    uuid = shelved_server(running)
    wait_settled(running, uuid, 'SHELVED')
    context = nova_context.get_admin_context()
    manager = running.compute.manager
    manager.offload_shelved_instances(context)
    assert show(running, uuid)['status'] == 'SHELVED', 'not shelved long enough yet'
    time.sleep(1.2)
    manager.offload_shelved_instances(context)
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    assert claimed(running, uuid) == {}


def test_wrong_states_are_409(running, never_offload):
    source_image(running)
    uuid = boot(running)
    assert conflict(running, uuid, {'unshelve': None}) == (
        "Cannot 'unshelve' instance %s while it is in vm_state active" % uuid)
    assert conflict(running, uuid, {'shelveOffload': None}, token=ADMIN) == (
        "Cannot 'shelveOffload' instance %s while it is in vm_state active" % uuid)
    act(running, uuid, {'shelve': None})
    wait_settled(running, uuid, 'SHELVED')
    # A zone or host only for an offloaded server.
    message = act(running, uuid, {'unshelve': {'availability_zone': 'nova'}},
                  version='2.77', status=409).json['conflictingRequest']['message']
    assert 'must be SHELVED_OFFLOADED' in message
    act(running, uuid, {'unshelve': {'host': 'test-host'}}, token=ADMIN, version='2.91',
        status=409)
    assert show(running, uuid)['status'] == 'SHELVED'


def test_unshelve_zone_and_host(running):
    uuid = shelved_server(running)
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    for body, version, status in (
            ({'unshelve': {'availability_zone': 'nowhere'}}, '2.77', 400),
            ({'unshelve': {'availability_zone': None}}, '2.77', 400),
            ({'unshelve': {'host': 'test-host'}}, '2.90', 400),
            ({'unshelve': {'bad': 1}}, '2.91', 400),
            ({'unshelve': {'host': 'no-such-host'}}, '2.91', 400)):
        act(running, uuid, body, token=ADMIN, version=version, status=status)
    act(running, uuid, {'unshelve': {'host': 'test-host'}}, token=DEMO, version='2.91',
        status=403)
    assert show(running, uuid)['OS-EXT-STS:task_state'] is None
    act(running, uuid, {'unshelve': {'availability_zone': 'nova'}}, version='2.77')
    server = wait_settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-AZ:availability_zone'] == 'nova'

    act(running, uuid, {'shelve': None})
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    act(running, uuid, {'unshelve': {'host': 'test-host', 'availability_zone': None}},
        token=ADMIN, version='2.91')
    assert wait_settled(running, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'test-host'


def test_no_valid_host_leaves_it_offloaded_with_a_fault(running):
    uuid = shelved_server(running)
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    snapshot_id = system_metadata(running, uuid)['shelved_image_id']
    # The snapshot now asks for an architecture the only (x86_64) node lacks.
    images = image_api.ImageAPI()
    images.update(running.admin_context, snapshot_id,
                  {'properties': {'hw_architecture': 'aarch64'}})
    act(running, uuid, {'unshelve': None})
    wait_for(lambda: _actions(running, uuid)[0]['message'] == 'Error',
             what='the unshelve to fail')
    server = wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert claimed(running, uuid) == {}
    assert 'No valid host' in fault_of(running, uuid)['message']
    assert image(running, snapshot_id)['status'] == 'active', 'kept for another try'
    images.update(running.admin_context, snapshot_id, {},
                  remove_properties=['hw_architecture'])
    act(running, uuid, {'unshelve': None})
    wait_settled(running, uuid, 'ACTIVE')


def test_failed_spawn_on_unshelve_stays_offloaded(running):
    uuid = shelved_server(running)
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    CONF.set_override('fail_spawn_on_nodes', ['test-host'], group='fake_driver')
    act(running, uuid, {'unshelve': None})
    wait_for(lambda: _actions(running, uuid)[0]['message'] == 'Error',
             what='the unshelve to fail')
    server = wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert claimed(running, uuid) == {}
    assert uuid not in running.compute.manager.driver.list_instance_uuids()
    assert 'Injected spawn failure' in fault_of(running, uuid)['message']
    CONF.clear_override('fail_spawn_on_nodes', group='fake_driver')


def test_failed_shelve_upload_keeps_the_server_and_no_image(running, never_offload):
    source_image(running)
    uuid = boot(running)
    CONF.set_override('fail_operations', ['snapshot_upload'], group='fake_driver')
    act(running, uuid, {'shelve': None})
    wait_for(lambda: _actions(running, uuid)[0]['message'] == 'Error',
             what='the shelve to fail')
    server = wait_settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-STS:power_state'] == RUNNING, 'powered on again'
    assert guest_power_state(running, uuid) == RUNNING
    listed = running.get('/image/v2/images?instance_uuid=%s' % uuid,
                         token=ADMIN).json['images']
    assert listed == []
    assert 'half-way' in fault_of(running, uuid)['message']


def test_deleting_an_offloaded_server_deletes_its_snapshot(running):
    uuid = shelved_server(running)
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    snapshot_id = system_metadata(running, uuid)['shelved_image_id']
    running.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to be deleted')
    assert running.get('/image/v2/images/%s' % snapshot_id, token=ADMIN).status_int == 404
    assert absolute_limits(running)['totalInstancesUsed'] == 0


def test_delete_after_the_shelve_upload_deletes_the_snapshot(running, monkeypatch,
                                                             never_offload):
    source_image(running)
    uuid = boot(running)
    original = fake.FakeDriver.snapshot
    uploaded = []

    def deleted_after_upload(driver, context, instance, image_id, update_task_state):
        original(driver, context, instance, image_id, update_task_state)
        uploaded.append(image(running, image_id)['status'])
        running.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    monkeypatch.setattr(fake.FakeDriver, 'snapshot', deleted_after_upload)
    act(running, uuid, {'shelve': None})
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to be deleted')
    assert uploaded == ['active']
    wait_for(lambda: running.get('/image/v2/images?instance_uuid=%s' % uuid,
                                 token=ADMIN).json['images'] == [],
             what='the uploaded shelve snapshot to be deleted')
