"""Checks an API request makes on a server before changing it: the state
it must be in (409 otherwise, naming the action and the state) and its
lock (409 for callers who are not administrators)."""
from nova_common import compute_states
from nova_common import exception

# States in which metadata may change (no task may be running).
METADATA_VM_STATES = (compute_states.ACTIVE, compute_states.PAUSED,
                      compute_states.SUSPENDED, compute_states.STOPPED)
# States in which tags may change.
TAG_VM_STATES = METADATA_VM_STATES + (compute_states.SHELVED,
                                      compute_states.SHELVED_OFFLOADED)


def require_state(instance, action, vm_states, no_task=False):
    """InstanceInvalidState unless the server's vm_state is one of
    ``vm_states`` (and, with ``no_task``, no task is running)."""
    if instance.get('partial') or instance.get('vm_state') not in vm_states:
        attr, state = 'vm_state', instance.get('vm_state')
    elif no_task and instance.get('task_state') is not None:
        attr, state = 'task_state', instance.get('task_state')
    else:
        return
    raise exception.InstanceInvalidState(action=action, instance_uuid=instance['uuid'],
                                         attr=attr, state=state)


def check_lock(context, instance):
    if instance.get('locked') and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])
