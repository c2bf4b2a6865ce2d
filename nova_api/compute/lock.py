"""Locking a server against changes by its project (lock / unlock).

A locked server refuses every action to callers who are not administrators
(state_checks.check_lock). As in Nova, the record keeps who locked it:
'owner' when the caller belongs to the server's project, else 'admin';
unlocking a server someone else's side locked needs the unlock_override
policy. From 2.73 a lock may carry a reason (system metadata
locked_reason, shown in the server body).
"""
from nova_api.compute import lookup
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common import notifications

OWNER = 'owner'
ADMIN = 'admin'


def locker(context, instance):
    """Who the caller is to the server: 'owner' or 'admin'."""
    return OWNER if instance['project_id'] == context.project_id else ADMIN


def is_expected_locker(context, instance):
    """False when the server is locked by the other side than the caller's
    (Nova's is_expected_locked_by)."""
    locked_by = instance.get('locked_by')
    return not locked_by or locked_by == locker(context, instance)


def _set(context, instance, action, locked_by, reason=None):
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        updated = instances.set_locked(cell_context, instance['uuid'], locked_by, reason)
        instance_actions.start(cell_context, instance['uuid'], action, context.request_id,
                               context.user_id, context.project_id)
    notifications.instance_action(context, notifications.api_publisher(), updated, action)
    return updated


def lock(context, instance, reason=None):
    return _set(context, instance, 'lock', locker(context, instance), reason)


def unlock(context, instance):
    return _set(context, instance, 'unlock', None)
