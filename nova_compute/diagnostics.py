"""A guest's live figures for GET /servers/{id}/diagnostics.

As in Nova, only a running guest has figures: any other power state is a
conflict the API answers with 409.
"""
from nova_common import compute_states
from nova_common import exception


def get_diagnostics(driver, instance, standard=True):
    """The driver's standard diagnostics (a dict shaped as
    nova_compute.virt.diagnostics builds it) or, with ``standard`` False,
    its own flat dict (the form before microversion 2.48)."""
    power_state = driver.get_power_state(instance)
    if power_state != compute_states.RUNNING:
        raise exception.InstanceInvalidState(
            action='get_diagnostics', instance_uuid=instance['uuid'], attr='power state',
            state=compute_states.POWER_STATE_NAMES.get(power_state, power_state))
    if standard:
        return driver.get_instance_diagnostics(instance)
    return driver.get_diagnostics(instance)
