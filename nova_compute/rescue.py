"""Rescue and unrescue on this host.

A rescue boots the server from a rescue image with its own root disk
attached second, so that a user can repair a server that no longer boots;
unrescue boots it from its own disk again. Both run as the power actions
do (power.perform: the task_state check, action events, notifications
``instance.rescue.*`` / ``instance.unrescue.*``, and on a driver failure
the instance back in the vm_state it had, with a fault); only the end
states differ: RESCUED after a rescue (from ACTIVE, STOPPED or ERROR),
ACTIVE after an unrescue, as in Nova.
"""
from nova_common import compute_states as states
from nova_compute import power


def _rescue(driver, context, instance, rescue_image, rescue_password):
    driver.rescue(context, instance, rescue_image, rescue_password)


def _unrescue(driver, context, instance):
    driver.unrescue(context, instance)


RESCUE = power.Operation('compute_rescue_instance', 'rescue', states.RESCUED, _rescue)
UNRESCUE = power.Operation('compute_unrescue_instance', 'unrescue', states.ACTIVE, _unrescue)

# The task_states the API sets for these actions.
TASK_STATES = (states.RESCUING, states.UNRESCUING)


def rescue(context, host, driver, conductor_api, instance, rescue_image, rescue_password):
    """``rescue_image``: the image to boot from (id, disk_format,
    properties), which the API has checked exists."""
    power.perform(context, host, driver, conductor_api, instance, RESCUE,
                  rescue_image=rescue_image, rescue_password=rescue_password)


def unrescue(context, host, driver, conductor_api, instance):
    power.perform(context, host, driver, conductor_api, instance, UNRESCUE)
