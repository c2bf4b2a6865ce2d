"""Resize and cold migration from the API, as Nova's compute API checks
and starts them.

``resize`` and ``migrate`` (a resize to the same flavor, for
administrators; 2.56 ``host``): the server must be ACTIVE or STOPPED with
no task (409) and not locked (409). A resize needs another flavor (400
for the same one, a disabled or unknown one, or one whose root disk is
smaller: disks never shrink) and quota for what it adds (cores, RAM:
403). Then, in one cell transaction guarded by those states, task_state
``resize_prep``, the old and new flavors and the vm_state to come back
to (system metadata ``old_vm_state``) are written and the ``resize`` or
``migrate`` action recorded, and the super-conductor is asked to move
the server (nova_conductor/tasks/migrate.py).

``confirmResize`` / ``revertResize``: the server must be VERIFY_RESIZE
(vm_state resized, no task: 409) and have a ``finished`` migration (400
"Instance has not been resized." otherwise). The migration moves to
``confirming`` / ``reverting`` guarded by ``finished``, so of a confirm, a
revert and the automatic confirmation exactly one wins. A revert also
checks the quota the old flavor takes back (403) and sets task_state
``resize_reverting`` (status REVERT_RESIZE).
"""
from nova_api.compute import create
from nova_api.compute import lookup
from nova_api.compute import move_start
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_common.db.api import request_specs
from nova_common.db import engines
from nova_common import exception
from nova_common import quota
from nova_compute import resize as compute_resize
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import rpcapi as conductor_rpcapi

# Nova's check_instance_state for resize and migrate.
VM_STATES = (states.ACTIVE, states.STOPPED)
MOVES = {action: move_start.Move(task_state=states.RESIZE_PREP, action=action,
                                 vm_states=VM_STATES, undo_clears=('old_flavor', 'new_flavor'))
         for action in ('resize', 'migrate')}
SAME_FLAVOR = 'When resizing, instances must change flavor!'
DISK_DOWN = 'Resize error: Unable to resize disk down.'
NOT_RESIZED = 'Instance has not been resized.'
SAME_HOST = "The target host can't be the same one."
NO_HOST = 'Compute host %s could not be found.'


def upsize_deltas(new_flavor, old_flavor):
    """{cores, ram} a flavor change adds (Nova's upsize_quota_delta):
    only what grows counts."""
    deltas = {'cores': new_flavor['vcpus'] - old_flavor['vcpus'],
              'ram': new_flavor['memory_mb'] - old_flavor['memory_mb']}
    return {resource: delta for resource, delta in deltas.items() if delta > 0}


def _check_quota(context, instance, new_flavor, old_flavor):
    deltas = upsize_deltas(new_flavor, old_flavor)
    if deltas:
        quota.check_deltas(context, instance['project_id'], instance['user_id'], deltas)


def _new_flavor(context, instance, flavor_ref):
    flavor = create._flavor(context, flavor_ref)
    current = instance.get('flavor') or {}
    if str(flavor['flavorid']) == str(current.get('flavorid')):
        raise exception.Invalid(SAME_FLAVOR)
    if flavor['root_gb'] < (current.get('root_gb') or 0):
        raise exception.Invalid(DISK_DOWN)
    return create._flavor_snapshot(flavor)


def _check_host(context, instance, host):
    if host == instance['host']:
        raise exception.Invalid(SAME_HOST)
    try:
        cells_scatter.cell_of_host(context, host)
    except exception.HostMappingNotFound:
        raise exception.Invalid(NO_HOST % host)


def _start_move(context, instance, new_flavor, action, host=None, values=None):
    cell = lookup.cell_of(context, instance)

    def ask_conductor(updated, migration):
        conductor_rpcapi.ConductorAPI().migrate_server(context, cell['uuid'], updated,
                                                       new_flavor, host=host)

    def remembered_vm_state(updated):
        return {compute_resize.OLD_VM_STATE: updated['vm_state']}
    move_start.start(context, cell, instance, MOVES[action], ask_conductor,
                     values=dict(values or {}, old_flavor=instance['flavor'],
                                 new_flavor=new_flavor, progress=0),
                     system_metadata=remembered_vm_state)


def resize(context, instance, flavor_ref, disk_config=None):
    """Start resizing ``instance`` to flavor ``flavor_ref``."""
    state_checks.check_lock(context, instance)
    power.require_host(instance)
    state_checks.require_state(instance, 'resize', VM_STATES, no_task=True)
    new_flavor = _new_flavor(context, instance, flavor_ref)
    _check_quota(context, instance, new_flavor, instance['flavor'])
    values = {} if disk_config is None else {'auto_disk_config': disk_config == 'AUTO'}
    _start_move(context, instance, new_flavor, 'resize', values=values)


def migrate(context, instance, host=None):
    """Start a cold migration of ``instance`` (to ``host`` when given)."""
    state_checks.check_lock(context, instance)
    power.require_host(instance)
    state_checks.require_state(instance, 'migrate', VM_STATES, no_task=True)
    if host:
        _check_host(context, instance, host)
    _start_move(context, instance, instance['flavor'], 'migrate', host=host)


@engines.retry_on_deadlock
def _write_outcome(context, cell, instance, action, status, task_state):
    """The finished migration to ``status`` (and the instance to
    ``task_state`` when given), guarded, with the action: one transaction."""
    uuid = instance['uuid']
    with nova_context.target_cell(context, cell) as cell_context:
        with engines.cell_writer(cell_context):
            found = migrations.list(cell_context, {'instance_uuid': uuid,
                                                   'status': 'finished'}, limit=1)
            if not found:
                raise exception.Invalid(NOT_RESIZED)
            if task_state is not None:
                instance = instances.update(cell_context, uuid, {'task_state': task_state},
                                            expected_vm_state=states.RESIZED,
                                            expected_task_state=[None], action=action)
            migration = migrations.update(cell_context, found[0]['id'], {'status': status},
                                          expected_status='finished')
            instance_actions.start(cell_context, uuid, action, context.request_id,
                                   context.user_id, context.project_id)
    return instance, migration


def _check_outcome(context, instance, action):
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, action, (states.RESIZED,), no_task=True)
    return lookup.cell_of(context, instance)


def confirm_resize(context, instance):
    cell = _check_outcome(context, instance, 'confirmResize')
    instance, migration = _write_outcome(context, cell, instance, 'confirmResize',
                                         'confirming', None)
    compute_rpcapi.ComputeAPI.for_cell(cell).confirm_resize(
        context, migration['source_compute'], instance, migration)


def revert_resize(context, instance):
    cell = _check_outcome(context, instance, 'revertResize')
    old_flavor = instance.get('old_flavor') or instance['flavor']
    _check_quota(context, instance, old_flavor, instance['flavor'])
    instance, migration = _write_outcome(context, cell, instance, 'revertResize',
                                         'reverting', states.RESIZE_REVERTING)
    try:
        spec = request_specs.get(context, instance['uuid'])
    except exception.RequestSpecNotFound:
        spec = None
    if spec is not None:
        spec['flavor'] = old_flavor
        request_specs.update(context, instance['uuid'], spec)
    compute_rpcapi.ComputeAPI.for_cell(cell).revert_resize(
        context, migration['dest_compute'], instance, migration)


def confirm_before_delete(context, cell, cell_context, instance):
    """A server deleted while it waits in VERIFY_RESIZE: its move is
    confirmed first, as Nova does, so that its source host removes the
    copy it kept and frees the migration's claim (the destination's
    terminate frees the instance's)."""
    found = migrations.list(cell_context, {'instance_uuid': instance['uuid'],
                                           'status': 'finished'}, limit=1)
    if not found:
        return
    try:
        migration = migrations.update(cell_context, found[0]['id'], {'status': 'confirming'},
                                      expected_status='finished')
    except exception.MigrationNotFound:
        return  # confirmed or reverted meanwhile
    compute_rpcapi.ComputeAPI.for_cell(cell).confirm_resize(
        context, migration['source_compute'], instance, migration)
