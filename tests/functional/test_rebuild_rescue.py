"""Rebuild, rescue and unrescue through the real API with the real
conductor, scheduler and compute managers over the in-memory transport and
the fake driver: the happy paths and what they leave in the record and the
guest, the scheduler's rebuild check of the host against a new image, the
400s and 409s with nothing half-written, and driver failures."""
import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test as test_notifications

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import request_specs
from nova_conductor import rpcapi as conductor_rpcapi
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import conflict
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.functional.test_power_actions import server  # noqa: F401 - the fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import SHUTDOWN
from tests.functional.test_power_actions import RUNNING
from tests.functional.test_power_actions import VERSION
from tests.functional.test_power_actions import wait_settled
from tests.functional.cloud_helpers import wait_for


def add_image(cloud, name, size=100, **fields):
    image = cloud.post('/image/v2/images', dict({'name': name, 'disk_format': 'raw',
                                                 'container_format': 'bare',
                                                 'visibility': 'public'}, **fields),
                       status=201).json
    cloud.app.put('/image/v2/images/%s/file' % image['id'], b'y' * size,
                  headers={'X-Auth-Token': ADMIN, 'Content-Type': 'application/octet-stream'})
    return image['id']


def guest(cloud, uuid):
    return cloud.compute.manager.driver.guests.get(uuid)


def events_of(cloud, uuid, action):
    actions = cloud.get('/v2.1/servers/%s/os-instance-actions' % uuid, token=ADMIN,
                        version='2.51').json['instanceActions']
    request_id = next(item['request_id'] for item in actions if item['action'] == action)
    detail = cloud.get('/v2.1/servers/%s/os-instance-actions/%s' % (uuid, request_id),
                       token=ADMIN, version='2.51').json['instanceAction']
    return {event['event']: event['result'] for event in detail['events']}


def system_metadata(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cell_context:
        return instances.get(cell_context, uuid)['system_metadata']


def rebuild(cloud, uuid, status=202, token=DEMO, version=VERSION, **fields):
    return act(cloud, uuid, {'rebuild': fields}, token=token, status=status, version=version)


def notified(event_type):
    return [message for _context, message, _priority, _retry in test_notifications.NOTIFICATIONS
            if message['event_type'] == event_type]


# --- rebuild ---------------------------------------------------------------------------

def test_rebuild_with_a_new_image_keeps_id_and_host(running, server):
    before = show(running, server)
    new_image = add_image(running, 'new', os_distro='debian')
    running.post('/v2.1/os-keypairs', {'keypair': {'name': 'key1'}}, token=DEMO,
                 version='2.10', status=201)
    body = rebuild(running, server, imageRef=new_image, name='renamed',
                   metadata={'role': 'db'}, adminPass='s3cret', key_name='key1',
                   user_data='aGVsbG8=', hostname='db-1', version='2.90').json['server']
    assert body['id'] == server and body['status'] == 'REBUILD'
    assert body['image']['id'] == new_image and body['name'] == 'renamed'
    assert body['adminPass'] == 's3cret' and body['metadata'] == {'role': 'db'}
    assert body['key_name'] == 'key1' and body['user_data'] == 'aGVsbG8='

    after = wait_settled(running, server, 'ACTIVE')
    assert after['image']['id'] == new_image and after['name'] == 'renamed'
    assert after['OS-EXT-SRV-ATTR:host'] == before['OS-EXT-SRV-ATTR:host']
    assert after['OS-EXT-SRV-ATTR:hostname'] == 'db-1'
    assert after['OS-EXT-STS:power_state'] == RUNNING
    assert guest(running, server)['image_ref'] == new_image
    assert system_metadata(running, server)['image_os_distro'] == 'debian'
    assert events_of(running, server, 'rebuild') == {
        'rebuild_server': 'Success', 'compute_rebuild_instance': 'Success'}
    assert [n['payload']['nova_object.data']['image_uuid']
            for n in notified('instance.rebuild.end')] == [new_image]
    # The claim stayed as it was: one flavor's worth on the host, no more.
    assert list(ledger.usages(running.admin_context).values()) == [
        {'DISK_GB': 1, 'MEMORY_MB': 512, 'VCPU': 1}]


def test_rebuild_walks_the_rebuild_task_states(running, server):
    CONF.set_override('spawn_seconds', 0.5, group='fake_driver')
    rebuild(running, server, imageRef=running.image_id)
    seen = set()

    def settled():
        current = show(running, server)
        seen.add((current['status'], current['OS-EXT-STS:task_state']))
        return current['OS-EXT-STS:task_state'] is None and current
    wait_for(settled, what='the rebuild')
    assert ('REBUILD', 'rebuild_spawning') in seen
    assert ('ACTIVE', None) in seen


def test_rebuild_of_a_stopped_server_ends_stopped(running, server):
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')
    rebuild(running, server, imageRef=add_image(running, 'other'), preserve_ephemeral=True)
    stopped = wait_settled(running, server, 'SHUTOFF')
    assert stopped['OS-EXT-STS:power_state'] == SHUTDOWN
    assert guest(running, server)['power_state'] == SHUTDOWN


def test_rebuild_bad_input_is_refused_and_changes_nothing(running, server):
    big_ram = add_image(running, 'needs-ram', min_ram=4096)
    big_disk = add_image(running, 'needs-disk', min_disk=20)
    for fields, status in (
            ({'imageRef': 'f4b6ae5c-3b8a-4c55-a4ab-aaaaaaaaaaaa'}, 400),  # unknown image
            ({'imageRef': big_ram}, 400),
            ({'imageRef': big_disk}, 400),
            ({'name': 'no-image'}, 400),
            ({'imageRef': running.image_id, 'bogus': 1}, 400),
            ({'imageRef': running.image_id, 'key_name': 'missing'}, 400),
            ({'imageRef': running.image_id, 'user_data': 'not base64!'}, 400)):
        rebuild(running, server, status=status, **fields)
    message = rebuild(running, server, status=400, version='2.63', imageRef=running.image_id,
                      trusted_image_certificates=['cert-1']).json['badRequest']['message']
    assert 'certificate validation is not supported' in message
    # personality is gone from 2.57 on; before it, it is accepted.
    rebuild(running, server, status=400, version='2.57', imageRef=running.image_id,
            personality=[{'path': '/etc/motd', 'contents': 'aGk='}])
    current = show(running, server)
    assert current['image']['id'] == running.image_id and current['name'] == 'vm'
    assert current['status'] == 'ACTIVE' and current['OS-EXT-STS:task_state'] is None
    assert 'rebuild' not in [item['action'] for item in running.get(
        '/v2.1/servers/%s/os-instance-actions' % server, token=ADMIN).json['instanceActions']]


def test_rebuild_in_the_wrong_state_is_409(running, server):
    act(running, server, {'pause': None})
    wait_settled(running, server, 'PAUSED')
    assert conflict(running, server, {'rebuild': {'imageRef': running.image_id}}) == (
        "Cannot 'rebuild' instance %s while it is in vm_state paused" % server)
    act(running, server, {'unpause': None})
    wait_settled(running, server, 'ACTIVE')
    act(running, server, {'lock': None}, token=ADMIN)
    assert conflict(running, server, {'rebuild': {'imageRef': running.image_id}}) == (
        'Instance %s is locked' % server)


def test_rebuild_refused_by_the_scheduler_ends_in_error_with_the_old_image(running, server):
    """As Nova: the host is checked against a changed image by the image
    filters only; when it does not fit, the server goes to ERROR with a
    NoValidHost fault and gets its old image back."""
    arm = add_image(running, 'arm', hw_architecture='aarch64')
    rebuild(running, server, imageRef=arm)
    failed = wait_settled(running, server, 'ERROR')
    assert failed['image']['id'] == running.image_id
    assert 'No valid host was found' in failed['fault']['message']
    assert 'ImagePropertiesFilter removed 1' in failed['fault']['message']
    assert events_of(running, server, 'rebuild') == {'rebuild_server': 'Error'}
    assert guest(running, server)['image_ref'] == running.image_id
    assert request_specs.get(running.admin_context, server)['image']['id'] == running.image_id
    assert 'image_hw_architecture' not in system_metadata(running, server)
    # A rebuild from ERROR with an image that fits repairs it.
    rebuild(running, server, imageRef=running.image_id)
    assert wait_settled(running, server, 'ACTIVE')['image']['id'] == running.image_id


def test_rebuild_check_runs_only_the_image_filters(running, server):
    """A disabled compute (ComputeFilter) with a full host (RamFilter) still
    takes a rebuild with a new image: those filters do not run on a rebuild."""
    running.put('/v2.1/os-services/disable', {'host': 'test-host', 'binary': 'nova-compute'},
                token=ADMIN, status=200)
    new_image = add_image(running, 'fits')
    rebuild(running, server, imageRef=new_image)
    assert wait_settled(running, server, 'ACTIVE')['image']['id'] == new_image


def test_rebuild_that_fails_to_spawn_ends_in_error_with_a_fault(running, server):
    CONF.set_override('fail_spawn_on_nodes', ['test-host'], group='fake_driver')
    rebuild(running, server, imageRef=add_image(running, 'doomed'))
    failed = wait_settled(running, server, 'ERROR')
    assert 'Injected spawn failure' in failed['fault']['message']
    assert guest(running, server) is None
    assert events_of(running, server, 'rebuild')['compute_rebuild_instance'] == 'Error'
    assert notified('instance.rebuild.error')
    CONF.clear_override('fail_spawn_on_nodes', group='fake_driver')
    rebuild(running, server, imageRef=running.image_id)
    assert wait_settled(running, server, 'ACTIVE')['OS-EXT-STS:power_state'] == RUNNING


def test_rebuild_with_the_conductor_out_of_reach_is_503_and_changes_nothing(
        running, server, monkeypatch):
    def unreachable(*args, **kwargs):
        raise messaging.MessagingTimeout('no conductor')
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'rebuild_instance', unreachable)
    rebuild(running, server, status=503, imageRef=add_image(running, 'unsent'))
    current = show(running, server)
    assert current['image']['id'] == running.image_id
    assert (current['status'], current['OS-EXT-STS:task_state']) == ('ACTIVE', None)
    assert request_specs.get(running.admin_context, server)['image']['id'] == running.image_id


def test_rebuild_answer_hides_the_password_when_told(running, server):
    CONF.set_override('enable_instance_password', False, group='api')
    body = rebuild(running, server, imageRef=running.image_id, version='2.1').json['server']
    assert 'adminPass' not in body and 'key_name' not in body
    wait_settled(running, server, 'ACTIVE')


# --- rescue ----------------------------------------------------------------------------

def test_rescue_and_unrescue(running, server):
    assert conflict(running, server, {'unrescue': None}) == (
        "Cannot 'unrescue' instance %s while it is in vm_state active" % server)
    password = act(running, server, {'rescue': {'adminPass': 'let-me-in'}},
                   status=200).json
    assert password == {'adminPass': 'let-me-in'}
    rescued = wait_settled(running, server, 'RESCUE')
    assert rescued['OS-EXT-STS:vm_state'] == 'rescued'
    assert rescued['OS-EXT-STS:power_state'] == RUNNING
    # The default rescue image is the server's own.
    assert guest(running, server)['rescue_image_ref'] == running.image_id
    for body in ({'rescue': None}, {'rebuild': {'imageRef': running.image_id}},
                 {'os-stop': None}, {'pause': None}):
        assert 'while it is in vm_state rescued' in conflict(running, server, body)

    act(running, server, {'unrescue': None})
    active = wait_settled(running, server, 'ACTIVE')
    assert active['OS-EXT-STS:power_state'] == RUNNING
    assert 'rescue_image_ref' not in guest(running, server)
    assert events_of(running, server, 'rescue') == {'compute_rescue_instance': 'Success'}
    assert events_of(running, server, 'unrescue') == {'compute_unrescue_instance': 'Success'}
    assert notified('instance.rescue.end') and notified('instance.unrescue.end')


def test_rescue_from_another_image_and_from_stopped(running, server):
    rescue_image = add_image(running, 'rescue-disk')
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')
    body = act(running, server, {'rescue': {'rescue_image_ref': rescue_image}},
               status=200).json
    assert len(body['adminPass']) >= 8
    wait_settled(running, server, 'RESCUE')
    assert guest(running, server)['rescue_image_ref'] == rescue_image
    console = act(running, server, {'os-getConsoleOutput': {}}, status=200).json['output']
    assert console.endswith('fake console: rescued from image %s\n' % rescue_image)
    act(running, server, {'unrescue': None})
    assert wait_settled(running, server, 'ACTIVE')['OS-EXT-STS:power_state'] == RUNNING


def test_rescue_bad_input(running, server):
    for body in ({'rescue': {'rescue_image_ref': 'not-a-uuid'}},
                 {'rescue': {'bogus': True}},
                 {'rescue': {'rescue_image_ref': 'f4b6ae5c-3b8a-4c55-a4ab-aaaaaaaaaaaa'}}):
        act(running, server, body, status=400)
    assert show(running, server)['OS-EXT-STS:task_state'] is None
    act(running, server, {'rescue': None}, token='eve:other', status=404)
    act(running, server, {'lock': None}, token=ADMIN)
    assert conflict(running, server, {'rescue': None}) == 'Instance %s is locked' % server


def test_rescue_hides_the_password_when_told(running, server):
    CONF.set_override('enable_instance_password', False, group='api')
    assert act(running, server, {'rescue': None}, status=200).json == {}
    wait_settled(running, server, 'RESCUE')


def test_failed_rescue_leaves_the_server_active_with_a_fault(running, server):
    CONF.set_override('fail_operations', ['rescue'], group='fake_driver')
    act(running, server, {'rescue': None}, status=200)

    wait_for(lambda: events_of(running, server, 'rescue') == {
        'compute_rescue_instance': 'Error'}, what='the failed rescue')
    current = show(running, server)
    assert current['status'] == 'ACTIVE' and current['OS-EXT-STS:task_state'] is None
    assert 'rescue_image_ref' not in guest(running, server)


def test_delete_a_rescued_server(running, server):
    act(running, server, {'rescue': None}, status=200)
    wait_settled(running, server, 'RESCUE')
    running.delete('/v2.1/servers/%s' % server, token=DEMO, status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % server, token=DEMO).status_int == 404,
             what='the delete')
    assert guest(running, server) is None


def test_second_server_unaffected(running, server):
    """A rebuild touches its own server only."""
    other = boot(running, 'other')
    rebuild(running, server, imageRef=add_image(running, 'solo'))
    wait_settled(running, server, 'ACTIVE')
    assert show(running, other)['image']['id'] == running.image_id
    assert guest(running, other)['image_ref'] == running.image_id
