"""createImage and createBackup through the real API, conductor, scheduler
and compute over the in-memory transport, with the fake driver uploading
into the local image store: the image's properties and data, the task
states, 2.45's body against the older Location header, backup rotation,
and the faults (wrong state, bad bodies, an upload that breaks half-way:
no image left, the server back to ACTIVE with a fault)."""
import os
import time

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_compute.virt import fake
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import OTHER
from tests.functional.test_power_actions import _actions
from tests.functional.test_power_actions import _events
from tests.functional.test_power_actions import _notifications
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import conflict
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import wait_settled


def source_image(cloud):
    """A public image with properties a snapshot inherits (os_distro,
    kernel_id) and one it does not (cache_in_nova); boots use it."""
    image = cloud.post('/image/v2/images', {
        'name': 'source', 'disk_format': 'raw', 'container_format': 'bare',
        'visibility': 'public', 'min_ram': 128, 'os_distro': 'debian',
        'cache_in_nova': 'true', 'hw_disk_bus': 'virtio'}, status=201).json
    cloud.app.put('/image/v2/images/%s/file' % image['id'], b'source data',
                  headers={'X-Auth-Token': ADMIN,
                           'Content-Type': 'application/octet-stream'})
    cloud.image_id = image['id']
    return image['id']


def image(cloud, image_id, token=ADMIN, status=200):
    return cloud.get('/image/v2/images/%s' % image_id, token=token, status=status).json


def image_data(cloud, image_id):
    return cloud.get('/image/v2/images/%s/file' % image_id, token=ADMIN, status=200).body


def images_of(cloud, uuid, **filters):
    query = '&'.join(['instance_uuid=%s' % uuid]
                     + ['%s=%s' % item for item in filters.items()])
    return cloud.get('/image/v2/images?' + query, token=ADMIN, status=200).json['images']


def store_leftovers(cloud):
    """Temporary upload files left in the local store."""
    return [name for name in os.listdir(CONF.image.local_store_dir)
            if name.startswith('.upload-')]


def uploaded(cloud):
    return wait_for(lambda: cloud.compute.manager.driver.uploaded_images,
                    what='an upload')


def test_create_image_with_nova_properties(running):
    source = source_image(running)
    uuid = boot(running)
    reply = act(running, uuid, {'createImage': {'name': 'snap',
                                                'metadata': {'purpose': 'before upgrade'}}})
    assert 'Location' not in reply.headers
    image_id = reply.json['image_id']
    server = wait_settled(running, uuid, 'ACTIVE')
    snap = wait_for(lambda: image(running, image_id)['status'] == 'active'
                    and image(running, image_id), what='the snapshot to be active')
    assert snap['name'] == 'snap'
    assert (snap['image_type'], snap['instance_uuid'], snap['base_image_ref']) == (
        'snapshot', uuid, source)
    assert snap['owner'] == 'demo' and snap['owner_id'] == 'demo'
    assert snap['user_id'] == 'demo' and snap['visibility'] == 'private'
    assert (snap['min_ram'], snap['min_disk']) == (128, 1)
    assert snap['purpose'] == 'before upgrade'
    assert snap['os_distro'] == 'debian' and snap['hw_disk_bus'] == 'virtio'
    assert 'cache_in_nova' not in snap
    assert (snap['disk_format'], snap['container_format']) == ('raw', 'bare')
    data = image_data(running, image_id)
    assert data == running.compute.manager.driver.uploaded_images[image_id]
    assert ('fake disk of %s from image %s' % (uuid, source)).encode() in data
    assert server['OS-EXT-STS:vm_state'] == 'active'
    [action] = [a for a in _actions(running, uuid) if a['action'] == 'createImage']
    wait_for(lambda: [(e['event'], e['result']) for e in _events(
        running, uuid, action['request_id'])] == [('compute_snapshot_instance', 'Success')],
        what='the snapshot event to succeed')
    wait_for(lambda: ('instance.snapshot.end', 'INFO') in _notifications(uuid),
             what='the snapshot.end notification')
    assert ('instance.snapshot.start', 'INFO') in _notifications(uuid)
    # The new image boots a server.
    running.image_id = image_id
    wait_settled(running, boot(running, 'from-snapshot'), 'ACTIVE')


def test_task_states_and_queued_image_while_uploading(running, monkeypatch):
    source_image(running)
    uuid = boot(running)
    seen = []
    original = fake.FakeDriver.snapshot

    def observing(driver, context, instance, image_id, update_task_state):
        seen.append(('task', show(running, uuid)['OS-EXT-STS:task_state']))
        seen.append(('image', image(running, image_id)['status']))

        def update(task_state, expected_state=None):
            update_task_state(task_state, expected_state)
            seen.append(('task', show(running, uuid)['OS-EXT-STS:task_state']))
        original(driver, context, instance, image_id, update)
    monkeypatch.setattr(fake.FakeDriver, 'snapshot', observing)
    image_id = act(running, uuid, {'createImage': {'name': 'snap'}}).json['image_id']
    wait_for(lambda: image(running, image_id)['status'] == 'active', what='the upload')
    wait_settled(running, uuid, 'ACTIVE')
    assert seen == [('task', states.IMAGE_SNAPSHOT), ('image', 'queued'),
                    ('task', states.IMAGE_PENDING_UPLOAD), ('task', states.IMAGE_UPLOADING)]


def test_location_header_before_2_45(running):
    source_image(running)
    uuid = boot(running)
    reply = act(running, uuid, {'createImage': {'name': 'snap'}}, version='2.44')
    assert reply.body == b''
    location = reply.headers['Location']
    assert location.startswith('http://localhost/v2.1/images/')
    image_id = location.rsplit('/', 1)[1]
    wait_for(lambda: image(running, image_id)['status'] == 'active', what='the upload')
    wait_settled(running, uuid, 'ACTIVE')


def test_stopped_server_can_be_snapshotted(running):
    source_image(running)
    uuid = boot(running)
    act(running, uuid, {'os-stop': None})
    wait_settled(running, uuid, 'SHUTOFF')
    image_id = act(running, uuid, {'createImage': {'name': 'off'}}).json['image_id']
    wait_for(lambda: image(running, image_id)['status'] == 'active', what='the upload')
    assert wait_settled(running, uuid, 'SHUTOFF')['OS-EXT-STS:vm_state'] == 'stopped'


def test_wrong_state_is_409_and_creates_no_image(running):
    source_image(running)
    uuid = boot(running)
    act(running, uuid, {'os-resetState': {'state': 'error'}}, token=ADMIN)
    for body, action in (({'createImage': {'name': 'x'}}, 'createImage'),
                         ({'createBackup': {'name': 'x', 'backup_type': 'daily',
                                            'rotation': 1}}, 'createBackup')):
        assert conflict(running, uuid, body) == (
            "Cannot '%s' instance %s while it is in vm_state error" % (action, uuid))
    assert images_of(running, uuid) == []


def test_second_snapshot_while_one_runs_is_409(running):
    source_image(running)
    uuid = boot(running)
    instances.update(_cell1_context(running), uuid,
                     {'task_state': states.IMAGE_UPLOADING})
    assert conflict(running, uuid, {'createImage': {'name': 'y'}}) == (
        "Cannot 'createImage' instance %s while it is in task_state image_uploading" % uuid)
    assert images_of(running, uuid) == []


def _cell1_context(cloud):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return context


def test_bad_bodies_are_400(running):
    source_image(running)
    uuid = boot(running)
    for body in ({'createImage': {}}, {'createImage': {'name': ''}},
                 {'createImage': {'name': 'x', 'metadata': {'k': 1}}},
                 {'createImage': {'name': 'x', 'extra': 1}},
                 {'createBackup': {'name': 'x', 'backup_type': 'daily', 'rotation': -1}},
                 {'createBackup': {'name': 'x', 'backup_type': 'daily', 'rotation': '-1'}},
                 {'createBackup': {'name': 'x', 'rotation': 1}},
                 {'createBackup': {'name': 'x', 'backup_type': 'daily'}}):
        fault = act(running, uuid, body, status=400).json
        assert 'badRequest' in fault, body
    assert images_of(running, uuid) == []


def test_another_projects_server_is_404_and_policy_applies(running):
    source_image(running)
    uuid = boot(running)
    act(running, uuid, {'createImage': {'name': 'x'}}, token=OTHER, status=404)
    act(running, uuid, {'createBackup': {'name': 'x', 'backup_type': 'd', 'rotation': 1}},
        token=OTHER, status=404)
    assert images_of(running, uuid) == []


def test_upload_failing_half_way_deletes_the_image_and_leaves_a_fault(running):
    source_image(running)
    uuid = boot(running)
    CONF.set_override('fail_operations', ['snapshot_upload'], group='fake_driver')
    image_id = act(running, uuid, {'createImage': {'name': 'broken'}}).json['image_id']
    wait_for(lambda: _actions(running, uuid)[0]['message'] == 'Error',
             what='the snapshot to fail')
    server = wait_settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-STS:vm_state'] == 'active'
    image(running, image_id, status=404)
    assert images_of(running, uuid) == [] and store_leftovers(running) == []
    [event] = _events(running, uuid, _actions(running, uuid)[0]['request_id'])
    assert event['event'] == 'compute_snapshot_instance' and event['result'] == 'Error'
    assert 'Injected failure half-way through the upload' in event['traceback']
    fault = instances.get(_cell1_context(running), uuid, with_fault=True)['fault']
    assert 'half-way' in fault['message']
    assert running.compute.manager.driver.uploaded_images == {}
    assert ('instance.snapshot.error', 'ERROR') in _notifications(uuid)
    # The server takes the next snapshot once the fault is gone.
    CONF.clear_override('fail_operations', group='fake_driver')
    image_id = act(running, uuid, {'createImage': {'name': 'ok'}}).json['image_id']
    wait_for(lambda: image(running, image_id)['status'] == 'active', what='the upload')


def test_snapshot_failing_before_the_upload(running):
    source_image(running)
    uuid = boot(running)
    CONF.set_override('fail_operations', ['snapshot'], group='fake_driver')
    image_id = act(running, uuid, {'createImage': {'name': 'broken'}}).json['image_id']
    wait_for(lambda: _actions(running, uuid)[0]['message'] == 'Error',
             what='the snapshot to fail')
    wait_settled(running, uuid, 'ACTIVE')
    image(running, image_id, status=404)


def test_delete_during_a_snapshot_wins_and_deletes_the_image(running, monkeypatch):
    source_image(running)
    uuid = boot(running)
    original = fake.FakeDriver.snapshot

    def deleted_meanwhile(driver, context, instance, image_id, update_task_state):
        running.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
        original(driver, context, instance, image_id, update_task_state)
    monkeypatch.setattr(fake.FakeDriver, 'snapshot', deleted_meanwhile)
    image_id = act(running, uuid, {'createImage': {'name': 'gone'}}).json['image_id']
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to be deleted')
    wait_for(lambda: running.get('/image/v2/images/%s' % image_id,
                                 token=ADMIN).status_int == 404,
             what='the unfinished image to be deleted')


def test_backup_rotation(running):
    source_image(running)
    uuid = boot(running)
    made = []
    for index in range(3):
        reply = act(running, uuid, {'createBackup': {
            'name': 'b%d' % index, 'backup_type': 'daily', 'rotation': 2,
            'metadata': {'n': str(index)}}})
        made.append(reply.json['image_id'])
        wait_for(lambda: image(running, made[-1])['status'] == 'active', what='the backup')
        wait_settled(running, uuid, 'ACTIVE')
        # Image times have whole seconds (as Glance's): backups made within
        # one second tie, and the older ones among them rotate in any order.
        time.sleep(1.1)
    wait_for(lambda: len(images_of(running, uuid, image_type='backup')) == 2,
             what='the rotation')
    backups = images_of(running, uuid, image_type='backup')
    assert {b['id'] for b in backups} == set(made[1:])
    assert {b['backup_type'] for b in backups} == {'daily'}
    assert {b['name'] for b in backups} == {'b1', 'b2'}
    # Another backup type rotates on its own.
    weekly = act(running, uuid, {'createBackup': {'name': 'w', 'backup_type': 'weekly',
                                                  'rotation': 1}}).json['image_id']
    wait_for(lambda: image(running, weekly)['status'] == 'active', what='the weekly backup')
    wait_settled(running, uuid, 'ACTIVE')
    assert len(images_of(running, uuid, image_type='backup', backup_type='daily')) == 2
    [action] = [a for a in _actions(running, uuid) if a['action'] == 'createBackup'][:1]
    assert action['message'] is None


def test_backup_rotation_zero_and_location_before_2_45(running):
    source_image(running)
    uuid = boot(running)
    reply = act(running, uuid, {'createBackup': {'name': 'b', 'backup_type': 'daily',
                                                 'rotation': '1'}}, version='2.44')
    image_id = reply.headers['Location'].rsplit('/', 1)[1]
    wait_for(lambda: image(running, image_id)['status'] == 'active', what='the backup')
    wait_settled(running, uuid, 'ACTIVE')
    reply = act(running, uuid, {'createBackup': {'name': 'b', 'backup_type': 'daily',
                                                 'rotation': 0}}, version='2.44')
    assert 'Location' not in reply.headers
    wait_settled(running, uuid, 'ACTIVE')
    wait_for(lambda: images_of(running, uuid) == [], what='rotation 0 to delete every backup')


def test_image_metadata_over_quota_is_403(running):
    source_image(running)
    uuid = boot(running)
    CONF.set_override('metadata_items', 2, group='quota')
    metadata = {'a': '1', 'b': '2', 'c': '3'}
    for body in ({'createImage': {'name': 'x', 'metadata': metadata}},
                 {'createBackup': {'name': 'x', 'backup_type': 'd', 'rotation': 1,
                                   'metadata': metadata}}):
        fault = act(running, uuid, body, status=403).json
        assert fault['forbidden']['message'] == 'Image metadata limit exceeded'
    assert images_of(running, uuid) == []
    CONF.clear_override('metadata_items', group='quota')


def test_administrator_snapshot_of_another_projects_server_is_shared(running):
    source_image(running)
    uuid = boot(running)
    image_id = act(running, uuid, {'createImage': {'name': 'by-admin'}},
                   token=ADMIN).json['image_id']
    snap = wait_for(lambda: image(running, image_id)['status'] == 'active'
                    and image(running, image_id), what='the snapshot to be active')
    assert (snap['owner'], snap['visibility']) == ('admin', 'shared')
    assert (snap['instance_owner'], snap['owner_id'], snap['user_id']) == (
        'demo', 'demo', 'admin')
    wait_settled(running, uuid, 'ACTIVE')
