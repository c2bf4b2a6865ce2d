"""Server power actions through the real API with the real conductor,
scheduler and compute managers over the in-memory transport and the fake
driver: every action's happy path and its 409 in the wrong state, locks,
another project's server, the console output, the power state sync, the
instance actions they record, recovery from driver failures, and the
versioned notifications."""

import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test as test_notifications
import pytest

from nova_common.cmd import compute as compute_cmd
from nova_common.cmd import conductor as conductor_cmd
from nova_common.cmd import scheduler as scheduler_cmd
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.cloud_helpers import wait_for

VERSION = '2.90'
ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'eve:other'
RUNNING, PAUSED, SHUTDOWN, SUSPENDED = 1, 3, 4, 7


@pytest.fixture
def running(cloud):
    """The cloud with its services started (one fake node), a flavor and
    an image; ``cloud.compute`` is the compute service."""
    CONF.set_override('report_interval', 1)
    CONF.set_override('memory_mb', 4096, group='fake_driver')
    CONF.set_override('periodic_task_interval', 1, group='scheduler')
    # Registers [oslo_messaging_notifications]; the test driver keeps
    # every notification in memory.
    messaging.get_notification_transport(CONF)
    CONF.set_override('driver', ['test'], group='oslo_messaging_notifications')
    test_notifications.reset()
    cells.map_host(cloud.admin_context, 'test-host', cloud.cell1['uuid'])
    daemons = [conductor_cmd.build_service(), scheduler_cmd.build_service(),
               compute_cmd.build_service()]
    cloud.compute = daemons[2]
    try:
        for daemon in daemons:
            daemon.start()
        wait_for(lambda: len(cloud.get('/v2.1/os-hypervisors').json['hypervisors']) == 1,
                 what='the fake node')
        add_flavor_and_image(cloud, token=ADMIN)
        yield cloud
    finally:
        # The compute first: its last syncs still reach the conductor.
        for daemon in reversed(daemons):
            daemon.stop()


def show(cloud, uuid, token=ADMIN):
    return cloud.get('/v2.1/servers/%s' % uuid, token=token, version=VERSION).json['server']


def wait_settled(cloud, uuid, status):
    """The server once it has ``status`` and no task."""
    def settled():
        server = show(cloud, uuid)
        return (server['status'] == status and server['OS-EXT-STS:task_state'] is None
                and server)
    return wait_for(settled, what='server %s to be %s' % (uuid, status))


def boot(cloud, name='vm'):
    server = {'name': name, 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                      status=202).json['server']['id']
    wait_settled(cloud, uuid, 'ACTIVE')
    return uuid


def act(cloud, uuid, body, token=DEMO, status=202, version=VERSION):
    return cloud.post('/v2.1/servers/%s/action' % uuid, body, token=token, version=version,
                      status=status)


def conflict(cloud, uuid, body, token=DEMO):
    return act(cloud, uuid, body, token=token, status=409).json['conflictingRequest']['message']


def guest_power_state(cloud, uuid):
    return cloud.compute.manager.driver.get_power_state({'uuid': uuid})


@pytest.fixture
def server(running):
    return boot(running)


def test_stop_and_start(running, server):
    act(running, server, {'os-stop': None})
    stopped = wait_settled(running, server, 'SHUTOFF')
    assert stopped['OS-EXT-STS:vm_state'] == 'stopped'
    assert stopped['OS-EXT-STS:power_state'] == SHUTDOWN
    assert guest_power_state(running, server) == SHUTDOWN
    assert conflict(running, server, {'os-stop': None}) == (
        "Cannot 'stop' instance %s while it is in vm_state stopped" % server)

    act(running, server, {'os-start': None})
    started = wait_settled(running, server, 'ACTIVE')
    assert started['OS-EXT-STS:power_state'] == RUNNING
    assert conflict(running, server, {'os-start': None}) == (
        "Cannot 'start' instance %s while it is in vm_state active" % server)


def test_a_second_action_while_one_runs_is_409(running, server):
    act(running, server, {'os-stop': None})
    assert conflict(running, server, {'pause': None}).startswith("Cannot 'pause' instance")
    wait_settled(running, server, 'SHUTOFF')


def test_reboot_soft_and_hard(running, server):
    act(running, server, {'reboot': {'type': 'SOFT'}})
    assert show(running, server)['status'] in ('REBOOT', 'ACTIVE')
    wait_settled(running, server, 'ACTIVE')

    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')
    assert conflict(running, server, {'reboot': {'type': 'SOFT'}}) == (
        "Cannot 'reboot' instance %s while it is in vm_state stopped" % server)
    act(running, server, {'reboot': {'type': 'hard'}})
    rebooted = wait_settled(running, server, 'ACTIVE')
    assert rebooted['OS-EXT-STS:power_state'] == RUNNING
    console = act(running, server, {'os-getConsoleOutput': {}}, status=200).json['output']
    assert 'fake console: rebooted (SOFT)\n' in console
    assert console.endswith('fake console: rebooted (HARD)\n')


def test_reboot_bad_body_is_400(running, server):
    for body in ({'reboot': {}}, {'reboot': {'type': 'WARM'}},
                 {'reboot': {'type': 'SOFT', 'extra': 1}}, {'reboot': None}):
        act(running, server, body, status=400)
    assert show(running, server)['OS-EXT-STS:task_state'] is None


def test_pause_and_unpause(running, server):
    assert conflict(running, server, {'unpause': None}) == (
        "Cannot 'unpause' instance %s while it is in vm_state active" % server)
    act(running, server, {'pause': None})
    paused = wait_settled(running, server, 'PAUSED')
    assert paused['OS-EXT-STS:power_state'] == PAUSED
    assert guest_power_state(running, server) == PAUSED
    for body in ({'pause': None}, {'suspend': None}, {'reboot': {'type': 'SOFT'}},
                 {'os-start': None}):
        assert 'while it is in vm_state paused' in conflict(running, server, body)
    act(running, server, {'unpause': None})
    assert wait_settled(running, server, 'ACTIVE')['OS-EXT-STS:power_state'] == RUNNING


def test_suspend_and_resume(running, server):
    assert "Cannot 'resume' instance" in conflict(running, server, {'resume': None})
    act(running, server, {'suspend': None})
    suspended = wait_settled(running, server, 'SUSPENDED')
    assert suspended['OS-EXT-STS:power_state'] == SUSPENDED
    assert "vm_state suspended" in conflict(running, server, {'suspend': None})
    act(running, server, {'resume': None})
    assert wait_settled(running, server, 'ACTIVE')['OS-EXT-STS:power_state'] == RUNNING


def test_hard_reboot_from_paused_and_suspended(running, server):
    for action, status in (('pause', 'PAUSED'), ('suspend', 'SUSPENDED')):
        act(running, server, {action: None})
        wait_settled(running, server, status)
        act(running, server, {'reboot': {'type': 'HARD'}})
        assert wait_settled(running, server, 'ACTIVE')['OS-EXT-STS:power_state'] == RUNNING


def test_locked_server_refuses_its_owner_but_not_an_admin(running, server):
    act(running, server, {'lock': {'locked_reason': 'maintenance'}}, token=ADMIN,
        version='2.73')
    locked = running.get('/v2.1/servers/%s' % server, token=DEMO, version='2.73').json['server']
    assert locked['locked'] is True and locked['locked_reason'] == 'maintenance'
    for body in ({'os-stop': None}, {'reboot': {'type': 'HARD'}}, {'pause': None},
                 {'suspend': None}):
        assert conflict(running, server, body) == 'Instance %s is locked' % server
    # The owner cannot lift an administrator's lock.
    act(running, server, {'unlock': None}, status=403)
    act(running, server, {'os-stop': None}, token=ADMIN)
    wait_settled(running, server, 'SHUTOFF')
    act(running, server, {'unlock': None}, token=ADMIN)
    unlocked = running.get('/v2.1/servers/%s' % server, token=DEMO,
                           version='2.73').json['server']
    assert unlocked['locked'] is False and unlocked['locked_reason'] is None
    act(running, server, {'os-start': None})
    wait_settled(running, server, 'ACTIVE')


def test_owner_locks_and_unlocks_own_server(running, server):
    act(running, server, {'lock': None})
    assert conflict(running, server, {'os-stop': None}) == 'Instance %s is locked' % server
    act(running, server, {'unlock': None})
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')


def test_lock_reason_needs_2_73(running, server):
    act(running, server, {'lock': {'locked_reason': 'ignored'}}, version='2.72')
    body = running.get('/v2.1/servers/%s' % server, token=DEMO, version='2.73').json['server']
    assert body['locked'] is True and body['locked_reason'] is None
    act(running, server, {'unlock': None})
    act(running, server, {'lock': {'reason': 'wrong key'}}, version='2.73', status=400)
    act(running, server, {'lock': {'locked_reason': ''}}, version='2.73', status=400)
    assert show(running, server)['locked'] is False


def test_another_projects_server_is_404(running, server):
    for body in ({'os-start': None}, {'os-stop': None}, {'reboot': {'type': 'SOFT'}},
                 {'pause': None}, {'unpause': None}, {'suspend': None}, {'resume': None},
                 {'lock': None}, {'unlock': None}, {'os-getConsoleOutput': {}}):
        fault = act(running, server, body, token=OTHER, status=404).json
        assert fault['itemNotFound']['message'] == 'Instance %s could not be found.' % server
    assert show(running, server)['OS-EXT-STS:task_state'] is None
    assert show(running, server)['locked'] is False


def test_console_output_length(running, server):
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')

    def output(argument):
        return act(running, server, {'os-getConsoleOutput': argument},
                   status=200).json['output']

    whole = 'fake console: booted %s\nfake console: powered off (clean)\n' % server
    assert output({}) == whole
    assert output({'length': None}) == whole
    assert output({'length': -1}) == whole
    assert output({'length': 1}) == 'fake console: powered off (clean)\n'
    assert output({'length': '1'}) == 'fake console: powered off (clean)\n'
    assert output({'length': 0}) == ''
    assert output({'length': 50}) == whole
    for bad in ({'length': 'ten'}, {'length': -2}, {'lines': 3}, None):
        act(running, server, {'os-getConsoleOutput': bad}, status=400)


def test_console_output_of_a_server_without_host_is_409(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 8192, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    server = {'name': 'nohost', 'imageRef': running.image_id, 'flavorRef': 'huge',
              'networks': 'none'}
    uuid = running.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                        status=202).json['server']['id']
    wait_settled(running, uuid, 'ERROR')
    assert conflict(running, uuid, {'os-getConsoleOutput': {}}) == (
        'Instance %s is not ready' % uuid)
    assert conflict(running, uuid, {'os-stop': None}) == 'Instance %s is not ready' % uuid


def test_guest_shutting_down_by_itself_shows_shutoff(running, server):
    running.compute.manager.driver.simulate_guest_shutdown(server)
    stopped = wait_settled(running, server, 'SHUTOFF')
    assert stopped['OS-EXT-STS:vm_state'] == 'stopped'
    assert stopped['OS-EXT-STS:power_state'] == SHUTDOWN
    act(running, server, {'os-start': None})
    assert wait_settled(running, server, 'ACTIVE')['OS-EXT-STS:power_state'] == RUNNING


def test_periodic_sync_finds_what_no_event_told(running, server):
    manager = running.compute.manager
    manager.driver.simulate_guest_shutdown(server, send_event=False)
    assert show(running, server)['status'] == 'ACTIVE'
    manager.sync_power_states(nova_context.get_admin_context())
    assert show(running, server)['status'] == 'SHUTOFF'
    assert show(running, server)['OS-EXT-STS:power_state'] == SHUTDOWN


def test_guest_started_behind_our_back_is_powered_off(running, server):
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')
    driver = running.compute.manager.driver
    driver.power_on(nova_context.get_admin_context(), {'uuid': server})
    wait_for(lambda: guest_power_state(running, server) == SHUTDOWN,
             what='the guest to be powered off again')
    server_body = wait_settled(running, server, 'SHUTOFF')
    assert server_body['OS-EXT-STS:power_state'] == SHUTDOWN


def _actions(cloud, uuid):
    return cloud.get('/v2.1/servers/%s/os-instance-actions' % uuid, token=DEMO,
                     version=VERSION).json['instanceActions']


def _events(cloud, uuid, request_id):
    return cloud.get('/v2.1/servers/%s/os-instance-actions/%s' % (uuid, request_id),
                     token=ADMIN, version=VERSION).json['instanceAction']['events']


def test_instance_actions_are_listed_with_events(running, server):
    steps = [('os-stop', 'SHUTOFF'), ('os-start', 'ACTIVE'), ('pause', 'PAUSED'),
             ('unpause', 'ACTIVE'), ('suspend', 'SUSPENDED'), ('resume', 'ACTIVE')]
    for action, status in steps:
        act(running, server, {action: None})
        wait_settled(running, server, status)
    act(running, server, {'reboot': {'type': 'SOFT'}})
    wait_settled(running, server, 'ACTIVE')
    act(running, server, {'lock': None})
    act(running, server, {'unlock': None})
    actions = _actions(running, server)
    assert [a['action'] for a in actions] == [
        'unlock', 'lock', 'reboot', 'resume', 'suspend', 'unpause', 'pause', 'start', 'stop',
        'create']
    by_name = {a['action']: a for a in actions}
    for action, event in (('stop', 'compute_stop_instance'),
                          ('start', 'compute_start_instance'),
                          ('reboot', 'compute_reboot_instance'),
                          ('pause', 'compute_pause_instance'),
                          ('resume', 'compute_resume_instance')):
        # The compute finishes its event just after it wrote the end state.
        wait_for(lambda: [(e['event'], e['result']) for e in _events(
            running, server, by_name[action]['request_id'])] == [(event, 'Success')],
            what='the %s event to succeed' % event)
        assert by_name[action]['message'] is None


def test_driver_failure_restores_the_state_with_a_fault(running, server):
    CONF.set_override('fail_operations', ['power_off'], group='fake_driver')
    act(running, server, {'os-stop': None})
    recovered = wait_for(lambda: (_actions(running, server)[0]['message'] == 'Error' and
                                  show(running, server)), what='the stop to fail')
    assert recovered['status'] == 'ACTIVE'
    assert recovered['OS-EXT-STS:task_state'] is None
    assert recovered['OS-EXT-STS:power_state'] == RUNNING
    stop = _actions(running, server)[0]
    [event] = _events(running, server, stop['request_id'])
    assert event['event'] == 'compute_stop_instance' and event['result'] == 'Error'
    assert 'Injected power_off failure' in event['traceback']
    CONF.clear_override('fail_operations', group='fake_driver')
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')


def test_delete_wins_over_a_power_action(running, server):
    act(running, server, {'os-stop': None})
    running.delete('/v2.1/servers/%s' % server, token=DEMO, status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % server).status_int == 404,
             what='the server to be deleted')
    assert server not in running.compute.manager.driver.list_instance_uuids()


def _notifications(uuid):
    return [(message['event_type'], priority)
            for _ctxt, message, priority, _retry in test_notifications.NOTIFICATIONS
            if message['payload']['nova_object.data']['uuid'] == uuid]


def test_versioned_notifications(running, server):
    stop_request_id = act(running, server, {'os-stop': None}).headers['x-openstack-request-id']
    wait_settled(running, server, 'SHUTOFF')
    act(running, server, {'os-start': None})
    # The compute sends .end just after the record shows the end state.
    wait_for(lambda: ('instance.power_on.end', 'INFO') in _notifications(server),
             what='the power_on.end notification')
    act(running, server, {'lock': None})
    sent = _notifications(server)
    assert sent == [('instance.create.start', 'INFO'), ('instance.create.end', 'INFO'),
                    ('instance.power_off.start', 'INFO'), ('instance.power_off.end', 'INFO'),
                    ('instance.power_on.start', 'INFO'), ('instance.power_on.end', 'INFO'),
                    ('instance.lock', 'INFO')]
    end_context, end = [(c, m) for c, m, _p, _r in test_notifications.NOTIFICATIONS
                        if m['event_type'] == 'instance.power_off.end'][-1]
    assert end_context['request_id'] == stop_request_id
    assert end['publisher_id'] == 'nova-compute:test-host'
    data = end['payload']['nova_object.data']
    assert (data['state'], data['power_state'], data['task_state']) == (
        'stopped', 'shutdown', None)
    assert data['flavor']['nova_object.data']['name'] == 'small'
    # The request's id and its initiator, as Nova's payloads carry them.
    assert (data['action_initiator_user'], data['action_initiator_project']) == (
        'demo', 'demo')
    assert data['request_id'] == stop_request_id
