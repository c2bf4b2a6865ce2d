"""The compute side of a power action against an in-memory stand-in for
the cell conductor, for the orders of events a functional test cannot
force: a delete that came before the action ran, or while it ran."""
import pytest

from nova_common import compute_states as states
from nova_common import exception
from nova_compute import power
from nova_compute.virt import fake

UUID = '5f0c2b8e-8a1d-4b7e-a0a4-3b3f6d1c9e21'


class CellConductor:
    """instance_update with the expected-state guard of the real one (and
    its action event, recorded only when the update happens)."""

    def __init__(self, instance):
        self.instance = dict(instance)
        self.events = []
        self.faults = []
        self.before_update = None

    def instance_update(self, context, uuid, values, expected=None, record_event=None):
        if self.before_update:
            self.before_update(values)
        if self.instance['deleted']:
            raise exception.InstanceNotFound(instance_id=uuid)
        for key, value in (expected or {}).items():
            if self.instance[key] != value:
                raise exception.InstanceInvalidState(action='update', instance_uuid=uuid,
                                                     attr=key, state=self.instance[key])
        self.instance.update(values)
        if record_event:
            self.action_event(context, uuid, **record_event)
        return dict(self.instance)

    def action_event(self, context, uuid, event, phase, host=None, result=None,
                     details=None):
        self.events.append((event, phase, result))

    def instance_fault_create(self, context, uuid, code, message, details=None, host=None):
        self.faults.append((code, message))

    def evacuations_from_host(self, context, host):
        return []


@pytest.fixture
def driver():
    driver = fake.FakeDriver()
    driver.init_host('host1')
    driver.spawn(None, {'uuid': UUID, 'node': 'host1'}, None)
    return driver


def _instance(vm_state=states.ACTIVE, task_state=states.POWERING_OFF):
    return {'uuid': UUID, 'vm_state': vm_state, 'task_state': task_state,
            'power_state': states.RUNNING, 'host': 'host1', 'deleted': False}


def _stop(driver, conductor, instance):
    power.perform(None, 'host1', driver, conductor, instance, power.STOP,
                  clean_shutdown=False)


def test_stop(driver):
    conductor = CellConductor(_instance())
    _stop(driver, conductor, _instance())
    assert (conductor.instance['vm_state'], conductor.instance['task_state'],
            conductor.instance['power_state']) == (states.STOPPED, None, states.SHUTDOWN)
    assert conductor.events == [('compute_stop_instance', 'start', None),
                                ('compute_stop_instance', 'finish', 'Success')]


def test_a_delete_that_came_first_means_the_guest_is_not_touched(driver):
    conductor = CellConductor(_instance(task_state=states.DELETING))
    _stop(driver, conductor, _instance())
    assert driver.get_power_state({'uuid': UUID}) == states.RUNNING
    assert conductor.instance['task_state'] == states.DELETING
    assert conductor.events == []


def test_a_delete_while_stopping_wins(driver):
    conductor = CellConductor(_instance())

    def delete_arrives(values):
        if values.get('vm_state') == states.STOPPED:
            conductor.instance['task_state'] = states.DELETING
    conductor.before_update = delete_arrives
    _stop(driver, conductor, _instance())
    assert (conductor.instance['vm_state'], conductor.instance['task_state']) == (
        states.ACTIVE, states.DELETING)
    assert conductor.events[-1] == ('compute_stop_instance', 'finish', 'Error')
    assert conductor.faults == []


def test_a_driver_failure_restores_the_state_with_a_fault(driver):
    conductor = CellConductor(_instance(states.PAUSED, states.UNPAUSING))
    driver.power_off({'uuid': UUID})
    power.perform(None, 'host1', driver, conductor, _instance(states.PAUSED, states.UNPAUSING),
                  power.UNPAUSE)
    assert (conductor.instance['vm_state'], conductor.instance['task_state'],
            conductor.instance['power_state']) == (states.PAUSED, None, states.SHUTDOWN)
    assert conductor.faults == [(500, "Cannot 'unpause' instance %s while it is in "
                                      "power_state shutdown" % UUID)]
    assert conductor.events[-1] == ('compute_unpause_instance', 'finish', 'Error')


def test_an_interrupted_action_is_cleared_at_start_up(driver):
    driver.power_off({'uuid': UUID})
    conductor = CellConductor(_instance())
    power.abandon(None, driver, conductor, _instance())
    assert (conductor.instance['vm_state'], conductor.instance['task_state'],
            conductor.instance['power_state']) == (states.ACTIVE, None, states.SHUTDOWN)
    conductor.instance['task_state'] = states.DELETING
    power.abandon(None, driver, conductor, _instance())
    assert conductor.instance['task_state'] == states.DELETING
