"""Snapshots and backups on this host: the driver copies the root disk and
uploads it into the image the API created (queued); shelve uses the same
steps (nova_compute/shelve.py).

Task states, as Nova's compute manager moves them: a snapshot goes
image_snapshot_pending (the API) -> image_snapshot -> image_pending_upload
-> image_uploading -> None; a backup image_backup -> image_pending_upload
-> ... Every move is guarded by the state before it, so a delete that
comes meanwhile wins: the work stops and the image is deleted.

When the driver fails, the image is deleted unless it became active, the
server keeps its vm_state with no task, gets a fault, and its action event
finishes with Error: no task_state and no orphaned image are left behind.
"""
import traceback

from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common import exception
from nova_common.image import api as image_api
from nova_compute import instance_lock
from nova_compute import lifecycle

LOG = logging.getLogger(__name__)

# The instance is gone or another task replaced ours: delete wins.
SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)

SNAPSHOT_EVENT = 'compute_snapshot_instance'
BACKUP_EVENT = 'compute_backup_instance'

# The task states of a snapshot or backup in progress.
TASK_STATES = (states.IMAGE_SNAPSHOT_PENDING, states.IMAGE_SNAPSHOT, states.IMAGE_BACKUP,
               states.IMAGE_PENDING_UPLOAD, states.IMAGE_UPLOADING)


class TaskUpdater:
    """The ``update_task_state(task_state, expected_state=...)`` callable a
    driver's snapshot is given, as in Nova: each call is one update guarded
    by the state before it (the last state set, unless told otherwise)."""

    def __init__(self, context, conductor_api, uuid, current):
        self.context = context
        self.conductor_api = conductor_api
        self.uuid = uuid
        self.current = current

    def __call__(self, task_state, expected_state=None):
        self.conductor_api.instance_update(
            self.context, self.uuid, {'task_state': task_state},
            expected={'task_state': expected_state or self.current})
        self.current = task_state


def delete_unfinished_image(context, images, image_id):
    """Delete ``image_id`` unless its upload completed (it is active)."""
    try:
        image = images.get(context, image_id)
        if image['status'] == 'active':
            return
        images.delete(context, image_id)
        LOG.info('Deleted the unfinished image %s', image_id)
    except exception.NotFound:
        pass
    except Exception:  # noqa: BLE001 - logged; the original error matters more
        LOG.exception('Could not delete the unfinished image %s', image_id)


def delete_image(context, images, image_id):
    """Delete ``image_id`` (a snapshot whose work is done); a failure is
    only logged."""
    try:
        images.delete(context, image_id)
        LOG.info('Deleted image %s', image_id)
    except exception.NotFound:
        pass
    except Exception:  # noqa: BLE001 - logged; the server's work is done
        LOG.exception('Could not delete image %s', image_id)


def snapshot(context, host, driver, conductor_api, instance, image_id):
    """createImage: the upload, then no task."""
    _take(context, host, driver, conductor_api, instance, image_id, SNAPSHOT_EVENT,
          states.IMAGE_SNAPSHOT_PENDING, states.IMAGE_SNAPSHOT)


def backup(context, host, driver, conductor_api, instance, image_id, backup_type, rotation):
    """createBackup: the upload, then the oldest backups of ``backup_type``
    beyond ``rotation`` deleted."""
    taken = _take(context, host, driver, conductor_api, instance, image_id, BACKUP_EVENT,
                  states.IMAGE_BACKUP, states.IMAGE_BACKUP)
    if taken:
        rotate_backups(context, instance['uuid'], image_id, backup_type, rotation)


def _take(context, host, driver, conductor_api, instance, image_id, event, api_task_state,
          first_task_state):
    """Run the driver's snapshot under the instance lock; True when the
    image was uploaded and the task ended."""
    uuid = instance['uuid']
    images = image_api.ImageAPI()
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {'task_state': first_task_state},
                expected={'task_state': api_task_state},
                record_event={'event': event, 'phase': 'start', 'host': host})
        except SUPERSEDED as error:
            LOG.info('Not taking image %s of instance %s: %s', image_id, uuid, error)
            delete_unfinished_image(context, images, image_id)
            return False
        lifecycle.announce(context, host, instance, 'snapshot', 'start')
        updater = TaskUpdater(context, conductor_api, uuid, first_task_state)
        try:
            driver.snapshot(context, instance, image_id, updater)
            done = conductor_api.instance_update(
                context, uuid, {'task_state': None},
                expected={'task_state': states.IMAGE_UPLOADING},
                record_event={'event': event, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except SUPERSEDED as error:
            LOG.info('Instance %s changed while image %s was taken: %s', uuid, image_id, error)
            delete_unfinished_image(context, images, image_id)
            conductor_api.action_event(context, uuid, event, 'finish', host=host,
                                       result='Error', details=str(error))
            return False
        except Exception as error:  # noqa: BLE001 - any driver failure is recovered
            delete_unfinished_image(context, images, image_id)
            recover(context, host, conductor_api, uuid, updater.current, event, error)
            lifecycle.announce(context, host, instance, 'snapshot', 'error', fault=error)
            return False
    lifecycle.announce(context, host, done, 'snapshot', 'end')
    LOG.info('Image %s of instance %s uploaded', image_id, uuid)
    return True


def recover(context, host, conductor_api, uuid, task_state, event, error):
    """No task (the vm_state is kept), a fault, the event finished with
    Error."""
    details = traceback.format_exc()
    LOG.warning('%s of instance %s failed: %s', event, uuid, error)
    try:
        conductor_api.instance_update(context, uuid, {'task_state': None},
                                      expected={'task_state': task_state})
    except SUPERSEDED:
        LOG.info('Instance %s was deleted while %s failed', uuid, event)
        return
    conductor_api.instance_fault_create(context, uuid, 500, str(error), details=details,
                                        host=host)
    conductor_api.action_event(context, uuid, event, 'finish', host=host, result='Error',
                               details=details)


def rotate_backups(context, uuid, image_id, backup_type, rotation):
    """Delete the oldest backups of ``backup_type`` of the instance beyond
    the ``rotation`` newest (Nova's _rotate_backups). ``image_id``, the
    backup just made, counts as the newest: image times have whole
    seconds, so backups made within one second would otherwise tie."""
    images = image_api.ImageAPI()
    backups = images.list(context, filters={'instance_uuid': uuid, 'image_type': 'backup',
                                            'backup_type': backup_type},
                          sort_keys=['created_at'], sort_dirs=['desc'])
    newest_first = ([image for image in backups if image['id'] == image_id]
                    + [image for image in backups if image['id'] != image_id])
    for old in newest_first[rotation:]:
        LOG.info('Deleting backup %s of instance %s (rotation %d)', old['id'], uuid, rotation)
        try:
            images.delete(context, old['id'])
        except exception.NotFound:
            pass


def abandon(context, conductor_api, instance):
    """A snapshot this compute service stopped in the middle of (it was
    restarted): no task again; the queued image is left for its owner, as
    Nova leaves it."""
    LOG.warning('The %s of instance %s was interrupted; clearing it', instance['task_state'],
                instance['uuid'])
    try:
        conductor_api.instance_update(context, instance['uuid'], {'task_state': None},
                                      expected={'task_state': instance['task_state']})
    except SUPERSEDED:
        LOG.info('Instance %s moved on meanwhile', instance['uuid'])
