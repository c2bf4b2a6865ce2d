"""The fake driver's guests: power state transitions, console lines,
lifecycle events and injected failures."""
import pytest

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import fake

UUID = '0b6a8f4e-3f0e-4c1b-9d7c-6d3c1f2e9a10'
INSTANCE = {'uuid': UUID, 'node': 'host1', 'flavor': {'memory_mb': 512, 'vcpus': 1,
                                                      'root_gb': 1}}


@pytest.fixture
def driver():
    driver = fake.FakeDriver()
    driver.init_host('host1')
    driver.spawn(None, INSTANCE, None)
    driver.events = []
    driver.register_event_listener(lambda uuid, power_state: driver.events.append(
        (uuid, power_state)))
    return driver


def test_transitions_fire_events_and_log_to_the_console(driver):
    driver.pause(INSTANCE)
    driver.unpause(INSTANCE)
    driver.suspend(None, INSTANCE)
    driver.resume(None, INSTANCE)
    driver.power_off(INSTANCE, timeout=60)
    driver.power_off(INSTANCE)
    driver.power_on(None, INSTANCE)
    driver.reboot(None, INSTANCE, 'HARD')
    assert [state for _uuid, state in driver.events] == [
        states.POWER_PAUSED, states.RUNNING, states.POWER_SUSPENDED, states.RUNNING,
        states.SHUTDOWN, states.RUNNING]
    assert driver.get_console_output(None, INSTANCE).splitlines() == [
        'fake console: booted %s' % UUID, 'fake console: paused', 'fake console: unpaused',
        'fake console: suspended', 'fake console: resumed',
        'fake console: powered off (clean)', 'fake console: powered off (hard)',
        'fake console: powered on', 'fake console: rebooted (HARD)']


def test_wrong_state_and_missing_guest_raise(driver):
    with pytest.raises(exception.InstanceInvalidState):
        driver.unpause(INSTANCE)
    driver.power_off(INSTANCE)
    with pytest.raises(exception.InstanceInvalidState):
        driver.pause(INSTANCE)
    with pytest.raises(exception.InstanceNotFound):
        driver.power_on(None, {'uuid': 'missing'})


def test_injected_failure(driver):
    CONF.set_override('fail_operations', ['reboot'], group='fake_driver')
    with pytest.raises(exception.NovaException, match='Injected reboot failure'):
        driver.reboot(None, INSTANCE, 'SOFT')
    driver.pause(INSTANCE)
    assert driver.get_power_state(INSTANCE) == states.POWER_PAUSED


def test_simulated_guest_shutdown(driver):
    driver.simulate_guest_shutdown(UUID, send_event=False)
    assert driver.events == []
    driver.power_on(None, INSTANCE)
    driver.simulate_guest_shutdown(UUID)
    assert driver.events[-1] == (UUID, states.SHUTDOWN)
    assert driver.get_power_state(INSTANCE) == states.SHUTDOWN
