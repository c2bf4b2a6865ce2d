"""The compute side of a rebuild against an in-memory stand-in for the
cell conductor, for the orders of events a functional test cannot force:
a delete that comes while the guest is respawned, and a compute service
that restarts in the middle of a rebuild."""
from nova_common import compute_states as states
from nova_compute import rebuild
from nova_compute import startup
from tests.unit.test_compute_power import CellConductor
from tests.unit.test_compute_power import driver  # noqa: F401 - the fixture
from tests.unit.test_compute_power import UUID

NEW_IMAGE = {'id': 'new-image', 'properties': {}}


def _instance(task_state=states.REBUILDING, vm_state=states.ACTIVE):
    return {'uuid': UUID, 'vm_state': vm_state, 'task_state': task_state,
            'power_state': states.RUNNING, 'host': 'host1', 'node': 'host1',
            'image_ref': 'new-image', 'deleted': False}


def test_rebuild_walks_its_task_states_and_respawns(driver):
    conductor = CellConductor(_instance())
    seen = []
    conductor.before_update = lambda values: seen.append(values.get('task_state', '-'))
    rebuild.rebuild(None, 'host1', driver, conductor, _instance(), NEW_IMAGE)
    assert seen == ['-', states.REBUILD_BLOCK_DEVICE_MAPPING, states.REBUILD_SPAWNING, None]
    assert (conductor.instance['vm_state'], conductor.instance['task_state']) == (
        states.ACTIVE, None)
    assert driver.guests[UUID]['image_ref'] == 'new-image'
    assert conductor.events == [('compute_rebuild_instance', 'start', None),
                                ('compute_rebuild_instance', 'finish', 'Success')]


def test_a_delete_during_the_respawn_wins_and_the_new_guest_goes(driver):
    conductor = CellConductor(_instance())

    def deleted_meanwhile(values):
        if values.get('task_state', '-') is None:
            conductor.instance.update(task_state=states.DELETING)
    conductor.before_update = deleted_meanwhile
    rebuild.rebuild(None, 'host1', driver, conductor, _instance(), NEW_IMAGE)
    assert UUID not in driver.guests
    assert conductor.instance['task_state'] == states.DELETING
    assert conductor.faults == []


def test_a_rebuild_interrupted_by_a_restart_ends_in_error_with_a_fault(driver):
    conductor = CellConductor(_instance(task_state=states.REBUILD_SPAWNING))
    conductor.instances_on_host = lambda context, host: [dict(conductor.instance)]
    startup.repair(None, 'host1', driver, conductor)
    assert (conductor.instance['vm_state'], conductor.instance['task_state']) == (
        states.ERROR, None)
    assert conductor.faults == [(500, rebuild.INTERRUPTED % 'host1')]
