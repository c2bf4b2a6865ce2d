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
from nova_common.db import engines
from nova_common import exception
from nova_common.network import api as network_api
from nova_common import notifications
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import ledger_access
from nova_conductor import persistence
from nova_metadata import source as metadata_source

LOG = logging.getLogger(__name__)

SCHEDULER_UNAVAILABLE = 'The scheduler did not answer; no host was chosen.'
SCHEDULING_FAILED = 'Scheduling failed; no host was chosen.'
INTERNAL_ERROR = 'Internal error while starting the build.'
NETWORK_FAILED = ('Build of instance %s aborted: Failed to allocate the network(s), '
                  'not rescheduling.')


def schedule_and_build_instances(context, scheduler_api, instance_uuids, request_spec):
    try:
        choices = scheduler_api.select_destinations(context, request_spec, instance_uuids)
    except exception.NoValidHost as error:
        LOG.warning('No valid host for %s: %s', ', '.join(instance_uuids), error.message)
        _scheduling_failed(context, instance_uuids, request_spec, error, error.message)
        return
    except messaging.MessagingTimeout as error:
        LOG.error('select_destinations timed out for %s', ', '.join(instance_uuids))
        _scheduling_failed(context, instance_uuids, request_spec, error,
                           SCHEDULER_UNAVAILABLE)
        return
    except Exception as error:  # noqa: BLE001 - a build must end even when scheduling broke
        LOG.exception('select_destinations failed for %s', ', '.join(instance_uuids))
        _scheduling_failed(context, instance_uuids, request_spec, error, SCHEDULING_FAILED)
        return
    for uuid, selections in zip(instance_uuids, choices):
        try:
            _build_in_cell(context, uuid, request_spec, selections)
        except Exception:  # noqa: BLE001 - one instance must not sink the others
            LOG.exception('Could not hand instance %s to %s', uuid, selections[0]['host'])
            _bury_quietly(context, uuid, INTERNAL_ERROR)


_get_build_request = engines.retry_on_db_error(build_requests.get)


def _build_in_cell(context, uuid, request_spec, selections):
    chosen = selections[0]
    build_request = _get_build_request(context, uuid)
    if build_request is None:
        LOG.info('Instance %s was deleted (or buried) before it reached a cell', uuid)
        ledger_access.release(context, uuid)
        return
    cell = cells_scatter.get_cell(context, chosen['cell_uuid'])
    values = persistence.with_datetimes(build_request['instance'])
    values.update(host=chosen['host'], node=chosen['nodename'], launched_on=chosen['host'],
                  vm_state=states.BUILDING, task_state=states.SCHEDULING,
                  availability_zone=chosen.get('availability_zone',
                                               values.get('availability_zone')))
    if not _allocate_ports(context, values, chosen['host']):
        return
    with nova_context.target_cell(context, cell) as cell_context:
        instance = _create_in_cell(cell_context, uuid, values, context)
        try:
            placed = point_mapping_at_cell(context, uuid, cell)
        except Exception:
            _forget(cell_context, uuid)
            network_api.deallocate(context, values)
            raise
        if not placed:
            if _mapped_to(context, uuid, cell):
                # The lost-build check took over this row (placed_builds).
                LOG.info('Instance %s was ended by the lost-build check while it was '
                         'placed in %s', uuid, cell['name'])
                return
            LOG.info('Instance %s was deleted (or buried) while it was placed in %s',
                     uuid, cell['name'])
            _forget(cell_context, uuid)
            network_api.deallocate(context, values)
            ledger_access.release(context, uuid)
            return
        try:
            compute_rpcapi.ComputeAPI.for_cell(cell).build_and_run_instance(
                context, chosen['host'], instance,
                metadata_source.with_config_drive(context, instance, request_spec),
                selections[1:])
        except Exception:
            persistence.set_error(cell_context, uuid, INTERNAL_ERROR, host=chosen['host'],
                                  expected={'task_state': states.SCHEDULING})
            raise
    LOG.info('Instance %s created in %s and sent to %s to build', uuid, cell['name'],
             chosen['host'])


def _allocate_ports(context, values, host):
    """Create and bind the server's ports on ``host`` once it is chosen (so
    a build that finds no host leaves none); False, the server buried in
    cell0 in ERROR and nothing of its ports left, when that fails."""
    try:
        network_api.allocate(context, values, host)
    except Exception as error:  # noqa: BLE001 - any failure ends this build only
        LOG.warning('Could not allocate the ports of %s: %s', values['uuid'], error)
        _bury_quietly(context, values['uuid'], NETWORK_FAILED % values['uuid'])
        return False
    return True


@engines.retry_on_db_error
def _create_in_cell(cell_context, uuid, values, context):
    """The instance and its create action, in one cell transaction."""
    with engines.cell_writer(cell_context):
        instance = instances.create(cell_context, values)
        instance_actions.start(cell_context, uuid, 'create', context.request_id,
                               context.user_id, context.project_id)
    return instance


@engines.retry_on_db_error
def point_mapping_at_cell(context, uuid, cell):
    """Remove the instance's build request and map the instance to
    ``cell``, in one API transaction. False, and nothing changed, when the
    build request was gone: the server was deleted, or another conductor
    placed or buried it. Whoever removes the build request owns the server."""
    with engines.api_writer(context):
        if not build_requests.delete(context, uuid):
            return False
        instance_mappings.set_cell(context, uuid, cell['uuid'])
        return True


@engines.retry_on_db_error
def _forget(cell_context, uuid):
    """Soft-delete an instance row of the targeted cell that no server
    will use (its build request went elsewhere)."""
    try:
        instances.soft_delete(cell_context, uuid)
    except exception.InstanceNotFound:
        pass


def _scheduling_failed(context, instance_uuids, request_spec, error, message):
    """No host for the instances: Nova's compute_task.build_instances.error
    notification for each, then each buried in cell0 with ``message``."""
    for uuid in instance_uuids:
        notifications.compute_task_error(
            context, notifications.conductor_publisher(), 'build_instances', uuid,
            dict(request_spec, instance_uuid=uuid), error)
    _bury_all_in_cell0(context, instance_uuids, message)


def _bury_all_in_cell0(context, instance_uuids, message):
    for uuid in instance_uuids:
        _bury_quietly(context, uuid, message)


def _bury_quietly(context, uuid, message):
    try:
        bury_in_cell0(context, uuid, message)
    except Exception:  # noqa: BLE001 - the lost build check buries it later
        LOG.exception('Could not bury instance %s in cell0; its build request is left '
                      'to the lost build check', uuid)


def bury_in_cell0(context, uuid, message):
    """Put the server of build request ``uuid`` in cell0, in ERROR with a
    fault saying why, and free its claim; True when this call buried it.

    Safe to run twice, from two conductors at once, and against a build
    that places the server in a cell (or a delete) meanwhile: cell0's row
    is written first, then whoever removes the build request wins
    (point_mapping_at_cell), and a loser removes the row it wrote unless
    the winner is another bury that needs it."""
    build_request = _get_build_request(context, uuid)
    if build_request is None:
        return False
    cell0 = cells_scatter.get_cell(context, cells.CELL0_UUID)
    values = persistence.with_datetimes(build_request['instance'])
    values.update(vm_state=states.ERROR, task_state=None, host=None, node=None)
    with nova_context.target_cell(context, cell0) as cell0_context:
        created = _create_in_cell0(cell0_context, values, message, context.request_id)
        if not point_mapping_at_cell(context, uuid, cell0):
            if created and not _mapped_to(context, uuid, cell0):
                _forget(cell0_context, uuid)
            return False
    ledger_access.release(context, uuid)
    return True


@engines.retry_on_db_error
def _create_in_cell0(cell0_context, values, message, request_id):
    """The buried instance, its fault and its create action, in one cell0
    transaction; False when cell0 has the instance already (another bury
    wrote it)."""
    uuid = values['uuid']
    try:
        with engines.cell_writer(cell0_context):
            instances.create(cell0_context, values)
            instances.add_fault(cell0_context, uuid, 500, message)
            instance_actions.start(cell0_context, uuid, 'create', request_id,
                                   values.get('user_id'), values.get('project_id'))
    except exception.InstanceExists:
        return False
    return True


def _mapped_to(context, uuid, cell):
    try:
        mapping = instance_mappings.get(context, uuid)
    except exception.InstanceMappingNotFound:
        return False
    return mapping['cell'] is not None and mapping['cell']['uuid'] == cell['uuid']
