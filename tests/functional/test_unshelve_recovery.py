"""Unshelves that go wrong on the way, through the real API, conductor,
scheduler and compute with the fake driver: a lost cast (to the
super-conductor or to the compute) is ended by the conductor's lost-build
check, a compute restarted while spawning an unshelve undoes it, and a
2.91 ``host`` only narrows the scheduling (its filters still run). Each
ends SHELVED_OFFLOADED with no task, no host, a fault and no claim, ready
to be unshelved again."""
import time

from nova_common.cmd import compute as compute_cmd
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_common.image import api as image_api
from nova_compute import rpcapi as compute_rpcapi
from nova_compute import shelve as compute_shelve
from nova_conductor import rpcapi as conductor_rpcapi
from nova_conductor.tasks import lost_builds
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import _actions
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import wait_settled
from tests.functional.test_server_shelve import claimed
from tests.functional.test_server_shelve import fault_of
from tests.functional.test_server_shelve import shelved_server
from tests.functional.test_server_shelve import system_metadata


def offloaded(cloud):
    uuid = shelved_server(cloud)
    wait_settled(cloud, uuid, 'SHELVED_OFFLOADED')
    return uuid


def assert_back_offloaded(cloud, uuid, fault):
    server = show(cloud, uuid)
    assert (server['status'], server['OS-EXT-STS:task_state']) == ('SHELVED_OFFLOADED', None)
    assert server['OS-EXT-SRV-ATTR:host'] is None
    assert claimed(cloud, uuid) == {}
    assert fault in fault_of(cloud, uuid)['message']


def end_when_old(uuid):
    """The lost-unshelve check with a 1 s limit: nothing before, ``uuid``
    once the unshelve is older, nothing on the next round."""
    CONF.set_override('build_request_timeout', 1, group='conductor')
    try:
        ctx = nova_context.get_admin_context()
        assert lost_builds.end_lost_unshelves(ctx) == [], 'not old enough yet'
        time.sleep(1.1)
        assert lost_builds.end_lost_unshelves(ctx) == [uuid]
        assert lost_builds.end_lost_unshelves(ctx) == []
    finally:
        CONF.clear_override('build_request_timeout', group='conductor')


def test_unshelve_lost_before_the_super_conductor_stays_offloaded(running, monkeypatch):
    uuid = offloaded(running)
    monkeypatch.setattr(conductor_rpcapi.ConductorAPI, 'unshelve_instance',
                        lambda *args, **kwargs: None)
    act(running, uuid, {'unshelve': None})
    assert show(running, uuid)['OS-EXT-STS:task_state'] == 'unshelving'
    end_when_old(uuid)
    assert_back_offloaded(running, uuid, lost_builds.LOST_UNSHELVE % 1)
    monkeypatch.undo()
    act(running, uuid, {'unshelve': None})
    assert wait_settled(running, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'test-host'


def test_unshelve_lost_on_the_way_to_its_compute_frees_its_claim(running, monkeypatch):
    uuid = offloaded(running)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'unshelve_instance',
                        lambda *args, **kwargs: None)
    act(running, uuid, {'unshelve': None})
    wait_for(lambda: show(running, uuid)['OS-EXT-SRV-ATTR:host'] == 'test-host'
             and claimed(running, uuid), what='the unshelve to be placed and claimed')
    end_when_old(uuid)
    assert_back_offloaded(running, uuid, lost_builds.LOST_UNSHELVE % 1)
    monkeypatch.undo()
    act(running, uuid, {'unshelve': None})
    wait_settled(running, uuid, 'ACTIVE')
    assert claimed(running, uuid)


def test_a_recent_or_spawning_unshelve_is_left_alone(running):
    uuid = offloaded(running)
    ctx = nova_context.get_admin_context()
    with nova_context.target_cell(ctx, running.cell1) as cell_context:
        instances.update(cell_context, uuid, {'task_state': 'spawning', 'host': 'test-host'})
    CONF.set_override('build_request_timeout', 1, group='conductor')
    try:
        time.sleep(1.1)
        assert lost_builds.end_lost_unshelves(ctx) == [], 'its compute owns a spawning unshelve'
    finally:
        CONF.clear_override('build_request_timeout', group='conductor')
    assert show(running, uuid)['OS-EXT-STS:task_state'] == 'spawning'


def test_compute_restart_while_spawning_an_unshelve_leaves_it_offloaded(running):
    uuid = offloaded(running)
    act(running, uuid, {'unshelve': None})
    wait_settled(running, uuid, 'ACTIVE')
    # As the compute left it when it stopped in the middle of the spawn.
    with nova_context.target_cell(running.admin_context, running.cell1) as cell_context:
        instances.update(cell_context, uuid, {'vm_state': 'shelved_offloaded',
                                              'task_state': 'spawning'})
    restarted = compute_cmd.build_service()
    restarted.start()
    try:
        wait_settled(running, uuid, 'SHELVED_OFFLOADED')
        assert_back_offloaded(running, uuid, compute_shelve.INTERRUPTED_UNSHELVE % 'test-host')
        assert uuid not in restarted.manager.driver.list_instance_uuids()
    finally:
        restarted.stop()


def test_unshelve_to_a_host_its_filters_refuse_stays_offloaded(running):
    uuid = offloaded(running)
    snapshot_id = system_metadata(running, uuid)['shelved_image_id']
    # The snapshot asks for an architecture test-host (x86_64) lacks: the
    # ImagePropertiesFilter refuses it even when it is the host asked for.
    images = image_api.ImageAPI()
    images.update(running.admin_context, snapshot_id,
                  {'properties': {'hw_architecture': 'aarch64'}})
    act(running, uuid, {'unshelve': {'host': 'test-host'}}, token=ADMIN, version='2.91')
    wait_for(lambda: _actions(running, uuid)[0]['message'] == 'Error',
             what='the unshelve to fail')
    wait_settled(running, uuid, 'SHELVED_OFFLOADED')
    assert_back_offloaded(running, uuid, 'No valid host')
    act(running, uuid, {'unshelve': {'host': 'no-such-host'}}, token=ADMIN, version='2.91',
        status=400)

    images.update(running.admin_context, snapshot_id, {},
                  remove_properties=['hw_architecture'])
    act(running, uuid, {'unshelve': {'host': 'test-host'}}, token=ADMIN, version='2.91')
    assert wait_settled(running, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:host'] == 'test-host'
    assert claimed(running, uuid)
