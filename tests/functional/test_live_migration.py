"""Live migration through the whole in-process stack (API, conductor,
scheduler, one fake compute per host): the states and migration statuses
a server goes through, the two claims in the ledger during the move and
which one every outcome frees, the checks that refuse a migration (400,
409, a host that is down, a driver that says no), a failure injected at
each step with the ledger checked afterwards, abort (DELETE, 2.24),
force_complete (2.22), the completion timeout and the list of in-progress
live migrations (2.23)."""
from oslo_messaging.notify import _impl_test as test_notifications
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common import exception
from nova_compute import instance_lock
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import wait_for

VERSION = '2.90'
HOSTS = ['lm-host1', 'lm-host2']
ADMIN = 'admin:admin'
DEMO = 'demo:demo'
SMALL_MB = 512


@pytest.fixture
def running(cloud):
    """The cloud with one compute (one fake node of 4 GB) per host and the
    flavor ``small`` (512 MB)."""
    with computes_on_hosts(cloud, HOSTS):
        yield cloud


def show(cloud, uuid):
    return cloud.get('/v2.1/servers/%s' % uuid, version=VERSION).json['server']


def settled(cloud, uuid, status='ACTIVE', timeout=20):
    def check():
        server = show(cloud, uuid)
        return (server['status'] == status and server['OS-EXT-STS:task_state'] is None
                and server)
    return wait_for(check, timeout=timeout, what='server %s to be %s' % (uuid, status))


def boot(cloud, host=HOSTS[0]):
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none', 'availability_zone': 'nova:%s' % host}
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=ADMIN, version=VERSION,
                      status=202).json['server']['id']
    assert settled(cloud, uuid)['OS-EXT-SRV-ATTR:host'] == host
    return uuid


def live_migrate(cloud, uuid, host=HOSTS[1], status=202, version=VERSION, token=ADMIN,
                 **extra):
    body = dict({'host': host, 'block_migration': 'auto'}, **extra)
    return cloud.post('/v2.1/servers/%s/action' % uuid, {'os-migrateLive': body},
                      token=token, version=version, status=status)


def fault_message(resp):
    return next(iter(resp.json.values()))['message']


def guests(cloud, host):
    return cloud.computes[host].manager.driver.guests


def migration_of(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
        found = migrations.list(cctx, {'instance_uuid': uuid}, limit=1)
    return found[0] if found else {}


def migration_ended(cloud, uuid, status):
    return wait_for(lambda: migration_of(cloud, uuid).get('status') == status
                    and migration_of(cloud, uuid), what='migration %s' % status)


def holders(cloud, uuid):
    """{consumer: {host: MEMORY_MB}} of the instance and its migrations."""
    ctx = nova_context.get_admin_context()
    names = {p['uuid']: p['host'] for p in ledger.providers(ctx)}
    result = {}
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
        consumers = [uuid] + [m['uuid'] for m in migrations.list(cctx, {'instance_uuid': uuid})]
    for consumer in consumers:
        held = ledger.allocations_for(ctx, consumer)
        if held:
            result[consumer] = {names[p]: rcs['MEMORY_MB'] for p, rcs in held.items()}
    return result


def assert_ledger(cloud, uuid, host):
    """Only the instance holds a claim, on ``host``; no violation."""
    assert holders(cloud, uuid) == {uuid: {host: SMALL_MB}}
    assert ledger.audit(nova_context.get_admin_context()) == []


def events_of(cloud, uuid, action='live-migration'):
    actions = cloud.get('/v2.1/servers/%s/os-instance-actions' % uuid,
                        version='2.51').json['instanceActions']
    request_id = next(item['request_id'] for item in actions if item['action'] == action)
    detail = cloud.get('/v2.1/servers/%s/os-instance-actions/%s' % (uuid, request_id),
                       version='2.51', token=ADMIN).json['instanceAction']
    return {event['event']: event['result'] for event in detail['events']}


def event_traceback(cloud, uuid, event_name, action='live-migration'):
    """The traceback of the failed ``event_name`` (administrators see it)."""
    actions = cloud.get('/v2.1/servers/%s/os-instance-actions' % uuid,
                        version='2.51').json['instanceActions']
    request_id = next(item['request_id'] for item in actions if item['action'] == action)
    detail = cloud.get('/v2.1/servers/%s/os-instance-actions/%s' % (uuid, request_id),
                       version='2.51', token=ADMIN).json['instanceAction']
    [event] = [e for e in detail['events'] if e['event'] == event_name]
    assert event['result'] == 'Error'
    return event['traceback']


def notified(event_type):
    return [message for _ctx, message, _priority, _retry in test_notifications.NOTIFICATIONS
            if message['event_type'] == event_type]


def assert_back_on_source(cloud, uuid, status):
    """The migration ended in ``status`` and the server is ACTIVE on its
    source with its guest, its claims as before the move."""
    source, dest = HOSTS
    migration_ended(cloud, uuid, status)
    server = settled(cloud, uuid)
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert uuid in guests(cloud, source) and uuid not in guests(cloud, dest)
    wait_for(lambda: not cloud.computes[dest].manager.driver.incoming,
             what='the destination to clean up')
    assert_ledger(cloud, uuid, source)


# --- happy paths ----------------------------------------------------------------------

def test_live_migration_to_a_named_host(running):
    source, dest = HOSTS
    uuid = boot(running)
    booted_at = guests(running, source)[uuid]['started_at']
    live_migrate(running, uuid)
    migration = migration_ended(running, uuid, 'completed')
    server = settled(running, uuid)
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    assert server['OS-EXT-STS:power_state'] == 1
    assert (migration['migration_type'], migration['source_compute'],
            migration['dest_compute']) == ('live-migration', source, dest)
    # The guest kept running: the same start, no new boot on its console.
    guest = guests(running, dest)[uuid]
    assert guest['started_at'] == booted_at
    assert [line for line in guest['console'] if 'booted' in line] == [
        'fake console: booted %s' % uuid]
    assert uuid not in guests(running, source)
    assert_ledger(running, uuid, dest)
    # The source finishes its event once the destination has taken the server.
    wait_for(lambda: events_of(running, uuid)['compute_live_migration'],
             what="the source's live migration event to finish")
    assert events_of(running, uuid) == {
        'conductor_live_migrate_instance': 'Success',
        'compute_check_can_live_migrate_destination': 'Success',
        'compute_pre_live_migration': 'Success', 'compute_live_migration': 'Success',
        'compute_post_live_migration_at_destination': 'Success'}
    for event_type in ('instance.live_migration_pre.start', 'instance.live_migration_pre.end',
                       'instance.live_migration_post.start',
                       'instance.live_migration_post.end',
                       'instance.live_migration_post_dest.start',
                       'instance.live_migration_post_dest.end'):
        assert notified(event_type), event_type
    hypervisors = running.get('/v2.1/os-hypervisors/detail', version='2.28').json
    used = {h['service']['host']: h['memory_mb_used'] for h in hypervisors['hypervisors']}
    wait_for(lambda: {h['service']['host']: h['memory_mb_used'] for h in running.get(
        '/v2.1/os-hypervisors/detail', version='2.28').json['hypervisors']}[dest]
        > used[source], what='the usage to move')


def test_scheduler_chooses_the_destination_and_a_paused_server_moves(running):
    uuid = boot(running)
    running.post('/v2.1/servers/%s/action' % uuid, {'pause': None}, token=ADMIN,
                 status=202)
    settled(running, uuid, 'PAUSED')
    live_migrate(running, uuid, host=None, version='2.25', block_migration=False,
                 )
    migration_ended(running, uuid, 'completed')
    server = settled(running, uuid, 'PAUSED')
    assert server['OS-EXT-SRV-ATTR:host'] == HOSTS[1]
    assert_ledger(running, uuid, HOSTS[1])


# --- refusals -------------------------------------------------------------------------

def test_api_refusals(running):
    uuid = boot(running)
    assert fault_message(live_migrate(running, uuid, host=HOSTS[0], status=400)) == \
        "The target host can't be the same one."
    assert 'nowhere' in fault_message(live_migrate(running, uuid, host='nowhere',
                                                   status=400))
    live_migrate(running, uuid, host=None, status=400, version='2.30', force=True)
    live_migrate(running, uuid, status=400, version='2.68', force=True)  # no force any more
    live_migrate(running, uuid, status=400, version='2.24')  # "auto" only from 2.25
    live_migrate(running, uuid, status=400, disk_over_commit=False)  # gone in 2.25
    live_migrate(running, uuid, version='2.24', block_migration=False, disk_over_commit=False,
                 status=202)
    migration_ended(running, uuid, 'completed')
    settled(running, uuid)
    live_migrate(running, uuid, host=HOSTS[1], status=400)  # it is there now
    live_migrate(running, '00000000-0000-0000-0000-000000000000', status=404)
    running.post('/v2.1/servers/%s/action' % uuid, {'os-stop': None}, token=ADMIN,
                 status=202)
    settled(running, uuid, 'SHUTOFF')
    assert 'vm_state stopped' in fault_message(live_migrate(running, uuid, host=HOSTS[0],
                                                            status=409))
    assert migration_of(running, uuid)['status'] == 'completed'
    assert_ledger(running, uuid, HOSTS[1])


def test_only_administrators_live_migrate(running):
    server = {'name': 'mine', 'imageRef': running.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    uuid = running.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                        status=202).json['server']['id']
    host = settled(running, uuid)['OS-EXT-SRV-ATTR:host']
    live_migrate(running, uuid, host=None, status=403, token=DEMO)
    assert migration_of(running, uuid) == {}
    assert_ledger(running, uuid, host)


def test_destination_service_down_is_refused_by_the_conductor(running):
    uuid = boot(running)
    [service] = running.get('/v2.1/os-services?binary=nova-compute&host=%s' % HOSTS[1],
                            token=ADMIN, version='2.53').json['services']
    running.put('/v2.1/os-services/%s' % service['id'], {'forced_down': True},
                token=ADMIN, version='2.53', status=200)
    live_migrate(running, uuid)
    migration_ended(running, uuid, 'error')
    assert settled(running, uuid)['OS-EXT-SRV-ATTR:host'] == HOSTS[0]
    assert events_of(running, uuid)['conductor_live_migrate_instance'] == 'Error'
    assert_ledger(running, uuid, HOSTS[0])


@pytest.mark.parametrize('operation', ['check_can_live_migrate_destination',
                                       'check_can_live_migrate_source'])
def test_a_driver_check_refuses(running, operation):
    uuid = boot(running)
    CONF.set_override('fail_operations', [operation], group='fake_driver')
    live_migrate(running, uuid)
    migration_ended(running, uuid, 'error')
    assert settled(running, uuid)['OS-EXT-SRV-ATTR:host'] == HOSTS[0]
    events = events_of(running, uuid)
    assert events['conductor_live_migrate_instance'] == 'Error'
    assert events['compute_check_can_live_migrate_destination'] == 'Error'
    assert_ledger(running, uuid, HOSTS[0])


# --- failures after the checks ----------------------------------------------------------

@pytest.mark.parametrize('operation,status', [('pre_live_migration', 'error'),
                                              ('live_migration', 'failed')])
def test_a_failure_rolls_back_to_the_source(running, operation, status):
    uuid = boot(running)
    CONF.set_override('fail_operations', [operation], group='fake_driver')
    live_migrate(running, uuid)
    assert_back_on_source(running, uuid, status)
    assert 'Injected %s failure' % operation in event_traceback(
        running, uuid, 'compute_live_migration')
    assert notified('instance.live_migration_rollback.end')
    assert notified('instance.live_migration_rollback_dest.end')


def test_a_failure_at_the_destination_after_the_move_is_error_there(running):
    source, dest = HOSTS
    uuid = boot(running)
    CONF.set_override('fail_operations', ['post_live_migration_at_destination'],
                      group='fake_driver')
    live_migrate(running, uuid)
    migration_ended(running, uuid, 'error')
    server = settled(running, uuid, 'ERROR')
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    assert uuid not in guests(running, source)
    assert_ledger(running, uuid, dest)


# --- in progress: list, abort, force_complete, timeout -----------------------------------

def _running_migration(cloud, uuid):
    def check():
        found = cloud.get('/v2.1/servers/%s/migrations' % uuid, token=ADMIN,
                          version='2.24').json['migrations']
        return found and found[0]['status'] == 'running' and found[0]
    return wait_for(check, what='a running live migration')


def test_abort_a_running_live_migration(running):
    CONF.set_override('live_migration_seconds', 30, group='fake_driver')
    uuid = boot(running)
    other = boot(running)
    live_migrate(running, uuid)
    listed = _running_migration(running, uuid)
    assert (listed['server_uuid'], listed['dest_compute']) == (uuid, HOSTS[1])
    shown = running.get('/v2.1/servers/%s/migrations/%s' % (uuid, listed['id']),
                        token=ADMIN, version='2.24').json['migration']
    assert shown['id'] == listed['id']
    # During the move: the instance holds the destination, the migration the source.
    migration = migration_of(running, uuid)
    assert holders(running, uuid) == {uuid: {HOSTS[1]: SMALL_MB},
                                      migration['uuid']: {HOSTS[0]: SMALL_MB}}
    path = '/v2.1/servers/%s/migrations/%%s' % uuid
    running.delete(path % listed['id'], token=ADMIN, version='2.23', status=404)
    running.delete(path % 99999, token=ADMIN, version='2.24', status=404)
    running.delete('/v2.1/servers/%s/migrations/%s' % (other, listed['id']), token=ADMIN,
                   version='2.24', status=409)
    running.delete(path % listed['id'], token=ADMIN, version='2.24', status=202)
    assert_back_on_source(running, uuid, 'cancelled')
    assert running.get('/v2.1/servers/%s/migrations' % uuid, token=ADMIN,
                       version='2.24').json['migrations'] == []
    resp = running.delete(path % listed['id'], token=ADMIN, version='2.24', status=409)
    assert 'task_state None' in fault_message(resp)


def test_force_complete_finishes_the_migration(running):
    CONF.set_override('live_migration_seconds', 60, group='fake_driver')
    uuid = boot(running)
    live_migrate(running, uuid)
    listed = _running_migration(running, uuid)
    path = '/v2.1/servers/%s/migrations/%s/action' % (uuid, listed['id'])
    running.post(path, {'force_complete': None}, token=ADMIN, version='2.21', status=404)
    running.post(path, {'force_complete': {}}, token=ADMIN, version='2.22', status=400)
    running.post(path, {'force_complete': None}, token=ADMIN, version='2.22', status=202)
    migration_ended(running, uuid, 'completed')
    assert settled(running, uuid)['OS-EXT-SRV-ATTR:host'] == HOSTS[1]
    assert_ledger(running, uuid, HOSTS[1])
    resp = running.post(path, {'force_complete': None}, token=ADMIN, version='2.22',
                        status=409)
    assert 'task_state None' in fault_message(resp)


def test_completion_timeout_aborts(running):
    CONF.set_override('live_migration_seconds', 60, group='fake_driver')
    CONF.set_override('live_migration_completion_timeout', 1, group='libvirt')
    uuid = boot(running)
    live_migrate(running, uuid)
    assert_back_on_source(running, uuid, 'failed')
    assert 'no completion in 1 seconds' in event_traceback(running, uuid,
                                                           'compute_live_migration')


# --- progress figures (2.23) and aborting a migration not running yet (2.65) ------------

def _migration_in(cloud, uuid, status):
    """The server's in-progress live migration once it is ``status``."""
    def check():
        found = cloud.get('/v2.1/servers/%s/migrations' % uuid, token=ADMIN,
                          version='2.80').json['migrations']
        return found and found[0]['status'] == status and found[0]
    return wait_for(check, what='a %s live migration' % status)


def test_a_running_migration_shows_its_progress(running):
    CONF.set_override('live_migration_seconds', 30, group='fake_driver')
    uuid = boot(running)
    live_migrate(running, uuid)
    listed = _migration_in(running, uuid, 'running')
    path = '/v2.1/servers/%s/migrations/%s' % (uuid, listed['id'])

    def sent_some():
        shown = running.get(path, token=ADMIN, version='2.23').json['migration']
        return (shown['memory_processed_bytes'] or 0) > 0 and shown
    shown = wait_for(sent_some, what='memory sent')
    total = SMALL_MB * 1024 * 1024
    assert shown['memory_total_bytes'] == total
    assert shown['memory_processed_bytes'] + shown['memory_remaining_bytes'] == total
    assert shown['memory_remaining_bytes'] > 0
    assert (shown['disk_total_bytes'], shown['disk_processed_bytes'],
            shown['disk_remaining_bytes']) == (0, 0, 0)
    # The figures move on while it runs.
    wait_for(lambda: running.get(path, token=ADMIN, version='2.23').json['migration'][
        'memory_processed_bytes'] > shown['memory_processed_bytes'], what='more memory sent')
    assert show(running, uuid)['progress'] > 0
    running.delete(path, token=ADMIN, version='2.24', status=202)
    assert_back_on_source(running, uuid, 'cancelled')


def test_abort_a_queued_live_migration(running):
    """The source compute holds the instance (its lock): the migration
    stays ``queued``. Before 2.65 it cannot be aborted (400); from 2.65 it
    is cancelled when the source gets it, before the destination prepared
    anything."""
    source, dest = HOSTS
    uuid = boot(running)
    with instance_lock.locked(uuid):
        live_migrate(running, uuid)
        migration = wait_for(lambda: migration_of(running, uuid).get('dest_node')
                             and migration_of(running, uuid), what='the destination chosen')
        assert migration['status'] == 'queued'
        path = '/v2.1/servers/%s/migrations/%s' % (uuid, migration['id'])
        assert "is queued. Cannot abort live migration" in fault_message(
            running.delete(path, token=ADMIN, version='2.64', status=400))
        running.delete(path, token=ADMIN, version='2.65', status=202)
        # The source compute got the abort (a cast) before it gets the migration.
        wait_for(lambda: notified('instance.live_migration_abort.end'),
                 what='the abort to reach the source')
        # Nothing happens while the source cannot take it.
        assert migration_of(running, uuid)['status'] == 'queued'
        assert holders(running, uuid) == {uuid: {dest: SMALL_MB},
                                          migration['uuid']: {source: SMALL_MB}}
    assert_back_on_source(running, uuid, 'cancelled')
    events = events_of(running, uuid)
    assert 'compute_pre_live_migration' not in events
    assert events['compute_live_migration'] == 'Error'
    assert show(running, uuid).get('fault') is None
    actions = running.get('/v2.1/servers/%s/os-instance-actions' % uuid, token=ADMIN,
                          version='2.51').json['instanceActions']
    assert 'live_migration_cancel' in [action['action'] for action in actions]


def test_abort_a_preparing_live_migration(running):
    CONF.set_override('pre_live_migration_seconds', 3, group='fake_driver')
    uuid = boot(running)
    live_migrate(running, uuid)
    listed = _migration_in(running, uuid, 'preparing')
    path = '/v2.1/servers/%s/migrations/%s' % (uuid, listed['id'])
    assert 'is preparing' in fault_message(
        running.delete(path, token=ADMIN, version='2.64', status=400))
    running.delete(path, token=ADMIN, version='2.65', status=202)
    assert_back_on_source(running, uuid, 'cancelled')
    assert notified('instance.live_migration_rollback_dest.end')
    assert events_of(running, uuid)['compute_pre_live_migration'] == 'Success'


def test_a_server_reset_before_the_source_starts_is_not_moved(running):
    """The source writes ``preparing`` while the destination prepares: when
    the server stopped migrating meanwhile (here an administrator's reset
    while the source waited for the instance's lock), the destination's
    preparation is undone, the migration ends ``error`` and the claims are
    as before the move; the guest never leaves."""
    source, dest = HOSTS
    uuid = boot(running)
    with instance_lock.locked(uuid):
        live_migrate(running, uuid)
        wait_for(lambda: migration_of(running, uuid).get('dest_node'),
                 what='the destination chosen')
        running.post('/v2.1/servers/%s/action' % uuid, {'os-resetState': {'state': 'active'}},
                     token=ADMIN, version=VERSION, status=202)
        assert show(running, uuid)['OS-EXT-STS:task_state'] is None
    migration_ended(running, uuid, 'error')
    wait_for(lambda: not running.computes[dest].manager.driver.incoming,
             what='the destination to clean up')
    assert uuid in guests(running, source) and uuid not in guests(running, dest)
    assert show(running, uuid)['OS-EXT-SRV-ATTR:host'] == source
    assert_ledger(running, uuid, source)


# --- another destination when the scheduler's choice refuses ---------------------------

THREE_HOSTS = HOSTS + ['lm-host3']


@pytest.fixture
def three_hosts(cloud):
    with computes_on_hosts(cloud, THREE_HOSTS):
        yield cloud


def _first_check_refused(cloud):
    """The first destination check on lm-host2 or lm-host3, whichever the
    scheduler picks first, refuses (as a CPU comparison would); returns
    [the refusing host]."""
    refused = []

    def refusing(host, check):
        def check_destination(context, instance, block_migration):
            if not refused:
                refused.append(host)
                raise exception.MigrationPreCheckError(reason='CPU of %s differs' % host)
            return check(context, instance, block_migration)
        return check_destination

    for host in THREE_HOSTS[1:]:
        driver = cloud.computes[host].manager.driver
        driver.check_can_live_migrate_destination = refusing(
            host, driver.check_can_live_migrate_destination)
    return refused


def check_events(cloud, uuid):
    detail_events = []
    actions = cloud.get('/v2.1/servers/%s/os-instance-actions' % uuid,
                        version='2.51').json['instanceActions']
    request_id = next(item['request_id'] for item in actions
                      if item['action'] == 'live-migration')
    detail = cloud.get('/v2.1/servers/%s/os-instance-actions/%s' % (uuid, request_id),
                       version='2.62', token=ADMIN).json['instanceAction']
    for event in detail['events']:
        if event['event'] == 'compute_check_can_live_migrate_destination':
            detail_events.append((event['host'], event['result']))
    return sorted(detail_events)


def test_a_refusing_destination_chosen_by_the_scheduler_is_replaced(three_hosts):
    uuid = boot(three_hosts)
    refused = _first_check_refused(three_hosts)
    live_migrate(three_hosts, uuid, host=None)
    migration = migration_ended(three_hosts, uuid, 'completed')
    [other] = set(THREE_HOSTS[1:]) - set(refused)
    assert migration['dest_compute'] == other
    server = settled(three_hosts, uuid)
    assert server['OS-EXT-SRV-ATTR:host'] == other
    assert uuid in guests(three_hosts, other)
    assert_ledger(three_hosts, uuid, other)
    assert check_events(three_hosts, uuid) == sorted([(refused[0], 'Error'),
                                                      (other, 'Success')])
    assert events_of(three_hosts, uuid)['conductor_live_migrate_instance'] == 'Success'


def test_no_retry_when_the_operator_allows_none(three_hosts):
    CONF.set_override('migrate_max_retries', 0)
    uuid = boot(three_hosts)
    refused = _first_check_refused(three_hosts)
    live_migrate(three_hosts, uuid, host=None)
    migration = migration_ended(three_hosts, uuid, 'error')
    assert migration['dest_compute'] == refused[0]
    server = settled(three_hosts, uuid)
    assert server['OS-EXT-SRV-ATTR:host'] == HOSTS[0]
    assert_ledger(three_hosts, uuid, HOSTS[0])
    assert events_of(three_hosts, uuid)['conductor_live_migrate_instance'] == 'Error'


def test_a_named_host_that_refuses_is_not_replaced(three_hosts):
    uuid = boot(three_hosts)
    refused = _first_check_refused(three_hosts)
    live_migrate(three_hosts, uuid, host=HOSTS[1])
    migration_ended(three_hosts, uuid, 'error')
    assert refused == [HOSTS[1]]
    assert settled(three_hosts, uuid)['OS-EXT-SRV-ATTR:host'] == HOSTS[0]
    assert_ledger(three_hosts, uuid, HOSTS[0])
