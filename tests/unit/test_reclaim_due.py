"""Which soft-deleted instances the compute's periodic reclaim deletes."""
import datetime

from nova_compute import deferred_delete

NOW = datetime.datetime(2026, 12, 3, 12, 0, 0)


def _instance(vm_state='soft-delete', task_state=None, seconds_ago=120):
    deleted_at = None if seconds_ago is None else NOW - datetime.timedelta(seconds=seconds_ago)
    return {'vm_state': vm_state, 'task_state': task_state, 'deleted_at': deleted_at}


def test_old_enough_soft_deleted_instances_are_due():
    assert deferred_delete.due_for_reclaim(_instance(seconds_ago=61), 60, NOW)
    assert not deferred_delete.due_for_reclaim(_instance(seconds_ago=59), 60, NOW)


def test_deleted_at_as_rpc_sends_it():
    instance = _instance()
    instance['deleted_at'] = instance['deleted_at'].isoformat() + 'Z'
    assert deferred_delete.due_for_reclaim(instance, 60, NOW)


def test_others_are_not_due():
    assert not deferred_delete.due_for_reclaim(_instance(vm_state='active'), 60, NOW)
    assert not deferred_delete.due_for_reclaim(_instance(task_state='restoring'), 60, NOW)
    # A restore that was interrupted cleared deleted_at: the owner wants it back.
    assert not deferred_delete.due_for_reclaim(_instance(seconds_ago=None), 60, NOW)
