"""libvirt domain states and lifecycle events in Nova's power states."""
import libvirt
import pytest

from nova_common import compute_states as states
from nova_compute.virt.libvirt import events
from nova_compute.virt.libvirt import guest


@pytest.mark.parametrize('libvirt_state, saved, expected', [
    (libvirt.VIR_DOMAIN_NOSTATE, False, states.NOSTATE),
    (libvirt.VIR_DOMAIN_RUNNING, False, states.RUNNING),
    (libvirt.VIR_DOMAIN_BLOCKED, False, states.RUNNING),
    (libvirt.VIR_DOMAIN_PAUSED, False, states.POWER_PAUSED),
    (libvirt.VIR_DOMAIN_SHUTDOWN, False, states.SHUTDOWN),
    (libvirt.VIR_DOMAIN_SHUTOFF, False, states.SHUTDOWN),
    (libvirt.VIR_DOMAIN_SHUTOFF, True, states.POWER_SUSPENDED),
    (libvirt.VIR_DOMAIN_CRASHED, False, states.CRASHED),
    (libvirt.VIR_DOMAIN_PMSUSPENDED, False, states.POWER_SUSPENDED),
    (99, False, states.NOSTATE),
])
def test_domain_states_map_to_power_states(libvirt_state, saved, expected):
    assert guest.power_state_of(libvirt_state, saved) == expected


@pytest.mark.parametrize('event, detail, expected', [
    (libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED, states.RUNNING),
    (libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_RESTORED,
     states.RUNNING),
    (libvirt.VIR_DOMAIN_EVENT_RESUMED, 0, states.RUNNING),
    (libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED,
     states.POWER_PAUSED),
    (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN,
     states.SHUTDOWN),
    (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED,
     states.SHUTDOWN),
    (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED,
     states.POWER_SUSPENDED),
    (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED,
     states.CRASHED),
    (libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED, 0, states.POWER_SUSPENDED),
    (libvirt.VIR_DOMAIN_EVENT_CRASHED, 0, states.CRASHED),
    (libvirt.VIR_DOMAIN_EVENT_DEFINED, 0, None),
    (libvirt.VIR_DOMAIN_EVENT_UNDEFINED, 0, None),
    (libvirt.VIR_DOMAIN_EVENT_SHUTDOWN, 0, None),
])
def test_lifecycle_events_map_to_power_states(event, detail, expected):
    assert events.power_state_of_event(event, detail) == expected
