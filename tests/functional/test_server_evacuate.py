"""Evacuation through the real API, conductor, scheduler and two fake
computes over the in-memory transport: a server of a host whose compute is
forced down or missed its heartbeats is rebuilt on the other host, the
ledger holds its claim on both hosts until the source compute comes back,
destroys its stale guest (and no other) and frees the source's part; the
refusals (source up, bad hosts, bad bodies, wrong state), no valid host,
a forced host that cannot hold it, a spawn that fails on the destination,
and 2.95's stop on arrival."""
import oslo_messaging as messaging
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common.db.api import services
from nova_compute import manager as compute_manager
from nova_compute import vifs
from nova_conductor import rpcapi as conductor_rpcapi
from tests.functional.cloud_helpers import compute_service
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import settled
from tests.functional.cloud_helpers import show
from tests.functional.cloud_helpers import wait_for
from tests.functional import compute_records as records
from tests.functional.network import helpers as network_helpers

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
VERSION = '2.90'
HOSTS = ('host1', 'host2')
RUNNING, SHUTDOWN = 1, 4
SMALL = {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}


class Compute(compute_manager.ComputeManager):
    """A compute manager whose hypervisor still has ``guests`` when it
    starts: a host that comes back after its compute service was down."""

    def __init__(self, host, guests=None):
        super().__init__(host)
        self._guests = guests or {}

    def init_host(self):
        super().init_host()
        self.driver.guests.update(self._guests)


def _service(host, guests=None):
    return compute_service(host, Compute, guests=guests)


@pytest.fixture
def running(cloud):
    """The cloud with a conductor, a scheduler and a compute (one fake
    node) on each of HOSTS; ``cloud.computes``: host -> service."""
    # Every scheduling sees the services as they are (a host forced down
    # just before is not taken from a cache that is still up to a second old).
    CONF.set_override('host_state_max_age', 0, group='scheduler')
    with computes_on_hosts(cloud, HOSTS, new_compute=_service):
        yield cloud


def boot(cloud, host, name='vm', flavor='small', token=ADMIN):
    """A server on ``host`` (administrators force it there), or where the
    scheduler puts it (``host`` None)."""
    server = {'name': name, 'imageRef': cloud.image_id, 'flavorRef': flavor,
              'networks': 'none'}
    if host:
        server['availability_zone'] = 'nova:%s' % host
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=token, version=VERSION,
                      status=202).json['server']['id']
    placed = settled(cloud, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:host']
    assert placed == (host or placed)
    return uuid


def evacuate(cloud, uuid, body=None, version=VERSION, status=200, token=ADMIN):
    return cloud.post('/v2.1/servers/%s/action' % uuid, {'evacuate': body or {}},
                      token=token, version=version, status=status)


def refusal(cloud, uuid, body, status, version=VERSION, token=ADMIN):
    resp = evacuate(cloud, uuid, body, version=version, status=status, token=token)
    return next(iter(resp.json.values()))['message']


def service_of(cloud, host):
    [found] = cloud.get('/v2.1/os-services?binary=nova-compute&host=%s' % host,
                        token=ADMIN, version='2.53').json['services']
    return found


def force_down(cloud, host, down=True, status=200):
    return cloud.put('/v2.1/os-services/%s' % service_of(cloud, host)['id'],
                     {'forced_down': down}, token=ADMIN, version='2.53', status=status)


def stop_compute(cloud, host):
    """The compute of ``host`` stops; its guests stay on the hypervisor."""
    cloud.computes[host].stop()
    return cloud.computes[host].manager.driver.guests


def restart_compute(cloud, host):
    """The compute of ``host`` starts again over the guests it had."""
    guests = dict(cloud.computes[host].manager.driver.guests)
    cloud.computes[host].stop()
    cloud.computes[host] = _service(host, guests)
    cloud.computes[host].start()
    return cloud.computes[host].manager.driver


def guests(cloud, host):
    return cloud.computes[host].manager.driver.guests


def evacuations(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return migrations.list(context, {'instance_uuid': uuid,
                                         'migration_type': 'evacuation'})


def migration_status(cloud, uuid):
    [migration] = evacuations(cloud, uuid)
    return migration['status']


def claims_by_host(cloud, uuid):
    """{host: {rc: used}} the ledger holds for ``uuid``."""
    hosts = {provider['uuid']: provider['host']
             for provider in ledger.providers(cloud.admin_context)}
    return {hosts[provider]: used for provider, used in
            ledger.allocations_for(cloud.admin_context, uuid).items()}


def fault_of(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return instances.get(context, uuid, with_fault=True)['fault']


def assert_ledger_sound(cloud):
    assert ledger.audit(cloud.admin_context) == []


def test_evacuate_after_forced_down_and_the_source_coming_back(running):
    moved = boot(running, 'host1', 'moved')
    stays = boot(running, 'host1', 'stays')
    force_down(running, 'host1')

    resp = evacuate(running, moved, {'host': 'host2'})
    assert resp.text == '', 'from 2.14 an evacuation answers without a body'
    server = settled(running, moved, 'ACTIVE')
    assert (server['OS-EXT-SRV-ATTR:host'], server['OS-EXT-SRV-ATTR:hypervisor_hostname']) \
        == ('host2', 'host2')
    assert guests(running, 'host2')[moved]['power_state'] == RUNNING
    # The record turns done right after the server (as Nova's finish_evacuation).
    wait_for(lambda: migration_status(running, moved) == 'done', what='the evacuation')
    [migration] = evacuations(running, moved)
    assert (migration['status'], migration['source_compute'], migration['source_node'],
            migration['dest_compute'], migration['dest_node']) == (
        'done', 'host1', 'host1', 'host2', 'host2')
    # Nova's way: the instance holds both hosts until the source cleans up.
    assert claims_by_host(running, moved) == {'host1': SMALL, 'host2': SMALL}
    assert moved in guests(running, 'host1'), 'the failed host still has its stale guest'
    actions = running.get('/v2.1/servers/%s/os-instance-actions' % moved,
                          token=ADMIN).json['instanceActions']
    assert 'evacuate' in [action['action'] for action in actions]
    # A host with done evacuations is not forced up before its compute restarted.
    assert '`done` evacuation migration records' in force_down(
        running, 'host1', down=False, status=400).text

    driver = restart_compute(running, 'host1')
    wait_for(lambda: migration_status(running, moved) == 'completed',
             what='the evacuation to be completed')
    assert moved not in driver.guests, 'the stale guest is destroyed'
    assert stays in driver.guests, 'a server still on the host keeps its guest'
    assert claims_by_host(running, moved) == {'host2': SMALL}
    assert claims_by_host(running, stays) == {'host1': SMALL}
    assert settled(running, stays, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert_ledger_sound(running)
    force_down(running, 'host1', down=False)


def test_evacuate_after_a_missed_heartbeat_stops_on_arrival_from_2_95(running):
    uuid = boot(running, 'host1')
    stop_compute(running, 'host1')
    CONF.set_override('service_down_time', 20)
    with nova_context.target_cell(running.admin_context, running.cell1) as context:
        record = services.get_compute_by_host(context, 'host1')
    records.set_heartbeat_age(running, running.cell1, record, 30)
    assert service_of(running, 'host1')['state'] == 'down'

    evacuate(running, uuid, version='2.95')
    server = settled(running, uuid, 'SHUTOFF')
    assert server['OS-EXT-STS:vm_state'] == 'stopped'
    assert server['OS-EXT-SRV-ATTR:host'] == 'host2', 'the scheduler chose the only other'
    assert guests(running, 'host2')[uuid]['power_state'] == SHUTDOWN
    wait_for(lambda: migration_status(running, uuid) == 'done', what='the evacuation')
    assert claims_by_host(running, uuid) == {'host1': SMALL, 'host2': SMALL}
    assert_ledger_sound(running)


def test_a_stopped_server_ends_stopped_and_the_old_answer_has_the_password(running):
    uuid = boot(running, 'host1')
    running.post('/v2.1/servers/%s/action' % uuid, {'os-stop': None}, token=ADMIN,
                 status=202)
    settled(running, uuid, 'SHUTOFF')
    force_down(running, 'host1')
    body = evacuate(running, uuid, {'onSharedStorage': False, 'adminPass': 'secret'},
                    version='2.13').json
    assert body == {'adminPass': 'secret'}
    server = settled(running, uuid, 'SHUTOFF')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host2'
    assert guests(running, 'host2')[uuid]['power_state'] == SHUTDOWN


def test_evacuate_is_refused_while_the_source_is_up_and_for_bad_requests(running,
                                                                        monkeypatch):
    uuid = boot(running, None, token=DEMO)
    source = show(running, uuid)['OS-EXT-SRV-ATTR:host']
    assert refusal(running, uuid, {}, 400) == 'Compute service of %s is still in use.' % source
    assert refusal(running, uuid, {'host': source}, 400) == \
        "The target host can't be the same one."
    assert refusal(running, uuid, {'host': 'nowhere'}, 404) == \
        'Compute host nowhere not found.'
    assert refusal(running, uuid, {'force': True}, 400, version='2.29') == \
        "Can't force to a non-provided destination"
    refusal(running, uuid, {'host': 'host2', 'force': True}, 400, version='2.68')
    refusal(running, uuid, {}, 400, version='2.13')  # onSharedStorage is required
    refusal(running, uuid, {'onSharedStorage': True}, 400, version='2.14')
    assert refusal(running, uuid, {'onSharedStorage': True, 'adminPass': 'x'}, 400,
                   version='2.13') == "admin password can't be changed on existing disk"
    assert refusal(running, uuid, {}, 403, token=DEMO) == \
        "Policy doesn't allow os_compute_api:os-evacuate to be performed."
    refusal(running, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', {}, 404)
    force_down(running, source)
    with nova_context.target_cell(running.admin_context, running.cell1) as context:
        instances.update(context, uuid, {'vm_state': 'paused'})
    assert refusal(running, uuid, {}, 409) == (
        "Cannot 'evacuate' instance %s while it is in vm_state paused" % uuid)
    assert evacuations(running, uuid) == []

    def unreachable(*args, **kwargs):
        raise messaging.MessagingTimeout('no conductor')
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'evacuate_instance', unreachable)
    with nova_context.target_cell(running.admin_context, running.cell1) as context:
        instances.update(context, uuid, {'vm_state': 'active'})
    refusal(running, uuid, {}, 503)
    assert migration_status(running, uuid) == 'error'
    server = show(running, uuid)
    assert (server['OS-EXT-STS:task_state'], server['OS-EXT-SRV-ATTR:host']) == (None, source)
    assert claims_by_host(running, uuid) == {source: SMALL}


def test_no_valid_host_leaves_the_server_on_its_source_in_error(running):
    uuid = boot(running, 'host1')
    force_down(running, 'host1')
    force_down(running, 'host2')
    evacuate(running, uuid)
    server = settled(running, uuid, 'ERROR')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert fault_of(running, uuid)['message'].startswith('No valid host was found.')
    assert migration_status(running, uuid) == 'error'
    assert claims_by_host(running, uuid) == {'host1': SMALL}
    assert_ledger_sound(running)


def test_a_forced_host_that_cannot_hold_it_keeps_the_server_as_it_was(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'big', 'ram': 3072, 'vcpus': 1,
                                              'disk': 1, 'id': 'big'}},
                 token=ADMIN, status=200)
    uuid = boot(running, 'host1', 'big-one', flavor='big')
    boot(running, 'host2', 'big-two', flavor='big')
    force_down(running, 'host1')
    evacuate(running, uuid, {'host': 'host2', 'force': True}, version='2.29')
    wait_for(lambda: migration_status(running, uuid) == 'error',
             what='the evacuation to fail')
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert 'forced host host2' in fault_of(running, uuid)['message']
    assert claims_by_host(running, uuid) == {
        'host1': {'VCPU': 1, 'MEMORY_MB': 3072, 'DISK_GB': 1}}
    assert_ledger_sound(running)


def test_a_failed_spawn_on_the_destination_frees_its_claim(running):
    uuid = boot(running, 'host1')
    force_down(running, 'host1')
    CONF.set_override('fail_spawn_on_nodes', ['host2'], group='fake_driver')
    evacuate(running, uuid, {'host': 'host2'})
    wait_for(lambda: migration_status(running, uuid) == 'failed',
             what='the evacuation to fail')
    server = settled(running, uuid, 'ERROR')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert 'Injected spawn failure' in fault_of(running, uuid)['message']
    assert uuid not in guests(running, 'host2')
    assert claims_by_host(running, uuid) == {'host1': SMALL}
    assert_ledger_sound(running)

    CONF.clear_override('fail_spawn_on_nodes', group='fake_driver')
    evacuate(running, uuid)  # an ERROR server may be evacuated again
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host2'
    assert claims_by_host(running, uuid) == {'host1': SMALL, 'host2': SMALL}


def test_an_evacuated_server_deleted_before_the_source_comes_back(running):
    uuid = boot(running, 'host1')
    force_down(running, 'host1')
    evacuate(running, uuid)
    settled(running, uuid, 'ACTIVE')
    wait_for(lambda: migration_status(running, uuid) == 'done', what='the evacuation')
    running.delete('/v2.1/servers/%s' % uuid, token=ADMIN, status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid, token=ADMIN).status_int == 404,
             what='the server to be deleted')
    assert claims_by_host(running, uuid) == {}, 'a delete frees both parts of the claim'
    assert uuid not in guests(running, 'host2')

    assert evacuations(running, uuid) == [], 'its migration went with it, as in Nova'

    driver = restart_compute(running, 'host1')
    wait_for(lambda: uuid not in driver.guests, what='the stale guest to be destroyed')
    assert_ledger_sound(running)
    force_down(running, 'host1', down=False)


def test_an_evacuated_server_is_networked_on_its_new_host_only(running, monkeypatch):
    """The destination plugs the ports before spawning and they are bound
    there; the source unplugs them when it comes back."""
    unplugged = []
    real_unplug = vifs.unplug
    monkeypatch.setattr(vifs, 'unplug', lambda driver, uuid: (
        unplugged.append((driver.host, uuid)), real_unplug(driver, uuid)))
    network = network_helpers.network(running, token=ADMIN, name='net-evacuate')
    network_helpers.subnet(running, network['id'], token=ADMIN)
    server = {'name': 'vm', 'imageRef': running.image_id, 'flavorRef': 'small',
              'networks': [{'uuid': network['id']}], 'availability_zone': 'nova:host1'}
    uuid = running.post('/v2.1/servers', {'server': server}, token=ADMIN, version=VERSION,
                        status=202).json['server']['id']
    settled(running, uuid, 'ACTIVE')

    def ports():
        return network_helpers.call(running, 'GET', '/ports?device_id=%s' % uuid,
                                    token=ADMIN).json['ports']
    [port] = ports()
    assert port['binding:host_id'] == 'host1'
    force_down(running, 'host1')
    evacuate(running, uuid, {'host': 'host2'})
    assert settled(running, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'host2'
    assert guests(running, 'host2')[uuid]['interfaces'] == [
        (port['mac_address'], 'tap' + port['id'][:11], 'brq' + network['id'][:11])]
    assert [p['binding:host_id'] for p in ports()] == ['host2']
    assert unplugged == []

    wait_for(lambda: migration_status(running, uuid) == 'done', what='the evacuation')
    restart_compute(running, 'host1')
    wait_for(lambda: migration_status(running, uuid) == 'completed',
             what='the evacuation to be completed')
    assert uuid not in guests(running, 'host1')
    assert unplugged == [('host1', uuid)]
    assert [p['binding:host_id'] for p in ports()] == ['host2']
    force_down(running, 'host1', down=False)


def test_a_failed_evacuation_unplugs_the_destination(running, monkeypatch):
    unplugged = []
    real_unplug = vifs.unplug
    monkeypatch.setattr(vifs, 'unplug', lambda driver, uuid: (
        unplugged.append((driver.host, uuid)), real_unplug(driver, uuid)))
    uuid = boot(running, 'host1')
    force_down(running, 'host1')
    CONF.set_override('fail_spawn_on_nodes', ['host2'], group='fake_driver')
    evacuate(running, uuid, {'host': 'host2'})
    wait_for(lambda: migration_status(running, uuid) == 'failed', what='the evacuation')
    assert unplugged == [('host2', uuid)]
    assert uuid not in guests(running, 'host2')
