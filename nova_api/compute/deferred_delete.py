"""Deferred delete ([DEFAULT] reclaim_instance_interval > 0): DELETE
soft-deletes a server that has run, and the restore action brings it back,
as Nova's compute API does.

- Soft delete: task_state soft-deleting and deleted_at now in one update,
  the instance action ``delete``, then the compute powers the guest off and
  writes vm_state soft-delete (status SOFT_DELETED). The server keeps its
  claim, request spec and server group; its instance mapping is queued for
  delete, so it no longer counts against quota. A server that never ran
  (no launched_at), has no host or whose compute is down is deleted at
  once instead (Nova deletes it locally then). A server already being
  deleted or soft-deleted is left to that delete.
- Restore: only from SOFT_DELETED with no task, quota checked again (403
  when the project no longer has room), task_state restoring and
  deleted_at cleared, the instance action ``restore``, then the compute
  powers the guest on and writes ACTIVE.

The compute reclaims (really deletes) what stays soft-deleted longer than
the interval: nova_compute/deferred_delete.py.
"""
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_api.compute import delete as compute_delete
from nova_api.compute import lookup
from nova_api.compute import state_checks
from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import services
from nova_common import exception
from nova_common import quota
from nova_common import servicegroup
from nova_compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)

_BEING_DELETED = (states.DELETING, states.SOFT_DELETING)


def enabled():
    return CONF.reclaim_instance_interval > 0


def _compute_is_up(cell_context, host):
    try:
        service = services.get_by_host_and_binary(cell_context, host, 'nova-compute')
    except exception.NotFound:
        return False
    return servicegroup.is_up(service)


def delete(context, instance):
    """DELETE with deferred delete on: soft-delete ``instance`` when it can
    be (see the module doc), else delete it. Lock and policy are checked
    by the caller."""
    if not instance.get('launched_at') or not instance.get('host') or instance.get('partial'):
        compute_delete.delete_server(context, instance)
        return
    if instance.get('task_state') in _BEING_DELETED:
        LOG.info('Server %s is being deleted already; ignoring this request', instance['uuid'])
        return
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        if not _compute_is_up(cell_context, instance['host']):
            compute_delete.delete_server(context, instance)
            return
        soft_deleting = instances.update(
            cell_context, instance['uuid'],
            {'task_state': states.SOFT_DELETING, 'deleted_at': timeutils.utcnow()},
            expected_vm_state=states.LIVE_VM_STATES, action='soft_delete')
        instance_mappings.mark_queued_for_delete(context, instance['uuid'])
        instance_actions.start(cell_context, instance['uuid'], 'delete', context.request_id,
                               context.user_id, context.project_id)
    compute_rpcapi.ComputeAPI.for_cell(cell).soft_delete_instance(
        context, soft_deleting['host'], soft_deleting)


def restore(context, instance):
    """The restore action (policy checked by the caller): 409 unless
    SOFT_DELETED with no task or when locked, 403 over quota."""
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, 'restore', [states.SOFT_DELETED], no_task=True)
    quota.check_deltas(context, instance['project_id'], instance['user_id'],
                       {'instances': 1, 'cores': instance['vcpus'],
                        'ram': instance['memory_mb']})
    cell = lookup.cell_of(context, instance)
    host = instance.get('host')
    with nova_context.target_cell(context, cell) as cell_context:
        values = ({'task_state': states.RESTORING, 'deleted_at': None} if host else
                  {'vm_state': states.ACTIVE, 'task_state': None, 'deleted_at': None})
        restoring = instances.update(cell_context, instance['uuid'], values,
                                     expected_vm_state=states.SOFT_DELETED,
                                     expected_task_state=None, action='restore')
        instance_mappings.mark_queued_for_delete(context, instance['uuid'], queued=False)
        instance_actions.start(cell_context, instance['uuid'], 'restore', context.request_id,
                               context.user_id, context.project_id)
    if host:
        compute_rpcapi.ComputeAPI.for_cell(cell).restore_instance(context, host, restoring)
