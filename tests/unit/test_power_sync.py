"""What the power state sync decides for a record and its guest."""
import pytest

from nova_common import compute_states as states
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
