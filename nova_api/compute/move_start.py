"""The API's part in starting a move (resize, cold and live migration,
evacuation), the same for each: in one cell transaction guarded by the
states the move starts from, the server takes the move's task_state, the
instance action is recorded and, for the moves whose migration record the
API writes, that record is created (status ``accepted``). Then the
super-conductor is asked to do the rest; when it cannot be reached the
start is undone (no task, the migration in ``error``) and the caller
gets 503.
"""
import dataclasses

from oslo_log import log as logging

from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_common.db import engines
from nova_common import exception
from nova_common import rpc

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Move:
    """One kind of move as the API starts it.

    ``method``: the name a 409 gives (the action's when None);
    ``migration_type``: the migration record written here (None when the
    conductor writes it, as for resize and cold migration);
    ``undo_clears``: instance fields besides task_state the undo empties.
    """
    task_state: str
    action: str
    vm_states: tuple
    migration_type: str = None
    method: str = None
    undo_clears: tuple = ()

    @property
    def refused_as(self):
        return self.method or self.action


@engines.retry_on_deadlock
def _write(context, cell_context, instance, move, values, migration_values,
           system_metadata):
    """The task, the action and the migration: one transaction."""
    uuid = instance['uuid']
    migration = None
    with engines.cell_writer(cell_context):
        updated = instances.update(cell_context, uuid,
                                   dict(values, task_state=move.task_state),
                                   expected_vm_state=list(move.vm_states),
                                   expected_task_state=[None], action=move.refused_as)
        if system_metadata is not None:
            instances.set_system_metadata_items(cell_context, uuid, system_metadata(updated))
        instance_actions.start(cell_context, uuid, move.action, context.request_id,
                               context.user_id, context.project_id)
        if move.migration_type is not None:
            migration = migrations.create(cell_context, dict(
                migration_values, instance_uuid=uuid, migration_type=move.migration_type,
                status='accepted', source_compute=instance['host'],
                source_node=instance['node'], user_id=context.user_id,
                project_id=context.project_id))
    return updated, migration


@engines.retry_on_deadlock
def _undo(cell_context, uuid, move, migration):
    """The conductor could not be reached: no task, the migration in error."""
    values = dict.fromkeys(('task_state',) + move.undo_clears)
    with engines.cell_writer(cell_context):
        instances.update(cell_context, uuid, values, expected_task_state=move.task_state,
                         action=move.refused_as)
        if migration is not None:
            migrations.update(cell_context, migration['id'], {'status': 'error'})


def start(context, cell, instance, move, ask_conductor, values=None,
          migration_values=None, system_metadata=None):
    """Start ``move`` of ``instance`` (in ``cell``) and return the updated
    instance.

    ``ask_conductor(updated, migration)`` sends the move to the
    super-conductor (``migration`` is None when the API writes none);
    ``values``: more instance columns to write with the task;
    ``migration_values``: more columns of the migration record;
    ``system_metadata(updated)``: system metadata items to write with them.
    """
    with nova_context.target_cell(context, cell) as cell_context:
        updated, migration = _write(context, cell_context, instance, move, values or {},
                                    migration_values or {}, system_metadata)
        try:
            ask_conductor(updated, migration)
        except rpc.BUS_UNREACHABLE as error:
            LOG.error('Could not reach the conductor to start %s of %s: %s',
                      move.action, instance['uuid'], error)
            _undo(cell_context, instance['uuid'], move, migration)
            raise exception.ServiceUnavailable(reason='the conductor cannot be reached')
    return updated
