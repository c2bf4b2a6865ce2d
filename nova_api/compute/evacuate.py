"""Evacuating a server from the API: the server of a failed host rebuilt
on another host from its image.

As Nova's compute API does, the request is checked and answered at once.
The target host, when named, must be a known compute (404 otherwise, as
Nova) of the server's cell, and not the server's own host (400). The
server must be ACTIVE, STOPPED or ERROR with no task (409), and the
compute service of its host must be down: its heartbeat older than
``service_down_time`` or forced down through os-services (400
ComputeServiceInUse otherwise, as Nova answers). Then, in one cell
transaction guarded by those states, the server takes task_state
``rebuilding``, the ``evacuate`` action is recorded, and the migration
record Nova writes for an evacuation is created (type ``evacuation``,
status ``accepted``, the source host and node): the tombstone the source
compute finds when it comes back. The super-conductor does the rest
(nova_conductor/tasks/evacuate.py).
"""
import secrets

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
from nova_common import servicegroup
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)

# Nova's check_instance_state for evacuate.
VM_STATES = (states.ACTIVE, states.STOPPED, states.ERROR)
MIGRATION_TYPE = 'evacuation'
# Where the evacuated server ends from 2.95 on, whatever it was.
TARGET_STOPPED = 'stopped'


def generate_password():
    return secrets.token_urlsafe(9)


def _check_target(context, host, instance, cell):
    """404 for a host that is not a known compute, 400 for one of another
    cell (a server is not evacuated across cells) or the server's own."""
    try:
        host_cell = cells_scatter.cell_of_host(context, host)
        with nova_context.target_cell(context, host_cell) as cell_context:
            services.get_compute_by_host(cell_context, host)
    except (exception.HostMappingNotFound, exception.ComputeHostNotFound):
        raise exception.NotFound('Compute host %s not found.' % host)
    if instance.get('host') == host:
        raise exception.Invalid("The target host can't be the same one.")
    if host_cell['uuid'] != cell['uuid']:
        raise exception.Invalid('Compute host %s is not in the cell of server %s; a server '
                                'cannot be evacuated into another cell.'
                                % (host, instance['uuid']))


def _check_source_down(cell_context, instance):
    try:
        service = services.get_compute_by_host(cell_context, instance['host'])
    except exception.ComputeHostNotFound:
        raise exception.NotFound('Compute host %s not found.' % instance['host'])
    if servicegroup.is_up(service):
        LOG.error('Instance compute service state on %s expected to be down, but it was up.',
                  instance['host'])
        raise exception.ComputeServiceInUse(host=instance['host'])


@engines.retry_on_deadlock
def _write(context, cell_context, instance, host):
    """The task, the action and the migration record: one transaction."""
    uuid = instance['uuid']
    with engines.cell_writer(cell_context):
        updated = instances.update(cell_context, uuid, {'task_state': states.REBUILDING},
                                   expected_vm_state=list(VM_STATES),
                                   expected_task_state=[None], action='evacuate')
        instance_actions.start(cell_context, uuid, 'evacuate', context.request_id,
                               context.user_id, context.project_id)
        migration = migrations.create(cell_context, {
            'instance_uuid': uuid, 'migration_type': MIGRATION_TYPE, 'status': 'accepted',
            'source_compute': instance['host'], 'source_node': instance['node'],
            'dest_compute': host, 'user_id': context.user_id,
            'project_id': context.project_id})
    return updated, migration


@engines.retry_on_deadlock
def _undo(cell_context, uuid, migration):
    """The conductor could not be reached: no task, the migration in error."""
    with engines.cell_writer(cell_context):
        instances.update(cell_context, uuid, {'task_state': None},
                         expected_task_state=states.REBUILDING, action='evacuate')
        migrations.update(cell_context, migration['uuid'], {'status': 'error'})


def evacuate(context, instance, host=None, force=False, target_state=None):
    """Start evacuating ``instance`` (to ``host``, or where the scheduler
    chooses). ``force``: send it to ``host`` without asking the scheduler
    (before 2.29, or ``force`` from 2.29 to 2.67); ``target_state``:
    TARGET_STOPPED from 2.95 (the server ends SHUTOFF), else None (it
    ends as it was: STOPPED when stopped, else ACTIVE)."""
    cell = lookup.cell_of(context, instance)
    if host is not None:
        _check_target(context, host, instance, cell)
    state_checks.require_state(instance, 'evacuate', VM_STATES, no_task=True)
    power.require_host(instance)
    with nova_context.target_cell(context, cell) as cell_context:
        _check_source_down(cell_context, instance)
        updated, migration = _write(context, cell_context, instance, host)
        try:
            conductor_rpcapi.ConductorAPI().evacuate_instance(
                context, cell['uuid'], updated, migration['uuid'], host, force, target_state)
        except messaging.MessagingException as error:
            LOG.error('Could not reach the conductor to evacuate %s: %s',
                      instance['uuid'], error)
            _undo(cell_context, instance['uuid'], migration)
            raise exception.ServiceUnavailable(reason='the conductor cannot be reached')
    return updated
