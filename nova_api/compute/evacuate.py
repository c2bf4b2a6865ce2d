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

from nova_api.compute import lookup
from nova_api.compute import move_start
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import services
from nova_common import exception
from nova_common import servicegroup
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)

# Nova's check_instance_state for evacuate.
VM_STATES = (states.ACTIVE, states.STOPPED, states.ERROR)
MOVE = move_start.Move(task_state=states.REBUILDING, action='evacuate', vm_states=VM_STATES,
                       migration_type='evacuation')
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

    def ask_conductor(updated, migration):
        conductor_rpcapi.ConductorAPI().evacuate_instance(
            context, cell['uuid'], updated, migration['uuid'], host, force, target_state)
    return move_start.start(context, cell, instance, MOVE, ask_conductor,
                            migration_values={'dest_compute': host})
