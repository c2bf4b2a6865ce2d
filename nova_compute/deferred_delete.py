"""Deferred delete on this host ([DEFAULT] reclaim_instance_interval > 0):
soft delete and restore (power actions with their own end states, run by
power.perform), and the periodic reclaim of servers soft-deleted longer
than the interval, as Nova's ``_reclaim_queued_deletes`` does."""
import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common import exception
from nova_compute import delete
from nova_compute import power

LOG = logging.getLogger(__name__)

# Nova falls back to a hard power off when the driver has no soft_delete.
SOFT_DELETE = power.Operation(
    'compute_soft_delete_instance', 'soft_delete', states.SOFT_DELETED,
    lambda driver, context, instance: driver.power_off(instance, timeout=0))
RESTORE = power.Operation(
    'compute_restore_instance', 'restore', states.ACTIVE,
    lambda driver, context, instance: driver.power_on(context, instance))

TASK_STATES = (states.SOFT_DELETING, states.RESTORING)


def _deleted_at(instance):
    value = instance.get('deleted_at')
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    if value is not None and value.tzinfo is not None:
        value = timeutils.normalize_time(value)
    return value


def due_for_reclaim(instance, interval, now=None):
    """Soft-deleted with no task, for longer than ``interval`` seconds.

    Unlike Nova, a soft-deleted instance without deleted_at is never due:
    the restore API clears deleted_at, so that is a restore the compute
    was interrupted in, and the owner wants the server back."""
    if instance.get('vm_state') != states.SOFT_DELETED or instance.get('task_state'):
        return False
    deleted_at = _deleted_at(instance)
    now = now or timeutils.utcnow()
    return deleted_at is not None and now - deleted_at > datetime.timedelta(seconds=interval)


def reclaim(context, host, driver, conductor_api, interval):
    """Delete this host's instances soft-deleted longer than ``interval``
    seconds; returns the uuids deleted. Each is moved to task_state
    deleting first, guarded by soft-delete with no task: a restore (or a
    delete) that came first wins."""
    reclaimed = []
    for instance in conductor_api.instances_on_host(context, host):
        if not due_for_reclaim(instance, interval):
            continue
        uuid = instance['uuid']
        try:
            deleting = conductor_api.instance_update(
                context, uuid, {'task_state': states.DELETING},
                expected={'vm_state': states.SOFT_DELETED, 'task_state': None})
        except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
            LOG.info('Not reclaiming instance %s: %s', uuid, error)
            continue
        LOG.info('Reclaiming instance %s, soft-deleted more than %d seconds ago', uuid,
                 interval)
        try:
            if delete.terminate(context, driver, conductor_api, deleting):
                reclaimed.append(uuid)
        except Exception:  # noqa: BLE001 - one failure never stops the others
            LOG.exception('Periodic reclaim failed to delete instance %s', uuid)
    return reclaimed
