"""The super-conductor's part of a rebuild: when the image changes, ask
the scheduler whether the server's host still fits the new image, then
hand the rebuild to that host's compute.

As in Nova, the check is a select_destinations restricted to the current
host and node (``requested_destination``) and marked as a rebuild (the
``_nova_check_type`` hint): the scheduler runs only the filters that look
at the image and claims nothing, the instance's claim staying as it is.
When the host does not fit, the rebuild ends here as Nova ends it: the
record gets its old image back, the instance goes to ERROR with a fault
saying why, and the ``rebuild_server`` event finishes with Error.
"""
import copy
import traceback

from oslo_log import log as logging

from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from nova_common.db import engines
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor.tasks import action_events
from nova_scheduler import rebuild_check

LOG = logging.getLogger(__name__)

EVENT = 'rebuild_server'
SCHEDULING_FAILED = 'Checking the host against the new image failed: %s'


def check_spec(request_spec, instance, image):
    """The request spec of the scheduler's rebuild check: the new image,
    the instance's own host and node, the rebuild marker."""
    spec = copy.deepcopy(request_spec or {})
    hints = dict(spec.get('scheduler_hints') or {})
    hints[rebuild_check.CHECK_TYPE_HINT] = ['rebuild']
    spec.update(image=image, scheduler_hints=hints, instance_uuid=instance['uuid'],
                project_id=instance['project_id'], user_id=instance['user_id'],
                requested_destination={'host': instance['host'], 'node': instance['node']},
                force_hosts=[], force_nodes=[], ignore_hosts=[])
    return spec


def rebuild_instance(context, scheduler_api, cell_uuid, instance, image, image_changed,
                     preserve_ephemeral, rollback):
    """``rollback``: the record's image fields before the API changed them
    (image_ref, kernel_id, ramdisk_id, image_properties, request_spec_image),
    written back when the host does not fit the new image."""
    uuid = instance['uuid']
    cell = cells_scatter.get_cell(context, cell_uuid)
    with nova_context.target_cell(context, cell) as cell_context:
        action_events.record(cell_context, uuid, EVENT, 'start')
        if image_changed:
            try:
                spec = check_spec(request_specs.get(context, uuid), instance, image)
                scheduler_api.select_destinations(context, spec, [uuid],
                                                  return_alternates=False)
            except Exception as error:  # noqa: BLE001 - NoValidHost or the scheduler out of reach
                message = getattr(error, 'message', None) or SCHEDULING_FAILED % error
                LOG.warning('Rebuild of %s refused by the scheduler: %s', uuid, message)
                _undo(context, cell_context, uuid, rollback, message,
                      traceback.format_exc())
                return
        try:
            compute_rpcapi.ComputeAPI.for_cell(cell).rebuild_instance(
                context, instance['host'], instance, image, preserve_ephemeral)
        except Exception as error:  # noqa: BLE001 - the rebuild must end anyway
            LOG.exception('Could not hand the rebuild of %s to %s', uuid, instance['host'])
            _undo(context, cell_context, uuid, rollback, str(error), traceback.format_exc())
            return
        action_events.record(cell_context, uuid, EVENT, 'finish', 'Success')


def _undo(context, cell_context, uuid, rollback, message, details):
    try:
        _write_failure(cell_context, uuid, rollback, message, details)
    except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
        LOG.info('Instance %s moved on while its rebuild was refused: %s', uuid, error)
        return
    try:
        spec = request_specs.get(context, uuid)
        spec['image'] = rollback.get('request_spec_image')
        request_specs.update(context, uuid, spec)
    except exception.RequestSpecNotFound:
        LOG.info('Instance %s has no request spec to restore', uuid)


@engines.retry_on_db_error
def _write_failure(cell_context, uuid, rollback, message, details):
    """The old image back, ERROR, the fault and the failed event: one cell
    transaction, guarded by the rebuild's task_state (a delete wins)."""
    with engines.cell_writer(cell_context):
        instances.update(cell_context, uuid,
                         {'image_ref': rollback['image_ref'],
                          'kernel_id': rollback.get('kernel_id'),
                          'ramdisk_id': rollback.get('ramdisk_id'),
                          'vm_state': states.ERROR, 'task_state': None},
                         expected_task_state=states.REBUILDING, action='rebuild')
        instances.replace_system_metadata_prefix(cell_context, uuid, 'image_',
                                                 rollback.get('image_properties') or {})
        instances.add_fault(cell_context, uuid, 500, message, details=details)
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, EVENT,
                                      'Error', traceback=details)
