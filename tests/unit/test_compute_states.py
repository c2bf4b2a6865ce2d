"""The API status derived from (vm_state, task_state)."""
import pytest

from nova_common import compute_states as states


@pytest.mark.parametrize('vm_state, task_state, expected', [
    (states.BUILDING, states.SCHEDULING, 'BUILD'),
    (states.BUILDING, None, 'BUILD'),
    (states.ACTIVE, None, 'ACTIVE'),
    (states.ACTIVE, states.DELETING, 'ACTIVE'),
    (states.ACTIVE, states.REBOOTING, 'REBOOT'),
    (states.ACTIVE, states.REBOOTING_HARD, 'HARD_REBOOT'),
    (states.STOPPED, None, 'SHUTOFF'),
    (states.STOPPED, states.POWERING_ON, 'SHUTOFF'),
    (states.ERROR, None, 'ERROR'),
    (states.PAUSED, None, 'PAUSED'),
    (states.SUSPENDED, None, 'SUSPENDED'),
    ('nonsense', None, 'UNKNOWN'),
])
def test_status(vm_state, task_state, expected):
    assert states.status(vm_state, task_state) == expected


def test_status_filter_inverts_the_mapping():
    for name in ('ACTIVE', 'REBOOT', 'HARD_REBOOT', 'BUILD', 'SHUTOFF', 'ERROR'):
        for vm_state, condition in states.states_for_status(name):
            tasks = [None, states.REBOOTING, states.REBOOTING_HARD, states.DELETING]
            for task in tasks:
                selected = (condition is None or
                            (condition[0] == 'in' and task in condition[1]) or
                            (condition[0] == 'not' and task not in condition[1]))
                if selected:
                    assert states.status(vm_state, task) == name
