"""The super-conductor's part of a resize or cold migration (Nova's
conductor migrate_server / MigrationTask).

The API has moved the instance to task_state resize_prep and written its
old and new flavors. Here, as Nova's MigrationTask does with Placement:

1. a migration record (status ``pre-migrating``) in the instance's cell;
2. the instance's claim on its source node moved to the migration's uuid
   as consumer (ledger.move_allocations), so that the source keeps its
   resources reserved while the instance claims the destination;
3. the scheduler picks and claims a destination for the instance with the
   new flavor (the source host left out unless ``[DEFAULT]
   allow_resize_to_same_host`` allows it for a resize; for a cold
   migration to a given host, only that host);
4. the migration names its destination and the destination's compute is
   asked to ``prep_resize`` (nova_compute/resize.py does the rest).

When no host fits or the compute cannot be reached, everything goes back
as it was: the migration's claim returns to the instance (the destination
claim, if any, freed in the same transaction), the migration is ``error``,
the instance keeps its flavor and vm_state with no task, and a fault and
the ``cold_migrate`` event (Error) say why.
"""
import copy
import traceback

from oslo_log import log as logging

from nova_common import cells_scatter
from nova_common.conf import CONF
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_common.db.api import request_specs
from nova_common.db import engines
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import ledger_access
from nova_conductor.tasks import action_events

LOG = logging.getLogger(__name__)

EVENT = 'cold_migrate'
OTHER_CELL = 'The scheduler chose host %s of another cell; servers do not move between cells.'
UNREACHABLE = 'The destination compute %s could not be reached: %s'


def is_resize(instance, flavor):
    """A resize changes the flavor; a cold migration keeps it."""
    return str((instance.get('flavor') or {}).get('flavorid')) != str(flavor.get('flavorid'))


def stored_spec(context, uuid):
    """The instance's request spec as stored at its boot, or None (a
    server older than request specs is scheduled from itself alone)."""
    try:
        return request_specs.get(context, uuid)
    except exception.RequestSpecNotFound:
        return None


def scheduling_spec(stored_spec, instance, flavor, host=None):
    """The request spec the scheduler gets for the move: the new flavor,
    the source host ignored unless a resize may stay on it, ``host`` as the
    only destination when the caller named one."""
    spec = copy.deepcopy(stored_spec or {})
    spec.update(flavor=flavor, instance_uuid=instance['uuid'],
                project_id=instance['project_id'], user_id=instance['user_id'],
                force_hosts=[], force_nodes=[], ignore_hosts=[],
                requested_destination=None)
    if not (CONF.allow_resize_to_same_host and is_resize(instance, flavor)):
        spec['ignore_hosts'] = [instance['host']]
    if host:
        spec['requested_destination'] = {'host': host}
    return spec


def migrate_server(context, scheduler_api, cell_uuid, instance, flavor, host=None,
                   clean_shutdown=True):
    uuid = instance['uuid']
    cell = cells_scatter.get_cell(context, cell_uuid)
    with nova_context.target_cell(context, cell) as cell_context:
        migration = _create_migration(cell_context, instance, flavor)
        moved = ledger_access.move(context, uuid, migration['uuid'])
        stored = stored_spec(context, uuid)
        spec = scheduling_spec(stored, instance, flavor, host)
        try:
            selection = scheduler_api.select_destinations(
                context, spec, [uuid], return_alternates=False)[0][0]
        except Exception as error:  # noqa: BLE001 - NoValidHost or the scheduler out of reach
            message = getattr(error, 'message', None) or 'Scheduling failed: %s' % error
            LOG.warning('No destination for the move of %s: %s', uuid, message)
            _give_up(context, cell_context, instance, migration, moved, message,
                     traceback.format_exc())
            return
        if selection['cell_uuid'] != cell_uuid:
            _give_up(context, cell_context, instance, migration, moved,
                     OTHER_CELL % selection['host'], None)
            return
        migration = _set_destination(cell_context, migration, selection)
        if stored is not None:
            stored['flavor'] = flavor
            request_specs.update(context, uuid, stored)
        try:
            compute_rpcapi.ComputeAPI.for_cell(cell).prep_resize(
                context, selection['host'], instance, flavor, migration,
                selection['nodename'], clean_shutdown=clean_shutdown)
        except Exception as error:  # noqa: BLE001 - the move must end either way
            LOG.exception('Could not hand the move of %s to %s', uuid, selection['host'])
            if stored is not None:
                stored['flavor'] = instance.get('flavor')
                request_specs.update(context, uuid, stored)
            _give_up(context, cell_context, instance, migration, moved,
                     UNREACHABLE % (selection['host'], error), traceback.format_exc())
            return
        action_events.record(cell_context, uuid, EVENT, 'finish', 'Success')
    LOG.info('Moving instance %s from %s to %s (migration %s)', uuid, instance['host'],
             selection['host'], migration['uuid'])


@engines.retry_on_db_error
def _create_migration(cell_context, instance, flavor):
    """This task's event started and the migration written: one
    transaction."""
    old_flavor = instance.get('flavor') or {}
    with engines.cell_writer(cell_context):
        instance_actions.event_start(cell_context, instance['uuid'], cell_context.request_id,
                                     EVENT, None)
        return migrations.create(cell_context, {
            'instance_uuid': instance['uuid'], 'source_compute': instance['host'],
            'source_node': instance['node'], 'status': 'pre-migrating',
            'migration_type': 'resize' if is_resize(instance, flavor) else 'migration',
            'old_instance_type_id': old_flavor.get('id'),
            'new_instance_type_id': flavor.get('id'),
            'user_id': cell_context.user_id, 'project_id': cell_context.project_id})


@engines.retry_on_db_error
def _set_destination(cell_context, migration, selection):
    return migrations.update(cell_context, migration['id'], {
        'dest_compute': selection['host'], 'dest_node': selection['nodename'],
        'dest_host': selection['host']})


def restore_claims(context, instance_uuid, migration_uuid, moved):
    """The source claim back to the instance, its destination claim freed:
    one ledger transaction when the migration held the source claim, else
    only the free."""
    if moved:
        ledger_access.move(context, migration_uuid, instance_uuid)
    else:
        ledger_access.release(context, instance_uuid)


def _give_up(context, cell_context, instance, migration, moved, message, details):
    uuid = instance['uuid']
    restore_claims(context, uuid, migration['uuid'], moved)
    try:
        _write_failure(cell_context, uuid, migration, message, details)
    except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
        LOG.info('Instance %s moved on while its move was refused: %s', uuid, error)


@engines.retry_on_db_error
def _write_failure(cell_context, uuid, migration, message, details):
    """No task, no pending flavors, the fault, the failed event and the
    migration in error: one cell transaction guarded by resize_prep (a
    delete wins)."""
    with engines.cell_writer(cell_context):
        migrations.update(cell_context, migration['id'], {'status': 'error'})
        instances.update(cell_context, uuid,
                         {'task_state': None, 'old_flavor': None, 'new_flavor': None},
                         expected_task_state=states.RESIZE_PREP, action='migrate')
        instances.add_fault(cell_context, uuid, 500, message, details=details)
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, EVENT,
                                      'Error', traceback=details)
