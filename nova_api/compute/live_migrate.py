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
(``running`` for an abort, from 2.65 also ``queued`` or ``preparing``, as
Nova; ``running`` for force_complete). Both are cast to the source
compute, which runs the migration (and cancels a queued one when it gets
it).
"""
from nova_api.compute import lookup
from nova_api.compute import move_start
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import migrations
from nova_common.db.api import services
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import rpcapi as conductor_rpcapi

ACTION = 'live-migration'
MIGRATION_TYPE = 'live-migration'
# Nova's check_instance_state for live_migrate.
VM_STATES = (states.ACTIVE, states.PAUSED)
MOVE = move_start.Move(task_state=states.MIGRATING, action=ACTION, vm_states=VM_STATES,
                       migration_type=MIGRATION_TYPE, method='os-migrateLive')
# Nova's live_migrate_abort: ``running`` only before 2.65, then also a
# migration not running yet.
ABORTABLE = ('running',)
ABORTABLE_QUEUED = ('queued', 'preparing', 'running')
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
    flavor_id = (instance.get('flavor') or {}).get('id')

    def ask_conductor(updated, migration):
        conductor_rpcapi.ConductorAPI().live_migrate_instance(
            context, cell['uuid'], updated, migration['id'], host, block_migration, force)
    move_start.start(context, cell, instance, MOVE, ask_conductor, migration_values={
        'dest_compute': host, 'old_instance_type_id': flavor_id,
        'new_instance_type_id': flavor_id})


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


def abort(context, instance, migration_id, queued=False):
    """Cancel the live migration ``migration_id`` (the server stays on its
    source: the source compute rolls it back, status ``cancelled``);
    ``queued`` (2.65): also one that is ``queued`` or ``preparing`` (the
    source cancels it when it gets it)."""
    state_checks.check_lock(context, instance)
    _require_migrating(instance, 'abort live migration', VM_STATES)
    cell, migration = _migration_for(context, instance, migration_id,
                                     'abort live migration',
                                     ABORTABLE_QUEUED if queued else ABORTABLE)
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
