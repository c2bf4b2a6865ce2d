"""What the power state sync decides for a record and its guest."""
import pytest

from nova_common import compute_states as states
from nova_common import exception
from nova_compute import power_sync

RUNNING, PAUSED, SHUTDOWN = states.RUNNING, states.POWER_PAUSED, states.SHUTDOWN
CRASHED, SUSPENDED, NOSTATE = states.CRASHED, states.POWER_SUSPENDED, states.NOSTATE


@pytest.mark.parametrize('vm_state, recorded, guest, expected', [
    (states.ACTIVE, RUNNING, RUNNING, power_sync.NOTHING),
    (states.ACTIVE, RUNNING, SHUTDOWN, power_sync.STOP),
    (states.ACTIVE, RUNNING, CRASHED, power_sync.STOP),
    (states.ACTIVE, RUNNING, SUSPENDED, power_sync.STOP),
    # Paused behind our back or not found: only the power state is recorded.
    (states.ACTIVE, RUNNING, PAUSED, power_sync.RECORD),
    (states.ACTIVE, RUNNING, NOSTATE, power_sync.RECORD),
    (states.PAUSED, PAUSED, SHUTDOWN, power_sync.STOP),
    (states.PAUSED, PAUSED, RUNNING, power_sync.RECORD),
    (states.STOPPED, SHUTDOWN, SHUTDOWN, power_sync.NOTHING),
    (states.STOPPED, SHUTDOWN, RUNNING, power_sync.POWER_OFF),
    (states.STOPPED, SHUTDOWN, PAUSED, power_sync.POWER_OFF),
    (states.STOPPED, SHUTDOWN, CRASHED, power_sync.RECORD),
    (states.STOPPED, SHUTDOWN, NOSTATE, power_sync.RECORD),
    (states.SUSPENDED, SUSPENDED, SHUTDOWN, power_sync.RECORD),
    (states.ERROR, NOSTATE, RUNNING, power_sync.RECORD),
    (states.ERROR, RUNNING, RUNNING, power_sync.NOTHING),
])
def test_decide(vm_state, recorded, guest, expected):
    assert power_sync.decide(vm_state, recorded, guest) == expected


class _Conductor:
    """instance_get and instance_update over one stored instance."""

    def __init__(self, instance):
        self.instance = instance
        self.updates = []

    def instance_get(self, context, uuid):
        if self.instance is None or self.instance['uuid'] != uuid:
            raise exception.InstanceNotFound(instance_id=uuid)
        return dict(self.instance)

    def instance_update(self, context, uuid, values, expected=None):
        self.updates.append(values)
        self.instance.update(values)
        return dict(self.instance)


class _Driver:
    def __init__(self, power_state):
        self.power_state = power_state

    def get_power_state(self, instance):
        return self.power_state


def _instance(host='host1'):
    return {'uuid': 'u-1', 'host': host, 'vm_state': states.ACTIVE, 'task_state': None,
            'power_state': RUNNING}


def test_an_event_syncs_the_instance_it_names():
    conductor = _Conductor(_instance())
    power_sync.sync_uuid(None, 'host1', _Driver(PAUSED), conductor, 'u-1')
    assert conductor.updates == [{'power_state': PAUSED}]


@pytest.mark.parametrize('instance, uuid', [
    (_instance(host='host2'), 'u-1'),   # the instance moved to another host
    (None, 'u-1'),                      # no such instance (deleted)
])
def test_an_event_about_a_guest_this_host_does_not_own_changes_nothing(instance, uuid):
    conductor = _Conductor(instance)
    power_sync.sync_uuid(None, 'host1', _Driver(SHUTDOWN), conductor, uuid)
    assert conductor.updates == []
