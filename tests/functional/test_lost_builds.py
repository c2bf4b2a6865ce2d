"""Every build ends ACTIVE or ERROR with a fault, never BUILD for good:
a build request whose conductor died is buried in cell0, an instance
stuck in BUILD past instance_build_timeout goes to ERROR, a compute
whose spawn and reporting fail leaves it to that check; none of them
leaves a claim behind, and burying twice (or against a build that places
the server meanwhile) is harmless."""
import threading
import time

import oslo_messaging as messaging

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_compute import manager as compute_manager
from nova_conductor import rpcapi as conductor_rpcapi
from nova_conductor.tasks import build
from nova_conductor.tasks import lost_builds
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_boot_path import boot
from tests.functional.test_boot_path import leftovers
from tests.functional.test_boot_path import running  # noqa: F401 - the fixture
from tests.functional.test_boot_path import show
from tests.functional.test_boot_path import wait_status


def _claimed(uuid):
    return ledger.consumers(nova_context.get_admin_context()).get(uuid, False) is not False


def _fault(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cell_context:
        found = instances.list(cell_context, {'uuid': uuid}, with_fault=True)
    return found[0]['fault'] if found else None


def _cell0_rows(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell0) as cell0_context:
        return instances.list(cell0_context, {'uuid': uuid})


def _lost_after_scheduling(monkeypatch):
    """The super-conductor dies right after the scheduler claimed a host:
    the build request and the claim stay, nobody places the server."""
    monkeypatch.setattr(build, '_build_in_cell', lambda *args: None)


def _at_once(func, count=2):
    """``func()``'s results when ``count`` threads call it at the same time."""
    start = threading.Barrier(count)
    results = []

    def call():
        start.wait()
        results.append(func())

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_old_build_request_is_buried_once_with_a_fault_and_no_claim(running, monkeypatch):
    _lost_after_scheduling(monkeypatch)
    uuid = boot(running).json['server']['id']
    wait_for(lambda: _claimed(uuid), what='the claim of the lost build')
    CONF.set_override('build_request_timeout', 1, group='conductor')
    ctx = nova_context.get_admin_context()
    assert lost_builds.bury_lost_build_requests(ctx) == [], 'not old enough yet'
    time.sleep(1.1)

    # Two conductors find it at once: one buries it.
    outcomes = _at_once(lambda: lost_builds.bury_lost_build_requests(
        nova_context.get_admin_context()))
    assert sorted(outcomes) == [[], [uuid]]

    server = show(running, uuid)
    assert server['status'] == 'ERROR'
    assert server['fault']['message'] == lost_builds.LOST_BUILD_REQUEST % 1
    assert instance_mappings.get(ctx, uuid)['cell']['uuid'] == cells.CELL0_UUID
    assert [row['deleted'] for row in _cell0_rows(running, uuid)] == [0]
    assert leftovers(running)[1:3] == (0, 0), 'no build request, no claim'
    # Burying again (the next round, another conductor) changes nothing.
    assert lost_builds.bury_lost_build_requests(ctx) == []
    assert build.bury_in_cell0(ctx, uuid, 'again') is False
    assert [row['deleted'] for row in _cell0_rows(running, uuid)] == [0]
    assert show(running, uuid)['fault']['message'] == lost_builds.LOST_BUILD_REQUEST % 1
    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    assert leftovers(running) == (0, 0, 0, 0)


def test_bury_loses_to_a_build_that_placed_the_server_meanwhile(running, monkeypatch):
    """The bury has written cell0's row when the normal build removes the
    build request: the server stays where the build put it, the bury
    removes its row and frees nothing."""
    uuid = boot(running).json['server']['id']
    wait_status(running, uuid, 'ACTIVE')
    ctx = nova_context.get_admin_context()
    placed_mapping = instance_mappings.get(ctx, uuid)
    with nova_context.target_cell(ctx, running.cell1) as cell_context:
        build_request = {'instance_uuid': uuid, 'instance': instances.get(cell_context, uuid)}
    real_create = build._create_in_cell0
    written = []

    def create_then_lose(*args):
        written.append(real_create(*args))
        return written[-1]

    # The bury read the build request just before the build removed it.
    monkeypatch.setattr(build, '_get_build_request', lambda context, _uuid: build_request)
    monkeypatch.setattr(build, '_create_in_cell0', create_then_lose)

    assert build.bury_in_cell0(ctx, uuid, 'lost') is False
    assert written == [True], 'the bury wrote its row before it lost'
    assert [row['deleted'] != 0 for row in _cell0_rows(running, uuid)] == [True]
    assert instance_mappings.get(ctx, uuid)['cell']['uuid'] == placed_mapping['cell']['uuid']
    assert _claimed(uuid), 'the ACTIVE server keeps its claim'
    assert show(running, uuid)['status'] == 'ACTIVE'


def test_instance_in_build_past_the_timeout_goes_to_error_and_frees_its_claim(
        running, monkeypatch):
    active = boot(running, name='fine').json['server']['id']
    wait_status(running, active, 'ACTIVE')
    # The cast to the compute is lost (the compute died, say).
    monkeypatch.setattr(compute_manager.ComputeManager, 'build_and_run_instance',
                        lambda *args: None)
    uuid = boot(running, name='lost').json['server']['id']
    wait_for(lambda: show(running, uuid)['OS-EXT-SRV-ATTR:host'], what='the placed server')
    assert _claimed(uuid)
    ctx = nova_context.get_admin_context()
    assert lost_builds.end_overdue_builds(ctx) == [], 'instance_build_timeout is off'
    CONF.set_override('instance_build_timeout', 1)
    time.sleep(1.1)

    assert lost_builds.end_overdue_builds(ctx) == [uuid]

    server = show(running, uuid)
    assert server['status'] == 'ERROR'
    assert server['fault']['message'] == lost_builds.BUILD_TIMED_OUT
    assert not _claimed(uuid)
    assert show(running, active)['status'] == 'ACTIVE' and _claimed(active)
    assert lost_builds.end_overdue_builds(ctx) == []


def test_spawn_and_state_updates_failing_end_in_the_build_timeout_check(
        running, monkeypatch):
    """The spawn fails and the conductor refuses both the reschedule and
    the ERROR update: the compute records the fault and keeps the claim
    (the ERROR may yet land, and an ACTIVE one must keep its claim); the
    build timeout check then ends the build and frees it."""
    CONF.set_override('fail_spawn_on_nodes', ['test-host-node1', 'test-host-node2',
                                              'test-host-node3'], group='fake_driver')
    real_update = conductor_rpcapi.ConductorAPI.instance_update

    def failing_reschedule(self, context, instance, *args):
        raise messaging.MessagingTimeout('conductor gone')

    def update_unless_error(self, context, uuid, values, *args, **kwargs):
        if values.get('vm_state') == 'error':
            raise messaging.MessagingTimeout('conductor gone')
        return real_update(self, context, uuid, values, *args, **kwargs)

    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'reschedule', failing_reschedule)
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'instance_update', update_unless_error)
    uuid = boot(running).json['server']['id']
    wait_for(lambda: _fault(running, uuid), what='the fault of the failed build')
    assert show(running, uuid)['status'] == 'BUILD', 'the ERROR update did not get through'
    assert _claimed(uuid), 'the outcome is unknown: the claim is kept'

    CONF.set_override('instance_build_timeout', 1)
    time.sleep(1.1)
    assert lost_builds.end_overdue_builds(nova_context.get_admin_context()) == [uuid]
    server = show(running, uuid)
    assert server['status'] == 'ERROR'
    assert not _claimed(uuid)
    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    wait_for(lambda: leftovers(running) == (0, 0, 0, 0), what='nothing left')
