"""The super-conductor's part of an evacuation: find the server a new
host, claim it there, and hand it to that host's compute, which rebuilds
it from its image (nova_compute/rebuild.py, as an arrival).

As in Nova (its conductor's rebuild_instance for a ``recreate``):

- a forced host (``host`` before 2.29, or with ``force``) skips the
  scheduler: the instance is claimed on that host's first node. A claim
  that does not fit ends the evacuation with the server in its state, no
  task, a fault, and the migration in ``error``;
- otherwise the scheduler chooses, the source host excluded and ``host``,
  when named, as the requested destination (its filters still judge it).
  No valid host ends it with the server in ERROR with a fault and the
  migration in ``error``; the ``rebuild_server`` event (Nova's name for
  both rebuild and evacuate) finishes with Error.

Either claim is made on top of the instance's claim on the source node,
which stays until the source compute comes back (nova_conductor/
evacuations.py says which outcome frees which part). The migration names
the destination host and node before the cast to its compute.
"""
import copy
import traceback

from oslo_log import log as logging

from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import compute_nodes
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common.db.api import request_specs
from nova_common.db import engines
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import evacuations
from nova_conductor import ledger_access
from nova_conductor.tasks import action_events
from nova_scheduler import selection
from nova_scheduler import utils as scheduler_utils

LOG = logging.getLogger(__name__)

EVENT = 'rebuild_server'
FORCED_MISFIT = 'Unable to claim the resources of instance %s on the forced host %s.'
OTHER_CELL = 'The scheduler chose host %s of another cell; a server cannot be evacuated ' \
             'into another cell.'


def evacuation_spec(request_spec, instance, host):
    """The request spec of the scheduling: the source excluded, ``host``
    (when named) requested, the claim kept on top of the source's."""
    spec = copy.deepcopy(request_spec or {})
    spec.update(instance_uuid=instance['uuid'], project_id=instance['project_id'],
                user_id=instance['user_id'], ignore_hosts=[instance['host']],
                force_hosts=[], force_nodes=[],
                requested_destination={'host': host, 'node': None} if host else None)
    spec[selection.KEEP_OTHER_ALLOCATIONS] = True
    if instance.get('flavor'):
        spec['flavor'] = instance['flavor']
    return spec


def evacuate_instance(context, scheduler_api, cell_uuid, instance, migration_uuid, host,
                      force, target_state):
    uuid = instance['uuid']
    cell = cells_scatter.get_cell(context, cell_uuid)
    with nova_context.target_cell(context, cell) as cell_context:
        action_events.record(cell_context, uuid, EVENT, 'start')
        try:
            request_spec = request_specs.get(context, uuid)
        except exception.RequestSpecNotFound:
            request_spec = {}
        spec = evacuation_spec(request_spec, instance, host)
        if force and host:
            chosen = _claim_forced(context, cell_context, instance, spec, host)
            if chosen is None:
                _end(cell_context, uuid, migration_uuid, None,
                     FORCED_MISFIT % (uuid, host), None)
                return
        else:
            chosen = _schedule(context, scheduler_api, cell_context, cell_uuid, instance,
                               spec, migration_uuid)
            if chosen is None:
                return
        try:
            _name_destination(cell_context, migration_uuid, chosen)
            action_events.record(cell_context, uuid, EVENT, 'finish', 'Success')
            compute_rpcapi.ComputeAPI.for_cell(cell).evacuate_instance(
                context, chosen['host'], instance, spec.get('image') or _image_of(instance),
                migration_uuid, chosen['nodename'], target_state)
        except Exception as error:  # noqa: BLE001 - the evacuation must end either way
            LOG.exception('Could not hand the evacuation of %s to %s', uuid, chosen['host'])
            evacuations.release_node_claim(cell_context, uuid, chosen['host'],
                                           chosen['nodename'])
            _end(cell_context, uuid, migration_uuid, states.ERROR, str(error),
                 traceback.format_exc())


def _image_of(instance):
    return {'id': instance.get('image_ref'), 'properties': {}}


def _claim_forced(context, cell_context, instance, spec, host):
    """The Selection of ``host``'s first node, claimed; None when the
    instance does not fit there."""
    nodes = compute_nodes.list(cell_context, host=host)
    if not nodes or not ledger_access.available():
        return None
    node = nodes[0]
    resources = scheduler_utils.requested_resources(spec)
    if not ledger.claim(context, instance['uuid'], node['uuid'], resources,
                        keep_other_providers=True):
        LOG.warning('Evacuation of %s: the forced host %s cannot hold %s',
                    instance['uuid'], host, resources)
        return None
    return {'host': host, 'nodename': node['hypervisor_hostname'],
            'compute_node_uuid': node['uuid']}


def _schedule(context, scheduler_api, cell_context, cell_uuid, instance, spec,
              migration_uuid):
    uuid = instance['uuid']
    try:
        chosen = scheduler_api.select_destinations(context, spec, [uuid],
                                                   return_alternates=False)[0][0]
    except exception.NoValidHost as error:
        LOG.warning('Evacuation of %s failed: %s', uuid, error.message)
        _end(cell_context, uuid, migration_uuid, states.ERROR, error.message,
             traceback.format_exc())
        return None
    except Exception as error:  # noqa: BLE001 - the scheduler out of reach
        LOG.exception('Scheduling the evacuation of %s failed', uuid)
        _end(cell_context, uuid, migration_uuid, states.ERROR,
             'Scheduling failed: %s' % error, traceback.format_exc())
        return None
    if chosen['cell_uuid'] != cell_uuid:
        evacuations.release_node_claim(cell_context, uuid, chosen['host'], chosen['nodename'])
        _end(cell_context, uuid, migration_uuid, states.ERROR, OTHER_CELL % chosen['host'],
             None)
        return None
    return chosen


@engines.retry_on_db_error
def _name_destination(cell_context, migration_uuid, chosen):
    migrations.update(cell_context, migration_uuid,
                      {'dest_compute': chosen['host'], 'dest_node': chosen['nodename']})


@engines.retry_on_db_error
def _end(cell_context, uuid, migration_uuid, vm_state, message, details):
    """The evacuation over before any compute took part: no task (and
    ``vm_state`` when given), a fault, the event failed, the migration in
    error; one transaction guarded by the task (a delete wins)."""
    values = {'task_state': None}
    if vm_state is not None:
        values['vm_state'] = vm_state
    with engines.cell_writer(cell_context):
        try:
            instances.update(cell_context, uuid, values,
                             expected_task_state=states.REBUILDING, action='evacuate')
        except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
            LOG.info('Instance %s moved on while its evacuation failed: %s', uuid, error)
        else:
            instances.add_fault(cell_context, uuid, 500, message, details=details)
            instance_actions.event_finish(cell_context, uuid, cell_context.request_id,
                                          EVENT, 'Error', traceback=details or message)
        try:
            migrations.update(cell_context, migration_uuid, {'status': 'error'})
        except exception.MigrationNotFound:
            LOG.info('The migration of instance %s went with it', uuid)
