"""Power actions from the API: start, stop, reboot, pause, unpause, suspend
and resume.

Each checks the lock (409 for callers who are not administrators) and that
the server has a host (409), then moves it to the action's task_state in
one update guarded by the vm_states (and task_states) the action may start
from, as Nova's compute API does: of two conflicting requests one wins and
the other gets 409 "Cannot 'stop' instance ... while it is in vm_state
stopped". It records the instance action under the request id and casts
the work to the compute host over its cell's transport, which writes the
end state (nova_compute/power.py).
"""
from nova_api.compute import lookup
from nova_api.compute import state_checks
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi

SOFT = 'SOFT'
HARD = 'HARD'

# Where a hard reboot may start from (Nova's ALLOW_HARD_REBOOT), and the
# tasks it may replace (Nova's task_states.ALLOW_REBOOT): a hard reboot
# rescues a guest stuck in another operation.
HARD_REBOOT_VM_STATES = (states.ACTIVE, states.STOPPED, states.PAUSED, states.SUSPENDED,
                         states.ERROR)
HARD_REBOOT_TASK_STATES = (None, states.REBOOTING, states.REBOOT_PENDING,
                           states.REBOOT_STARTED, states.RESUMING, states.REBOOTING_HARD,
                           states.UNPAUSING, states.PAUSING, states.SUSPENDING)


def require_host(instance):
    if not instance.get('host'):
        raise exception.InstanceNotReady(instance_id=instance['uuid'])


def begin(context, instance, action, vm_states, task_state, expected_task_states=(None,)):
    """Start ``action``: lock and host checks, the guarded move to
    ``task_state``, the instance action. Returns (the updated instance,
    its cell mapping)."""
    state_checks.check_lock(context, instance)
    require_host(instance)
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        updated = instances.update(cell_context, instance['uuid'], {'task_state': task_state},
                                   expected_vm_state=list(vm_states),
                                   expected_task_state=list(expected_task_states),
                                   action=action)
        instance_actions.start(cell_context, instance['uuid'], action, context.request_id,
                               context.user_id, context.project_id)
    return updated, cell


def _compute(cell):
    return compute_rpcapi.ComputeAPI.for_cell(cell)


def start(context, instance):
    updated, cell = begin(context, instance, 'start', [states.STOPPED], states.POWERING_ON)
    _compute(cell).start_instance(context, updated['host'], updated)


def stop(context, instance, clean_shutdown=True):
    updated, cell = begin(context, instance, 'stop', [states.ACTIVE, states.ERROR],
                          states.POWERING_OFF)
    _compute(cell).stop_instance(context, updated['host'], updated,
                                 clean_shutdown=clean_shutdown)


def reboot(context, instance, reboot_type):
    """``reboot_type``: SOFT (from ACTIVE with no task) or HARD."""
    if reboot_type == SOFT:
        updated, cell = begin(context, instance, 'reboot', [states.ACTIVE],
                              states.REBOOTING)
    else:
        updated, cell = begin(context, instance, 'reboot', HARD_REBOOT_VM_STATES,
                              states.REBOOTING_HARD, HARD_REBOOT_TASK_STATES)
    _compute(cell).reboot_instance(context, updated['host'], updated, reboot_type)


def pause(context, instance):
    updated, cell = begin(context, instance, 'pause', [states.ACTIVE], states.PAUSING)
    _compute(cell).pause_instance(context, updated['host'], updated)


def unpause(context, instance):
    updated, cell = begin(context, instance, 'unpause', [states.PAUSED], states.UNPAUSING)
    _compute(cell).unpause_instance(context, updated['host'], updated)


def suspend(context, instance):
    updated, cell = begin(context, instance, 'suspend', [states.ACTIVE], states.SUSPENDING)
    _compute(cell).suspend_instance(context, updated['host'], updated)


def resume(context, instance):
    updated, cell = begin(context, instance, 'resume', [states.SUSPENDED], states.RESUMING)
    _compute(cell).resume_instance(context, updated['host'], updated)
