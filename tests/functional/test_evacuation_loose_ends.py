"""Evacuations that do not end the ordinary way, through the real API,
conductor (with its periodic checks every second), scheduler and two fake
computes: a cast to the destination that is lost (the check ends the
server in ERROR, frees the destination's part of the claim, a late cast
builds nothing, and the server can be evacuated again); the source
compute coming back while an evacuation is still open (the record goes
to ``error`` with the destination's part freed, the server keeps its
guest on the source); and the failed host's compute service deleted for
good (the servers evacuated from it lose their source claims, a service
still hosting servers is 409)."""
import threading

import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_compute import rpcapi as compute_rpcapi
from nova_compute.virt import fake as fake_driver
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import wait_for
from tests.functional import test_server_evacuate as evac

ADMIN = evac.ADMIN
SMALL = evac.SMALL
TIMEOUT = 3
SLOW = 60  # the waits below span a check round under a loaded machine


@pytest.fixture
def running(cloud):
    """test_server_evacuate's two-host cloud, its conductor checking for
    lost evacuations every second (TIMEOUT seconds without a write)."""
    CONF.set_override('lost_build_check_interval', 1, group='conductor')
    CONF.set_override('evacuation_timeout', TIMEOUT, group='conductor')
    CONF.set_override('host_state_max_age', 0, group='scheduler')
    with computes_on_hosts(cloud, evac.HOSTS, new_compute=evac._service):
        yield cloud


@pytest.fixture
def lost_casts(monkeypatch):
    """Casts of evacuations to a destination compute, lost on the way: a
    list of (args, kwargs) of ComputeAPI.evacuate_instance."""
    lost = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'evacuate_instance',
                        lambda self, *args, **kwargs: lost.append((args, kwargs)))
    yield lost
    monkeypatch.undo()


def statuses(cloud, uuid):
    """The statuses of the server's evacuations, oldest first."""
    return [migration['status'] for migration in reversed(evac.evacuations(cloud, uuid))]


def status_becomes(cloud, uuid, wanted):
    return wait_for(lambda: statuses(cloud, uuid) == wanted, timeout=SLOW,
                    what='the evacuations of %s to be %s' % (uuid, wanted))


def settled(cloud, uuid, status):
    def check():
        server = evac.show(cloud, uuid)
        return server['status'] == status and server['OS-EXT-STS:task_state'] is None \
            and server
    return wait_for(check, timeout=SLOW, what='server %s to be %s' % (uuid, status))


def host1_usage(cloud):
    [provider] = [provider['uuid'] for provider in ledger.providers(cloud.admin_context)
                  if provider['host'] == 'host1']
    return ledger.usages(cloud.admin_context, [provider])[provider]


def test_a_lost_cast_ends_in_error_and_the_server_can_be_evacuated_again(running,
                                                                         lost_casts):
    uuid = evac.boot(running, 'host1')
    evac.force_down(running, 'host1')
    evac.evacuate(running, uuid, {'host': 'host2'})
    wait_for(lambda: lost_casts, what='the cast to the destination')
    assert evac.show(running, uuid)['OS-EXT-STS:task_state'] == 'rebuilding'
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL, 'host2': SMALL}

    server = settled(running, uuid, 'ERROR')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert evac.fault_of(running, uuid)['message'] == (
        'The evacuation to host2 was lost: the server was not rebuilt there within '
        '%d seconds. It can be evacuated again.' % TIMEOUT)
    assert statuses(running, uuid) == ['error']
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL}, \
        "the destination's part is freed, the source's stays with the server there"
    evac.assert_ledger_sound(running)

    # The cast arrives after all: the destination finds the task gone.
    (context, host, instance, image, migration_uuid, node, _stop), _ = lost_casts[0]
    running.computes['host2'].manager.evacuate_instance(context, instance, image,
                                                        migration_uuid, node)
    assert uuid not in evac.guests(running, 'host2')
    assert statuses(running, uuid) == ['error']
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL}


def test_an_error_server_of_a_lost_evacuation_is_evacuated_again(running, monkeypatch):
    uuid = evac.boot(running, 'host1')
    evac.force_down(running, 'host1')
    real_cast = compute_rpcapi.ComputeAPI.evacuate_instance
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'evacuate_instance',
                        lambda self, *args, **kwargs: None)
    evac.evacuate(running, uuid)
    settled(running, uuid, 'ERROR')
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'evacuate_instance', real_cast)

    evac.evacuate(running, uuid)
    server = settled(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:host'] == 'host2'
    status_becomes(running, uuid, ['error', 'done'])
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL, 'host2': SMALL}
    evac.assert_ledger_sound(running)


def test_the_source_coming_back_ends_an_evacuation_that_never_reached_a_compute(
        running, lost_casts):
    CONF.set_override('evacuation_timeout', 3600, group='conductor')
    uuid = evac.boot(running, 'host1')
    evac.force_down(running, 'host1')
    evac.evacuate(running, uuid, {'host': 'host2'})
    wait_for(lambda: lost_casts, what='the cast to the destination')
    assert statuses(running, uuid) == ['accepted']

    evac.restart_compute(running, 'host1')
    settled(running, uuid, 'ERROR')
    status_becomes(running, uuid, ['error'])
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL}
    assert uuid in evac.guests(running, 'host1'), 'the server keeps its own disk there'
    assert evac.show(running, uuid)['OS-EXT-SRV-ATTR:host'] == 'host1'
    evac.assert_ledger_sound(running)
    evac.force_down(running, 'host1', down=False)


def test_the_source_coming_back_while_the_destination_spawns(running, monkeypatch):
    """The destination is still spawning when the source's compute comes
    back: the source ends the rebuild (ERROR, guest kept); the destination
    loses, removes its guest and its part of the claim goes."""
    CONF.set_override('evacuation_timeout', 3600, group='conductor')
    spawning, go_on = threading.Event(), threading.Event()
    real_spawn = fake_driver.FakeDriver.spawn

    def slow_spawn(driver, context, instance, image_meta, *args, **kwargs):
        if driver.host == 'host2':
            spawning.set()
            go_on.wait(SLOW)
        return real_spawn(driver, context, instance, image_meta, *args, **kwargs)
    monkeypatch.setattr(fake_driver.FakeDriver, 'spawn', slow_spawn)
    uuid = evac.boot(running, 'host1')
    evac.force_down(running, 'host1')
    evac.evacuate(running, uuid, {'host': 'host2'})
    assert spawning.wait(SLOW)
    assert statuses(running, uuid) == ['pre-migrating']

    evac.restart_compute(running, 'host1')
    settled(running, uuid, 'ERROR')
    go_on.set()
    wait_for(lambda: statuses(running, uuid) in (['error'], ['failed']), timeout=SLOW,
             what='the evacuation to end')
    wait_for(lambda: uuid not in evac.guests(running, 'host2'), timeout=SLOW,
             what="the destination's guest to go")
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL}
    assert uuid in evac.guests(running, 'host1')
    evac.assert_ledger_sound(running)


def test_deleting_the_failed_hosts_compute_service_frees_the_source_claims(running):
    moved = evac.boot(running, 'host1', 'moved')
    stays = evac.boot(running, 'host1', 'stays')
    evac.force_down(running, 'host1')
    evac.stop_compute(running, 'host1')  # the host is gone for good
    evac.evacuate(running, moved, {'host': 'host2'})
    settled(running, moved, 'ACTIVE')
    status_becomes(running, moved, ['done'])
    service = evac.service_of(running, 'host1')

    resp = running.delete('/v2.1/os-services/%s' % service['id'], token=ADMIN,
                          version='2.53', status=409)
    assert resp.json['conflictingRequest']['message'] == (
        'Unable to delete compute service that is hosting instances. Migrate or '
        'delete the instances first.')
    assert evac.claims_by_host(running, moved) == {'host1': SMALL, 'host2': SMALL}

    evac.evacuate(running, stays, {'host': 'host2'})
    settled(running, stays, 'ACTIVE')
    status_becomes(running, stays, ['done'])
    running.delete('/v2.1/os-services/%s' % service['id'], token=ADMIN, version='2.53',
                   status=204)
    assert evac.claims_by_host(running, moved) == {'host2': SMALL}
    assert evac.claims_by_host(running, stays) == {'host2': SMALL}
    assert host1_usage(running) == {}
    assert statuses(running, moved) == ['done'], \
        'kept done, for a host that comes back after all (as Nova)'
    evac.assert_ledger_sound(running)


def test_the_check_ends_the_destinations_compute_event(running, lost_casts):
    """A destination that began the rebuild and died leaves its action event
    open; the check ends it with Error next to the fault."""
    uuid = evac.boot(running, 'host1')
    evac.force_down(running, 'host1')
    evac.evacuate(running, uuid, {'host': 'host2'})
    wait_for(lambda: lost_casts, what='the cast to the destination')
    [migration] = evac.evacuations(running, uuid)
    with nova_context.target_cell(running.admin_context, running.cell1) as context:
        migrations.update(context, migration['uuid'], {'status': 'pre-migrating'})
        [action] = [found for found in instance_actions.list(context, uuid)
                    if found['action'] == 'evacuate']
        instance_actions.event_start(context, uuid, action['request_id'],
                                     'compute_rebuild_instance', 'host2')
    settled(running, uuid, 'ERROR')
    status_becomes(running, uuid, ['error'])
    with nova_context.target_cell(running.admin_context, running.cell1) as context:
        events = instance_actions.get(context, uuid, action['request_id'])['events']
    [event] = [found for found in events if found['event'] == 'compute_rebuild_instance']
    assert event['result'] == 'Error'
    assert evac.claims_by_host(running, uuid) == {'host1': SMALL}
