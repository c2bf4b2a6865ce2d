"""os-resetState: an administrator's way out of a stuck state.

The server's vm_state becomes ``active`` or ``error`` and its task_state is
cleared, whatever they were (no guard: that is the point of it); the guest
is not touched. The action is recorded in the server's instance actions.
"""
from nova_api.compute import lookup
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances

ACTION = 'resetState'


def reset_state(context, instance, vm_state):
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        instances.update(cell_context, instance['uuid'],
                         {'vm_state': vm_state, 'task_state': None}, action=ACTION)
        instance_actions.start(cell_context, instance['uuid'], ACTION, context.request_id,
                               context.user_id, context.project_id)
