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

An evacuation is a rebuild on another host (an ``Arrival``), as Nova's
``recreate``: there is no old guest here to destroy (it is on the failed
host), the guest is spawned on the arrival's node, and the record takes
this host and node with its final state. The evacuation's migration goes
``pre-migrating`` when the rebuild starts here, ``done`` when it succeeded
(the source compute cleans up when it comes back: startup.py), ``failed``
with the destination's part of the claim freed when it did not.
A stopped server ends stopped; from 2.95 (``stop``) every evacuated server
does; ``instance.evacuate`` goes out after ``instance.rebuild.end``.
"""
import collections
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common import exception
from nova_common import notifications
from nova_compute import instance_lock
from nova_compute import lifecycle
from nova_compute import vifs

LOG = logging.getLogger(__name__)

EVENT = 'compute_rebuild_instance'
_SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)
INTERRUPTED = 'The compute service on %s restarted while this instance was being rebuilt.'
# Where a rebuild runs, in this order, after the API's ``rebuilding``.
TASK_STATES = (states.REBUILDING, states.REBUILD_BLOCK_DEVICE_MAPPING,
               states.REBUILD_SPAWNING)

# An evacuation arriving here: the node to spawn on, its migration record,
# whether the server ends stopped whatever it was (2.95).
Arrival = collections.namedtuple('Arrival', 'node migration_uuid stop')


def _here(instance, host, arrival):
    """The instance as the guest here is made of it: on this host and the
    arrival's node for an evacuation."""
    return instance if arrival is None else dict(instance, host=host, node=arrival.node)


def _migration_status(context, conductor_api, arrival, status, expected):
    try:
        conductor_api.migration_update(context, arrival.migration_uuid, {'status': status},
                                       expected_status=expected)
    except exception.MigrationNotFound:
        LOG.info('Migration %s is no longer %s; not making it %s', arrival.migration_uuid,
                 ' or '.join(expected), status)


def _evacuation_failed(context, driver, conductor_api, arrival, uuid):
    """The evacuation to this host ended without a guest here: its
    ports unplugged here, the destination's part of the claim freed."""
    if arrival is not None:
        vifs.unplug(driver, uuid)
        conductor_api.finish_evacuation(context, arrival.migration_uuid, 'failed')


def rebuild(context, host, driver, conductor_api, instance, image_meta,
            preserve_ephemeral=False, arrival=None):
    """Recreate the guest of ``instance`` from ``image_meta`` (the image as
    the API read it: id, properties, ...), here on ``arrival``'s node for
    an evacuation; see the module docstring."""
    uuid = instance['uuid']
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {}, expected={'task_state': states.REBUILDING},
                record_event={'event': EVENT, 'phase': 'start', 'host': host})
        except _SUPERSEDED as error:
            LOG.info('Not rebuilding instance %s: %s', uuid, error)
            _evacuation_failed(context, driver, conductor_api, arrival, uuid)
            return
        if arrival is not None:
            _migration_status(context, conductor_api, arrival, 'pre-migrating', ['accepted'])
        lifecycle.announce(context, host, instance, 'rebuild', 'start')
        ends_stopped = instance['vm_state'] == states.STOPPED or bool(arrival and arrival.stop)
        task_state = states.REBUILDING
        try:
            if arrival is None:
                driver.destroy(context, instance)
            for task_state in TASK_STATES[1:]:
                instance = conductor_api.instance_update(
                    context, uuid, {'task_state': task_state},
                    expected={'task_state': TASK_STATES[TASK_STATES.index(task_state) - 1]})
            guest = _here(instance, host, arrival)
            if arrival is not None:
                # The ports are bound here when the record takes this host below.
                guest = vifs.plug(context, host, driver, conductor_api, guest)
            driver.spawn(context, guest, image_meta)
            if ends_stopped:
                driver.power_off(guest, timeout=0)
        except _SUPERSEDED as error:
            LOG.info('Instance %s was deleted while it was rebuilt: %s', uuid, error)
            _quietly_destroy(context, driver, instance)
            _evacuation_failed(context, driver, conductor_api, arrival, uuid)
            return
        except Exception as error:  # noqa: BLE001 - any failure ends in ERROR
            _fail(context, host, driver, conductor_api, instance, task_state, error)
            _evacuation_failed(context, driver, conductor_api, arrival, uuid)
            return
        values = {'vm_state': states.STOPPED if ends_stopped else states.ACTIVE,
                  'task_state': None, 'power_state': driver.get_power_state(instance),
                  'launched_at': timeutils.utcnow().isoformat()}
        if arrival is not None:
            values.update(host=host, node=arrival.node)
        try:
            done = conductor_api.instance_update(
                context, uuid, values, expected={'task_state': states.REBUILD_SPAWNING},
                record_event={'event': EVENT, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except _SUPERSEDED as error:
            LOG.info('Instance %s was deleted while it was rebuilt: %s', uuid, error)
            _quietly_destroy(context, driver, instance)
            _evacuation_failed(context, driver, conductor_api, arrival, uuid)
            return
        if arrival is not None:
            _migration_status(context, conductor_api, arrival, 'done', ['pre-migrating'])
        lifecycle.announce(context, host, done, 'rebuild', 'end')
        if arrival is not None:
            notifications.instance_action(context, notifications.compute_publisher(host),
                                          done, 'evacuate')
    LOG.info('Instance %s rebuilt from image %s%s', uuid, (image_meta or {}).get('id'),
             '' if arrival is None else ' on %s (evacuated)' % arrival.node)


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
            expected={'task_state': task_state},
            record_event={'event': EVENT, 'phase': 'finish', 'host': host,
                          'result': 'Error', 'details': details})
    except _SUPERSEDED:
        LOG.info('Instance %s was deleted while its rebuild failed', uuid)
        return
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

