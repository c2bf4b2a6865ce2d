"""The super-conductor's part of unshelving an offloaded server: schedule
it like a build (a new claim on the chosen host; the request spec carries
the shelve snapshot as its image and the zone or host asked for), point
the instance at that host and hand it to its compute, which spawns it from
the snapshot (nova_compute/shelve.py).

When no host fits, the server stays SHELVED_OFFLOADED with no task, a
fault says why, the ``schedule_instances`` event (Nova's name) finishes
with Error, and nothing stays claimed.
"""
from oslo_log import log as logging

from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db import engines
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import ledger_access
from nova_conductor.tasks import action_events

LOG = logging.getLogger(__name__)

EVENT = 'schedule_instances'
OTHER_CELL = 'The scheduler chose host %s of another cell; a server cannot be unshelved ' \
             'into another cell.'


def unshelve_instance(context, scheduler_api, cell_uuid, instance, request_spec):
    uuid = instance['uuid']
    cell = cells_scatter.get_cell(context, cell_uuid)
    with nova_context.target_cell(context, cell) as cell_context:
        action_events.record(cell_context, uuid, EVENT, 'start')
        try:
            selections = scheduler_api.select_destinations(
                context, request_spec, [uuid], return_alternates=False)[0]
        except exception.NoValidHost as error:
            LOG.warning('No valid host to unshelve %s: %s', uuid, error.message)
            _stay_offloaded(cell_context, uuid, error.message)
            return
        except Exception as error:  # noqa: BLE001 - the unshelve must end either way
            LOG.exception('Scheduling the unshelve of %s failed', uuid)
            _stay_offloaded(cell_context, uuid, 'Scheduling failed: %s' % error)
            return
        chosen = selections[0]
        if chosen['cell_uuid'] != cell_uuid:
            ledger_access.release(context, uuid)
            _stay_offloaded(cell_context, uuid, OTHER_CELL % chosen['host'])
            return
        try:
            placed = _place(cell_context, uuid, chosen)
        except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
            LOG.info('Instance %s changed while it was scheduled to unshelve: %s', uuid, error)
            ledger_access.release(context, uuid)
            action_events.record(cell_context, uuid, EVENT, 'finish', 'Error', str(error))
            return
        action_events.record(cell_context, uuid, EVENT, 'finish', 'Success')
        compute_rpcapi.ComputeAPI.for_cell(cell).unshelve_instance(
            context, chosen['host'], placed, image_id=request_spec['image']['id'],
            request_spec=request_spec)


@engines.retry_on_db_error
def _place(cell_context, uuid, chosen):
    """The offloaded instance on the chosen host and node, still
    unshelving, in one update guarded by that state."""
    values = {'host': chosen['host'], 'node': chosen['nodename'],
              'launched_on': chosen['host']}
    if chosen.get('availability_zone'):
        values['availability_zone'] = chosen['availability_zone']
    return instances.update(cell_context, uuid, values,
                            expected_vm_state=[states.SHELVED_OFFLOADED],
                            expected_task_state=[states.UNSHELVING], action='unshelve')


@engines.retry_on_db_error
def _stay_offloaded(cell_context, uuid, message):
    """No task again, with a fault and the event finished with Error."""
    with engines.cell_writer(cell_context):
        try:
            instances.update(cell_context, uuid, {'task_state': None},
                             expected_vm_state=[states.SHELVED_OFFLOADED],
                             expected_task_state=[states.UNSHELVING], action='unshelve')
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance %s moved on while its unshelve failed', uuid)
            return
        instances.add_fault(cell_context, uuid, 500, message)
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, EVENT,
                                      'Error', traceback=message)
