"""The super-conductor's part of a boot: schedule, create each instance in
the chosen cell, and hand it to its compute; or bury it in cell0 in ERROR
when no host can take it.

The API has written, per instance, a BuildRequest, a RequestSpec and an
InstanceMapping without a cell. A user may delete the server at any point:
the build request disappears, and whatever was made for it here is undone.
"""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db.api import cells
from nova_common.db.api import instance_actions
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db import engines
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import persistence

LOG = logging.getLogger(__name__)

SCHEDULER_UNAVAILABLE = 'The scheduler did not answer; no host was chosen.'


def schedule_and_build_instances(context, scheduler_api, instance_uuids, request_spec):
    try:
        choices = scheduler_api.select_destinations(context, request_spec, instance_uuids)
    except exception.NoValidHost as error:
        LOG.warning('No valid host for %s: %s', ', '.join(instance_uuids), error.message)
        _bury_all_in_cell0(context, instance_uuids, error.message)
        return
    except messaging.MessagingTimeout:
        LOG.error('select_destinations timed out for %s', ', '.join(instance_uuids))
        _bury_all_in_cell0(context, instance_uuids, SCHEDULER_UNAVAILABLE)
        return
    for uuid, selections in zip(instance_uuids, choices):
        try:
            _build_in_cell(context, uuid, request_spec, selections)
        except Exception:  # noqa: BLE001 - one instance must not sink the others
            LOG.exception('Could not hand instance %s to %s', uuid, selections[0]['host'])
            ledger.release(context, uuid)
            _bury_in_cell0(context, uuid, 'Internal error while starting the build.')


def _build_in_cell(context, uuid, request_spec, selections):
    chosen = selections[0]
    build_request = build_requests.get(context, uuid)
    if build_request is None:
        LOG.info('Instance %s was deleted before it reached a cell', uuid)
        ledger.release(context, uuid)
        return
    cell = cells_scatter.get_cell(context, chosen['cell_uuid'])
    values = persistence.with_datetimes(build_request['instance'])
    values.update(host=chosen['host'], node=chosen['nodename'], launched_on=chosen['host'],
                  vm_state=states.BUILDING, task_state=states.SCHEDULING)
    with nova_context.target_cell(context, cell) as cell_context:
        instance = _create_in_cell(cell_context, uuid, values, context)
    if not _point_mapping_at_cell(context, uuid, cell):
        LOG.info('Instance %s was deleted while it was placed in %s', uuid, cell['name'])
        with nova_context.target_cell(context, cell) as cell_context:
            instances.soft_delete(cell_context, uuid)
        ledger.release(context, uuid)
        return
    compute_rpcapi.ComputeAPI.for_cell(cell).build_and_run_instance(
        context, chosen['host'], instance, request_spec, selections[1:])


@engines.retry_on_deadlock
def _create_in_cell(cell_context, uuid, values, context):
    """The instance and its create action, in one cell transaction."""
    with engines.cell_writer(cell_context):
        instance = instances.create(cell_context, values)
        instance_actions.start(cell_context, uuid, 'create', context.request_id,
                               context.user_id, context.project_id)
    return instance


@engines.retry_on_deadlock
def _point_mapping_at_cell(context, uuid, cell):
    """Map the instance to its cell and remove its build request, in one API
    transaction; False when the build request was gone (deleted meanwhile)."""
    with engines.api_writer(context):
        instance_mappings.set_cell(context, uuid, cell['uuid'])
        return build_requests.delete(context, uuid)


def _bury_all_in_cell0(context, instance_uuids, message):
    for uuid in instance_uuids:
        ledger.release(context, uuid)
        _bury_in_cell0(context, uuid, message)


def _bury_in_cell0(context, uuid, message):
    """The instance goes to cell0 in ERROR with a fault saying why."""
    build_request = build_requests.get(context, uuid)
    if build_request is None:
        return
    cell0 = cells_scatter.get_cell(context, cells.CELL0_UUID)
    values = persistence.with_datetimes(build_request['instance'])
    values.update(vm_state=states.ERROR, task_state=None, host=None, node=None)
    with nova_context.target_cell(context, cell0) as cell_context:
        instances.create(cell_context, values)
        instances.add_fault(cell_context, uuid, 500, message)
        instance_actions.start(cell_context, uuid, 'create', context.request_id,
                               context.user_id, context.project_id)
    instance_mappings.set_cell(context, uuid, cell0['uuid'])
    if not build_requests.delete(context, uuid):
        with nova_context.target_cell(context, cell0) as cell_context:
            instances.soft_delete(cell_context, uuid)
