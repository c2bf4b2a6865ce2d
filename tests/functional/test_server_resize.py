"""Resize, cold migration, confirm, revert and the automatic confirmation
through the whole in-process stack (API, conductor, scheduler, one fake
compute per host): the states and flavors a server goes through, the
migration record, the two claims in the ledger during a move and which
one every outcome frees, the 400/403/409s, and a failure injected at
each step with the ledger checked afterwards."""
from oslo_messaging.notify import _impl_test as test_notifications
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common.db.api import request_specs
from nova_compute import startup
from nova_compute import vifs
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import settled
from tests.functional.cloud_helpers import show
from tests.functional.cloud_helpers import wait_for
from tests.functional.network import helpers as network_helpers

VERSION = '2.90'
HOSTS = ['rz-host1', 'rz-host2']
ADMIN = 'admin:admin'
DEMO = 'demo:demo'
RUNNING, SHUTDOWN = 1, 4


EXTRA_FLAVORS = ({'name': 'big', 'ram': 1024, 'vcpus': 2, 'disk': 2, 'id': 'big'},
                 {'name': 'flat', 'ram': 1024, 'vcpus': 1, 'disk': 0, 'id': 'flat'})


@pytest.fixture
def running(cloud):
    """The cloud with one compute (one fake node of 4 GB) per host, the
    flavor ``small`` (512 MB, 1 vCPU, 1 GB), ``big`` (1024 MB, 2 vCPUs,
    2 GB) and ``flat`` (1024 MB, 1 vCPU, 0 GB disk)."""
    with computes_on_hosts(cloud, HOSTS, flavors=EXTRA_FLAVORS):
        yield cloud


def boot(cloud, name='vm'):
    server = {'name': name, 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                      status=202).json['server']['id']
    settled(cloud, uuid, 'ACTIVE')
    return uuid


def act(cloud, uuid, body, token=DEMO, status=202, version=VERSION):
    return cloud.post('/v2.1/servers/%s/action' % uuid, body, token=token, version=version,
                      status=status)


def host_of(cloud, uuid):
    return show(cloud, uuid)['OS-EXT-SRV-ATTR:host']


def other(host):
    return HOSTS[1 - HOSTS.index(host)]


def guests(cloud, host):
    return cloud.computes[host].manager.driver.guests


def migration_of(cloud, uuid):
    """The instance's latest migration ({} before there is one)."""
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
        found = migrations.list(cctx, {'instance_uuid': uuid}, limit=1)
    return found[0] if found else {}


def spec_flavor(cloud, uuid):
    return request_specs.get(nova_context.get_admin_context(), uuid)['flavor']['name']


def usage_by_host(cloud):
    """{host: MEMORY_MB used} from the ledger."""
    ctx = nova_context.get_admin_context()
    names = {p['uuid']: p['host'] for p in ledger.providers(ctx)}
    return {names[uuid]: usage.get('MEMORY_MB', 0)
            for uuid, usage in ledger.usages(ctx).items()}


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


def notified(event_type):
    return [message for _ctx, message, _priority, _retry in test_notifications.NOTIFICATIONS
            if message['event_type'] == event_type]


def events_of(cloud, uuid, action):
    actions = cloud.get('/v2.1/servers/%s/os-instance-actions' % uuid,
                        version='2.51').json['instanceActions']
    request_id = next(item['request_id'] for item in actions if item['action'] == action)
    detail = cloud.get('/v2.1/servers/%s/os-instance-actions/%s' % (uuid, request_id),
                       version='2.51').json['instanceAction']
    return {event['event']: event['result'] for event in detail['events']}


def resized(cloud, uuid, flavor='big'):
    act(cloud, uuid, {'resize': {'flavorRef': flavor}})
    return settled(cloud, uuid, 'VERIFY_RESIZE')


# --- happy paths --------------------------------------------------------------------

def test_resize_then_confirm(running):
    uuid = boot(running)
    source = host_of(running, uuid)
    server = resized(running, uuid)
    dest = other(source)
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    assert server['flavor']['original_name'] == 'big'
    assert show(running, uuid, version='2.46')['flavor']['id'] == 'big'
    assert server['OS-EXT-STS:vm_state'] == 'resized'
    assert guests(running, dest)[uuid]['memory_mb'] == 1024
    assert guests(running, source)[uuid]['power_state'] == SHUTDOWN
    migration = migration_of(running, uuid)
    assert (migration['status'], migration['migration_type']) == ('finished', 'resize')
    assert (migration['source_compute'], migration['dest_compute']) == (source, dest)
    # The destination claim is the instance's, the source one the migration's.
    assert holders(running, uuid) == {uuid: {dest: 1024}, migration['uuid']: {source: 512}}

    act(running, uuid, {'confirmResize': None})
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == dest and server['flavor']['original_name'] == 'big'
    assert uuid not in guests(running, source)
    assert migration_of(running, uuid).get('status') == 'confirmed'
    assert holders(running, uuid) == {uuid: {dest: 1024}}
    assert usage_by_host(running) == {source: 0, dest: 1024}
    assert spec_flavor(running, uuid) == 'big'
    assert events_of(running, uuid, 'resize') == {
        'cold_migrate': 'Success', 'compute_prep_resize': 'Success',
        'compute_resize_instance': 'Success', 'compute_finish_resize': 'Success'}
    assert events_of(running, uuid, 'confirmResize') == {'compute_confirm_resize': 'Success'}
    for event_type in ('instance.resize_prep.start', 'instance.resize_prep.end',
                       'instance.resize.start', 'instance.resize.end',
                       'instance.finish_resize.start', 'instance.finish_resize.end',
                       'instance.resize_confirm.start', 'instance.resize_confirm.end'):
        assert notified(event_type), event_type


def test_resize_then_revert(running):
    uuid = boot(running)
    source = host_of(running, uuid)
    resized(running, uuid)
    act(running, uuid, {'revertResize': None})
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert server['flavor']['original_name'] == 'small'
    assert guests(running, source)[uuid]['power_state'] == RUNNING
    assert uuid not in guests(running, other(source))
    assert migration_of(running, uuid)['status'] == 'reverted'
    assert holders(running, uuid) == {uuid: {source: 512}}
    assert usage_by_host(running) == {source: 512, other(source): 0}
    assert notified('instance.resize_revert.end')
    assert spec_flavor(running, uuid) == 'small'


def test_delete_while_waiting_frees_both_hosts(running):
    uuid = boot(running)
    source = host_of(running, uuid)
    resized(running, uuid)
    running.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to disappear')
    wait_for(lambda: not any(usage_by_host(running).values()), what='both claims freed')
    wait_for(lambda: uuid not in guests(running, source), what='the source copy removed')
    assert uuid not in guests(running, other(source))
    assert migration_of(running, uuid) == {}  # deleted with its instance


def test_stopped_server_stays_stopped(running):
    uuid = boot(running)
    act(running, uuid, {'os-stop': None})
    settled(running, uuid, 'SHUTOFF')
    server = resized(running, uuid)
    assert server['OS-EXT-STS:power_state'] == SHUTDOWN
    act(running, uuid, {'confirmResize': None})
    assert settled(running, uuid, 'SHUTOFF')['flavor']['original_name'] == 'big'


def test_cold_migration_to_a_host(running):
    uuid = boot(running)
    source = host_of(running, uuid)
    act(running, uuid, {'migrate': {'host': other(source)}}, token=ADMIN, version='2.56')
    server = settled(running, uuid, 'VERIFY_RESIZE')
    assert server['OS-EXT-SRV-ATTR:host'] == other(source)
    assert server['flavor']['original_name'] == 'small'
    assert migration_of(running, uuid)['migration_type'] == 'migration'
    act(running, uuid, {'confirmResize': None})
    settled(running, uuid, 'ACTIVE')
    assert usage_by_host(running) == {source: 0, other(source): 512}


def test_resize_to_same_host_when_allowed(running):
    CONF.set_override('allow_resize_to_same_host', True)
    uuid = boot(running)
    source = host_of(running, uuid)
    act(running, uuid, {'resize': {'flavorRef': 'big'}}, token=DEMO)
    settled(running, uuid, 'VERIFY_RESIZE')
    # Both claims are counted while the move waits, wherever it went.
    assert sum(usage_by_host(running).values()) == 512 + 1024
    act(running, uuid, {'revertResize': None})
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert guests(running, source)[uuid]['memory_mb'] == 512
    assert usage_by_host(running)[source] == 512


def test_auto_confirm_after_the_window(running):
    uuid = boot(running)
    resized(running, uuid)
    CONF.set_override('resize_confirm_window', 1)
    dest = host_of(running, uuid)
    manager = running.computes[dest].manager

    def confirmed():
        manager.confirm_waiting_resizes(nova_context.get_admin_context())
        return migration_of(running, uuid).get('status') == 'confirmed'
    wait_for(confirmed, what='the automatic confirmation')
    settled(running, uuid, 'ACTIVE')
    assert holders(running, uuid) == {uuid: {dest: 1024}}


# --- bad requests ---------------------------------------------------------------

def _message(response, key='badRequest'):
    return response.json[key]['message']


def test_bad_resizes(running):
    uuid = boot(running)
    assert _message(act(running, uuid, {'resize': {'flavorRef': 'small'}}, status=400)) == \
        'When resizing, instances must change flavor!'
    assert _message(act(running, uuid, {'resize': {'flavorRef': 'flat'}}, status=400)) == \
        'Resize error: Unable to resize disk down.'
    assert 'could not be found' in _message(
        act(running, uuid, {'resize': {'flavorRef': 'nope'}}, status=400))
    act(running, uuid, {'resize': {}}, status=400)
    act(running, uuid, {'resize': {'flavorRef': 'big', 'extra': 1}}, status=400)
    assert _message(act(running, uuid, {'confirmResize': None}, status=409),
                    'conflictingRequest').startswith("Cannot 'confirmResize' instance")
    assert _message(act(running, uuid, {'revertResize': None}, status=409),
                    'conflictingRequest').startswith("Cannot 'revertResize' instance")
    server = show(running, uuid)
    assert server['status'] == 'ACTIVE' and server['OS-EXT-STS:task_state'] is None
    with nova_context.target_cell(running.admin_context, running.cell1) as cctx:
        assert migrations.list(cctx, {'instance_uuid': uuid}) == []


def test_resize_over_quota_is_403(running):
    uuid = boot(running)
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'cores': 1}}, status=200)
    assert 'Quota exceeded for cores' in _message(
        act(running, uuid, {'resize': {'flavorRef': 'big'}}, status=403), 'forbidden')
    assert show(running, uuid)['OS-EXT-STS:task_state'] is None


def test_migrate_is_for_admins_and_checks_its_host(running):
    uuid = boot(running)
    source = host_of(running, uuid)
    act(running, uuid, {'migrate': None}, status=403)
    act(running, uuid, {'migrate': {'host': 'nowhere'}}, token=ADMIN, version='2.56',
        status=400)
    assert _message(act(running, uuid, {'migrate': {'host': source}}, token=ADMIN,
                        version='2.56', status=400)) == "The target host can't be the same one."
    assert show(running, uuid)['OS-EXT-STS:task_state'] is None
    act(running, uuid, {'migrate': {'host': {}}}, token=ADMIN, version='2.56', status=400)


def test_no_valid_host_leaves_the_server_as_it_was(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 8192, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    uuid = boot(running)
    source = host_of(running, uuid)
    act(running, uuid, {'resize': {'flavorRef': 'huge'}})
    wait_for(lambda: migration_of(running, uuid).get('status') == 'error', what='the error')
    server = settled(running, uuid, 'ACTIVE')
    assert server['flavor']['original_name'] == 'small'
    assert holders(running, uuid) == {uuid: {source: 512}}
    assert events_of(running, uuid, 'resize') == {'cold_migrate': 'Error'}


# --- failures at each step -----------------------------------------------------------

@pytest.mark.parametrize('operation', ['prepare_migration_target',
                                       'migrate_disk_and_power_off', 'finish_migration'])
def test_a_failed_step_goes_back_to_the_source(running, operation):
    uuid = boot(running)
    source = host_of(running, uuid)
    CONF.set_override('fail_operations', [operation], group='fake_driver')
    act(running, uuid, {'resize': {'flavorRef': 'big'}})
    wait_for(lambda: migration_of(running, uuid).get('status') == 'error', what='the error')
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert server['flavor']['original_name'] == 'small'
    assert guests(running, source)[uuid]['power_state'] == RUNNING
    assert uuid not in guests(running, other(source))
    assert holders(running, uuid) == {uuid: {source: 512}}
    assert usage_by_host(running) == {source: 512, other(source): 0}
    assert not ledger.audit(nova_context.get_admin_context())
    wait_for(lambda: spec_flavor(running, uuid) == 'small', what='the spec flavor back')


def test_a_failed_confirm_is_error_with_the_source_claim_freed(running):
    uuid = boot(running)
    resized(running, uuid)
    dest = host_of(running, uuid)
    CONF.set_override('fail_operations', ['confirm_migration'], group='fake_driver')
    act(running, uuid, {'confirmResize': None})
    server = settled(running, uuid, 'ERROR')
    assert server['fault']['message'] == 'Injected confirm_migration failure'
    assert migration_of(running, uuid).get('status') == 'error'
    assert holders(running, uuid) == {uuid: {dest: 1024}}


def test_a_failed_revert_is_error_on_the_source_with_its_claim(running):
    uuid = boot(running)
    source = host_of(running, uuid)
    resized(running, uuid)
    CONF.set_override('fail_operations', ['finish_revert_migration'], group='fake_driver')
    act(running, uuid, {'revertResize': None})
    server = settled(running, uuid, 'ERROR')
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert migration_of(running, uuid).get('status') == 'error'
    assert holders(running, uuid) == {uuid: {source: 512}}


def test_a_source_restarted_mid_move_takes_the_server_back(running):
    """What the super-conductor and resize_instance had done when the
    source compute stopped: the migration holding the source claim, the
    instance claiming the destination, task_state resize_migrating, the
    guest powered off. The compute's start-up repair undoes it."""
    uuid = boot(running)
    source = host_of(running, uuid)
    manager = running.computes[source].manager
    ctx = nova_context.get_admin_context()
    dest_node = next(p['uuid'] for p in ledger.providers(ctx) if p['host'] == other(source))
    with nova_context.target_cell(running.admin_context, running.cell1) as cctx:
        migration = migrations.create(cctx, {
            'instance_uuid': uuid, 'source_compute': source, 'source_node': source,
            'dest_compute': other(source), 'dest_node': other(source), 'status': 'migrating',
            'migration_type': 'resize'})
        instances.update(cctx, uuid, {'task_state': 'resize_migrating'})
    ledger.move_allocations(ctx, uuid, migration['uuid'])
    assert ledger.claim(ctx, uuid, dest_node, {'MEMORY_MB': 1024})
    manager.driver.migrate_disk_and_power_off(ctx, {'uuid': uuid}, other(source), {})

    startup.repair(ctx, source, manager.driver, manager.conductor_api)
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert guests(running, source)[uuid]['power_state'] == RUNNING
    assert migration_of(running, uuid)['status'] == 'error'
    assert holders(running, uuid) == {uuid: {source: 512}}


# --- host networking follows the server -----------------------------------------------

@pytest.fixture
def unplugs(monkeypatch):
    """The (host, instance) pairs vifs.unplug is called for (the fake
    driver builds no host side: this is what a plumbing host would remove)."""
    calls = []
    real = vifs.unplug

    def recording(driver, instance_uuid):
        calls.append((driver.host, instance_uuid))
        return real(driver, instance_uuid)
    monkeypatch.setattr(vifs, 'unplug', recording)
    return calls


def boot_on_network(cloud):
    """A server with one port on a new network; its port (admin view)."""
    network = network_helpers.network(cloud, name='net-move')
    network_helpers.subnet(cloud, network['id'])
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': [{'uuid': network['id']}]}
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                      status=202).json['server']['id']
    settled(cloud, uuid, 'ACTIVE')
    [port] = ports_of(cloud, uuid)
    return uuid, port


def ports_of(cloud, uuid):
    return network_helpers.call(cloud, 'GET', '/ports?device_id=%s' % uuid,
                                token=ADMIN).json['ports']


def assert_networked_only_on(cloud, uuid, port, host):
    """The guest (with the port's NIC) and the port's binding are on
    ``host`` only."""
    nic = (port['mac_address'], 'tap' + port['id'][:11], 'brq' + port['network_id'][:11])
    assert guests(cloud, host)[uuid]['interfaces'] == [nic]
    assert uuid not in guests(cloud, other(host))
    assert [p['binding:host_id'] for p in ports_of(cloud, uuid)] == [host]


@pytest.mark.parametrize('body,token', [({'resize': {'flavorRef': 'big'}}, DEMO),
                                        ({'migrate': None}, ADMIN)])
def test_confirmed_move_plugs_the_destination_and_unplugs_the_source(running, unplugs,
                                                                       body, token):
    uuid, port = boot_on_network(running)
    source = host_of(running, uuid)
    assert port['binding:host_id'] == source
    act(running, uuid, body, token=token)
    assert settled(running, uuid, 'VERIFY_RESIZE')['OS-EXT-SRV-ATTR:host'] == other(source)
    nic = (port['mac_address'], 'tap' + port['id'][:11], 'brq' + port['network_id'][:11])
    assert guests(running, other(source))[uuid]['interfaces'] == [nic]
    assert [p['binding:host_id'] for p in ports_of(running, uuid)] == [other(source)]
    assert unplugs == [], 'the source keeps its networking until the confirmation'
    act(running, uuid, {'confirmResize': None})
    settled(running, uuid, 'ACTIVE')
    assert_networked_only_on(running, uuid, port, other(source))
    assert unplugs == [(source, uuid)]


def test_reverted_resize_unplugs_the_destination_and_rebinds_the_source(running, unplugs):
    uuid, port = boot_on_network(running)
    source = host_of(running, uuid)
    resized(running, uuid)
    act(running, uuid, {'revertResize': None})
    settled(running, uuid, 'ACTIVE')
    assert_networked_only_on(running, uuid, port, source)
    assert unplugs == [(other(source), uuid)]


def test_a_failed_finish_unplugs_the_destination(running, unplugs):
    uuid, port = boot_on_network(running)
    source = host_of(running, uuid)
    CONF.set_override('fail_operations', ['finish_migration'], group='fake_driver')
    act(running, uuid, {'resize': {'flavorRef': 'big'}})
    wait_for(lambda: migration_of(running, uuid).get('status') == 'error',
             what='the failed move to end')
    settled(running, uuid, 'ACTIVE')
    assert_networked_only_on(running, uuid, port, source)
    assert unplugs == [(other(source), uuid)]
