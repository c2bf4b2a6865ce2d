"""Live migration from the API, as Nova's compute API checks and starts
it, and the two things an administrator may do to one in progress.

``os-migrateLive``: the server must be ACTIVE or PAUSED with no task (409)
and not locked (409); a named host must be a known compute (400, as Nova
answers ComputeHostNotFound here) and not the server's own (400). Then,
in one cell transaction guarded by those states, task_state
``migrating``, the ``live-migration`` action and the migration record
(type ``live-migration``, status ``accepted``) are written, and the
super-conductor does the rest (nova_conductor/tasks/live_migrate.py):
its checks answer through the migration's status and the action's
events, since the API does not wait for them (Nova's async cast).

Abort (DELETE, 2.24) and force_complete (2.22) name a migration of the
server: 404 when it is not one of its migrations, 409 when the server is
not migrating, 400 when the migration is not of a state that allows it
(``preparing`` or ``running`` for an abort, as Nova before 2.65;
``running`` for force_complete). Both are cast to the source compute, which runs the
migration.
"""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_api.compute import lookup
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_common.db.api import services
from nova_common.db import engines
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)

ACTION = 'live-migration'
MIGRATION_TYPE = 'live-migration'
# Nova's check_instance_state for live_migrate.
VM_STATES = (states.ACTIVE, states.PAUSED)
ABORTABLE = ('preparing', 'running')
FORCEABLE = ('running',)
SAME_HOST = "The target host can't be the same one."
NO_HOST = 'Compute host %s could not be found.'
NO_FORCE_WITHOUT_HOST = "Can't force to a non-provided destination"
WRONG_MIGRATION_STATE = ('Migration %(id)s state of instance %(uuid)s is %(state)s. Cannot '
                         '%(method)s while the migration is in this state.')
NOT_LIVE = 'Migration %s is not a live migration of server %s.'


def _check_host(context, instance, host):
    if host == instance['host']:
        raise exception.Invalid(SAME_HOST)
    try:
        host_cell = cells_scatter.cell_of_host(context, host)
        with nova_context.target_cell(context, host_cell) as cell_context:
            services.get_compute_by_host(cell_context, host)
    except (exception.HostMappingNotFound, exception.ComputeHostNotFound):
        raise exception.Invalid(NO_HOST % host)


@engines.retry_on_deadlock
def _write_start(context, cell_context, instance, host):
    """The task, the action and the migration: one transaction."""
    uuid = instance['uuid']
    with engines.cell_writer(cell_context):
        updated = instances.update(cell_context, uuid, {'task_state': states.MIGRATING},
                                   expected_vm_state=list(VM_STATES),
                                   expected_task_state=[None], action='os-migrateLive')
        instance_actions.start(cell_context, uuid, ACTION, context.request_id,
                               context.user_id, context.project_id)
        flavor_id = (instance.get('flavor') or {}).get('id')
        migration = migrations.create(cell_context, {
            'instance_uuid': uuid, 'migration_type': MIGRATION_TYPE, 'status': 'accepted',
            'source_compute': instance['host'], 'source_node': instance['node'],
            'dest_compute': host, 'old_instance_type_id': flavor_id,
            'new_instance_type_id': flavor_id, 'user_id': context.user_id,
            'project_id': context.project_id})
    return updated, migration


@engines.retry_on_deadlock
def _undo_start(cell_context, uuid, migration):
    with engines.cell_writer(cell_context):
        instances.update(cell_context, uuid, {'task_state': None},
                         expected_task_state=states.MIGRATING, action='os-migrateLive')
        migrations.update(cell_context, migration['id'], {'status': 'error'})


def live_migrate(context, instance, host=None, block_migration='auto', force=False):
    """Start live-migrating ``instance`` (to ``host``, or where the
    scheduler chooses). ``block_migration``: True, False or 'auto' (the
    destination decides); ``force``: no scheduler for ``host``."""
    state_checks.check_lock(context, instance)
    power.require_host(instance)
    state_checks.require_state(instance, 'os-migrateLive', VM_STATES, no_task=True)
    if force and not host:
        raise exception.Invalid(NO_FORCE_WITHOUT_HOST)
    if host:
        _check_host(context, instance, host)
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        updated, migration = _write_start(context, cell_context, instance, host)
        try:
            conductor_rpcapi.ConductorAPI().live_migrate_instance(
                context, cell['uuid'], updated, migration['id'], host,
                block_migration, force)
        except messaging.MessagingException as error:
            LOG.error('Could not reach the conductor to live-migrate %s: %s',
                      instance['uuid'], error)
            _undo_start(cell_context, instance['uuid'], migration)
            raise exception.ServiceUnavailable(reason='the conductor cannot be reached')


def _migration_for(context, instance, migration_id, method, allowed_states):
    """The live migration ``migration_id`` of a migrating ``instance``,
    in one of ``allowed_states``, and its cell."""
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        try:
            migration = migrations.get_by_id_and_instance(cell_context, int(migration_id),
                                                          instance['uuid'])
        except ValueError:
            raise exception.MigrationNotFoundForInstance(migration_id=migration_id,
                                                         instance_id=instance['uuid'])
    if migration['migration_type'] != MIGRATION_TYPE:
        raise exception.Invalid(NOT_LIVE % (migration_id, instance['uuid']))
    if migration['status'] not in allowed_states:
        raise exception.Invalid(WRONG_MIGRATION_STATE % {
            'id': migration_id, 'uuid': instance['uuid'], 'state': migration['status'],
            'method': method})
    return cell, migration


def _require_migrating(instance, method, vm_states):
    if instance.get('vm_state') not in vm_states:
        attr, state = 'vm_state', instance.get('vm_state')
    elif instance.get('task_state') != states.MIGRATING:
        attr, state = 'task_state', instance.get('task_state')
    else:
        return
    raise exception.InstanceInvalidState(action=method, instance_uuid=instance['uuid'],
                                         attr=attr, state=state)


def _record_action(context, cell, instance, action):
    with nova_context.target_cell(context, cell) as cell_context:
        instance_actions.start(cell_context, instance['uuid'], action, context.request_id,
                               context.user_id, context.project_id)


def abort(context, instance, migration_id):
    """Cancel the live migration ``migration_id`` (the server stays on its
    source: the source compute rolls it back, status ``cancelled``)."""
    state_checks.check_lock(context, instance)
    _require_migrating(instance, 'abort live migration', VM_STATES)
    cell, migration = _migration_for(context, instance, migration_id,
                                     'abort live migration', ABORTABLE)
    _record_action(context, cell, instance, 'live_migration_cancel')
    compute_rpcapi.ComputeAPI.for_cell(cell).live_migration_abort(
        context, migration['source_compute'], instance, migration['id'])


def force_complete(context, instance, migration_id):
    """Have the running live migration ``migration_id`` finish now (the
    source pauses the guest so that its memory stops changing)."""
    state_checks.check_lock(context, instance)
    _require_migrating(instance, 'force_complete', (states.ACTIVE,))
    cell, migration = _migration_for(context, instance, migration_id, 'force_complete',
                                     FORCEABLE)
    _record_action(context, cell, instance, 'live_migration_force_complete')
    compute_rpcapi.ComputeAPI.for_cell(cell).live_migration_force_complete(
        context, migration['source_compute'], instance, migration['id'])
