"""Rebuilding an instance on this host: its guest recreated from a new
(or the same) image, keeping the instance's id, host and addresses.

The API has written the new image (and name, metadata, key, user data,
...) into the record and moved it to task_state rebuilding; the conductor
has asked the scheduler whether this host still fits a changed image.
Here, under the per-instance lock, as Nova's compute does:

1. confirm the task is still ``rebuilding`` (a delete may have taken over),
   action event ``compute_rebuild_instance`` start, ``instance.rebuild.start``;
2. the old guest is destroyed with its root disk (nothing of it is kept:
   the drivers here have no ephemeral disk that ``preserve_ephemeral``
   could keep, so the flag changes nothing);
3. task_state ``rebuild_block_device_mapping`` (no block storage here:
   nothing to map), then ``rebuild_spawning`` and the driver's spawn from
   the new image;
4. ACTIVE, or STOPPED again (guest powered off) when the server was
   stopped before, as Nova does; ``instance.rebuild.end``.

A failure after the old guest is gone leaves nothing to go back to: the
instance goes to ERROR with a fault (Nova's behaviour), the event finishes
with Error and ``instance.rebuild.error`` goes out. A delete that comes
meanwhile wins: the new guest is removed.
"""
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common import exception
from nova_compute import instance_lock
from nova_compute import lifecycle

LOG = logging.getLogger(__name__)

EVENT = 'compute_rebuild_instance'
_SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)
INTERRUPTED = 'The compute service on %s restarted while this instance was being rebuilt.'
# Where a rebuild runs, in this order, after the API's ``rebuilding``.
TASK_STATES = (states.REBUILDING, states.REBUILD_BLOCK_DEVICE_MAPPING,
               states.REBUILD_SPAWNING)


def rebuild(context, host, driver, conductor_api, instance, image_meta,
            preserve_ephemeral=False):
    """Recreate the guest of ``instance`` from ``image_meta`` (the image as
    the API read it: id, properties, ...); see the module docstring."""
    uuid = instance['uuid']
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {}, expected={'task_state': states.REBUILDING},
                record_event={'event': EVENT, 'phase': 'start', 'host': host})
        except _SUPERSEDED as error:
            LOG.info('Not rebuilding instance %s: %s', uuid, error)
            return
        lifecycle.announce(context, host, instance, 'rebuild', 'start')
        was_stopped = instance['vm_state'] == states.STOPPED
        task_state = states.REBUILDING
        try:
            driver.destroy(context, instance)
            for task_state in TASK_STATES[1:]:
                instance = conductor_api.instance_update(
                    context, uuid, {'task_state': task_state},
                    expected={'task_state': TASK_STATES[TASK_STATES.index(task_state) - 1]})
            driver.spawn(context, instance, image_meta)
            if was_stopped:
                driver.power_off(instance, timeout=0)
        except _SUPERSEDED as error:
            LOG.info('Instance %s was deleted while it was rebuilt: %s', uuid, error)
            _quietly_destroy(context, driver, instance)
            return
        except Exception as error:  # noqa: BLE001 - any failure ends in ERROR
            _fail(context, host, driver, conductor_api, instance, task_state, error)
            return
        try:
            done = conductor_api.instance_update(
                context, uuid,
                {'vm_state': states.STOPPED if was_stopped else states.ACTIVE,
                 'task_state': None, 'power_state': driver.get_power_state(instance),
                 'launched_at': timeutils.utcnow().isoformat()},
                expected={'task_state': states.REBUILD_SPAWNING},
                record_event={'event': EVENT, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except _SUPERSEDED as error:
            LOG.info('Instance %s was deleted while it was rebuilt: %s', uuid, error)
            _quietly_destroy(context, driver, instance)
            return
        lifecycle.announce(context, host, done, 'rebuild', 'end')
    LOG.info('Instance %s rebuilt from image %s', uuid, (image_meta or {}).get('id'))


def _quietly_destroy(context, driver, instance):
    try:
        driver.destroy(context, instance)
    except Exception:  # noqa: BLE001 - the periodic cleanup finds what is left
        LOG.exception('Removing the guest of instance %s failed', instance['uuid'])


def _fail(context, host, driver, conductor_api, instance, task_state, error):
    """ERROR with a fault: the old guest is gone, the new one did not come."""
    uuid = instance['uuid']
    details = traceback.format_exc()
    LOG.warning('Rebuilding instance %s failed: %s', uuid, error)
    _quietly_destroy(context, driver, instance)
    # The fault first: whoever sees ERROR also sees why.
    conductor_api.instance_fault_create(context, uuid, 500, str(error), details=details,
                                        host=host)
    try:
        instance = conductor_api.instance_update(
            context, uuid, {'vm_state': states.ERROR, 'task_state': None,
                            'power_state': states.NOSTATE},
            expected={'task_state': task_state})
    except _SUPERSEDED:
        LOG.info('Instance %s was deleted while its rebuild failed', uuid)
        return
    conductor_api.action_event(context, uuid, EVENT, 'finish', host=host, result='Error',
                               details=details)
    lifecycle.announce(context, host, instance, 'rebuild', 'error', fault=error)


def abandon(context, host, conductor_api, instance):
    """A rebuild this compute service stopped in the middle of (it was
    restarted): the guest may be half made, so the instance goes to ERROR
    with a fault, as Nova's init_host does; a rebuild or a delete repairs it."""
    conductor_api.instance_fault_create(context, instance['uuid'], 500,
                                        INTERRUPTED % host, host=host)
    try:
        conductor_api.instance_update(
            context, instance['uuid'], {'vm_state': states.ERROR, 'task_state': None},
            expected={'task_state': instance['task_state']})
    except _SUPERSEDED:
        LOG.info('Instance %s moved on meanwhile', instance['uuid'])

