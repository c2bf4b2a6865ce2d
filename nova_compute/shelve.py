"""Shelving on this host: shelve (power off, snapshot, SHELVED), offload
(destroy the guest and free its claim: SHELVED_OFFLOADED, no host), and
unshelve (power on again, or spawn from the shelve snapshot on the host the
scheduler chose); the periodic offload of servers shelved longer than
[DEFAULT] shelved_offload_time.

Task states, as Nova's: shelving -> shelving_image_pending_upload ->
shelving_image_uploading -> None (or shelving_offloading when
shelved_offload_time is 0); shelving_offloading -> None; unshelving (the
API) -> spawning -> None. The server's system metadata holds
``shelved_at``, ``shelved_image_id`` and ``shelved_host`` while it is
shelved; unshelve removes them and deletes the snapshot.

A failure keeps the server where it was (its vm_state) with no task and a
fault; a failed shelve deletes its unfinished image (and starts the guest
of an ACTIVE server again), a failed spawn from
an offloaded shelve frees the new claim and leaves the server offloaded.
"""
import datetime
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common.image import api as image_api
from nova_compute import instance_lock
from nova_compute import lifecycle
from nova_compute import snapshot
from nova_compute import vifs

LOG = logging.getLogger(__name__)

SHELVE_EVENT = 'compute_shelve_instance'
OFFLOAD_EVENT = 'compute_shelve_offload_instance'
UNSHELVE_EVENT = 'compute_unshelve_instance'

SHELVED_AT = 'shelved_at'
SHELVED_IMAGE_ID = 'shelved_image_id'
SHELVED_HOST = 'shelved_host'
INTERRUPTED_UNSHELVE = ('The compute service on %s restarted while this instance was being '
                        'unshelved; it stays offloaded.')

# What a driver's snapshot reports, as the task states of a shelve.
_SHELVING_TASKS = {states.IMAGE_PENDING_UPLOAD: states.SHELVING_IMAGE_PENDING_UPLOAD,
                   states.IMAGE_UPLOADING: states.SHELVING_IMAGE_UPLOADING}

TASK_STATES = (states.SHELVING, states.SHELVING_IMAGE_PENDING_UPLOAD,
               states.SHELVING_IMAGE_UPLOADING, states.SHELVING_OFFLOADING,
               states.UNSHELVING)


class _ShelvingTaskUpdater(snapshot.TaskUpdater):
    def __call__(self, task_state, expected_state=None):
        super().__call__(_SHELVING_TASKS[task_state],
                         _SHELVING_TASKS.get(expected_state, expected_state))


def _power_off(driver, instance, clean_shutdown):
    driver.power_off(instance, timeout=CONF.shutdown_timeout if clean_shutdown else 0)


def shelve(context, host, driver, conductor_api, instance, image_id, clean_shutdown=True):
    """Power off, snapshot into ``image_id``, SHELVED; then offload at once
    when [DEFAULT] shelved_offload_time is 0. True when it was offloaded
    (the host's usage changed)."""
    uuid = instance['uuid']
    images = image_api.ImageAPI()
    offload_now = CONF.shelved_offload_time == 0
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {}, expected={'task_state': states.SHELVING},
                record_event={'event': SHELVE_EVENT, 'phase': 'start', 'host': host})
        except snapshot.SUPERSEDED as error:
            LOG.info('Not shelving instance %s: %s', uuid, error)
            snapshot.delete_unfinished_image(context, images, image_id)
            return False
        lifecycle.announce(context, host, instance, 'shelve', 'start')
        updater = _ShelvingTaskUpdater(context, conductor_api, uuid, states.SHELVING)
        try:
            _power_off(driver, instance, clean_shutdown)
            driver.snapshot(context, instance, image_id, updater)
            instance = conductor_api.instance_update(
                context, uuid,
                {'vm_state': states.SHELVED,
                 'task_state': states.SHELVING_OFFLOADING if offload_now else None,
                 'power_state': driver.get_power_state(instance),
                 'system_metadata': {SHELVED_AT: timeutils.utcnow().isoformat(),
                                     SHELVED_IMAGE_ID: image_id, SHELVED_HOST: host}},
                expected={'task_state': states.SHELVING_IMAGE_UPLOADING},
                record_event={'event': SHELVE_EVENT, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except snapshot.SUPERSEDED as error:
            LOG.info('Instance %s changed while it was shelved: %s', uuid, error)
            # No shelved server will need it, even when it was uploaded.
            snapshot.delete_image(context, images, image_id)
            conductor_api.action_event(context, uuid, SHELVE_EVENT, 'finish', host=host,
                                       result='Error', details=str(error))
            return False
        except Exception as error:  # noqa: BLE001 - any driver failure is recovered
            snapshot.delete_unfinished_image(context, images, image_id)
            if instance['vm_state'] == states.ACTIVE:
                # The server stays ACTIVE: its guest runs again.
                _quietly(driver.power_on, context, instance)
            _recover(context, host, driver, conductor_api, instance, updater.current,
                     SHELVE_EVENT, error)
            lifecycle.announce(context, host, instance, 'shelve', 'error', fault=error)
            return False
        lifecycle.announce(context, host, instance, 'shelve', 'end')
        LOG.info('Instance %s is shelved (image %s)', uuid, image_id)
        if offload_now:
            return _offload_locked(context, host, driver, conductor_api, instance,
                                   clean_shutdown)
    return False


def shelve_offload(context, host, driver, conductor_api, instance, clean_shutdown=True):
    """shelveOffload (the API set shelving_offloading): True when it was
    offloaded."""
    with instance_lock.locked(instance['uuid']):
        return _offload_locked(context, host, driver, conductor_api, instance,
                               clean_shutdown)


def _offload_locked(context, host, driver, conductor_api, instance, clean_shutdown):
    uuid = instance['uuid']
    try:
        instance = conductor_api.instance_update(
            context, uuid, {}, expected={'vm_state': states.SHELVED,
                                         'task_state': states.SHELVING_OFFLOADING},
            record_event={'event': OFFLOAD_EVENT, 'phase': 'start', 'host': host})
    except snapshot.SUPERSEDED as error:
        LOG.info('Not offloading instance %s: %s', uuid, error)
        return False
    lifecycle.announce(context, host, instance, 'shelve_offload', 'start')
    try:
        _power_off(driver, instance, clean_shutdown)
        driver.destroy(context, instance)
        vifs.unplug(driver, uuid)
        # The guest is gone: its claim goes before the record says so, so
        # that whoever sees SHELVED_OFFLOADED sees the host's resources free.
        conductor_api.release_allocations(context, uuid)
        done = conductor_api.instance_update(
            context, uuid,
            {'vm_state': states.SHELVED_OFFLOADED, 'task_state': None,
             'power_state': states.NOSTATE, 'host': None, 'node': None},
            expected={'task_state': states.SHELVING_OFFLOADING},
            record_event={'event': OFFLOAD_EVENT, 'phase': 'finish', 'host': host,
                          'result': 'Success'})
    except snapshot.SUPERSEDED as error:
        LOG.info('Instance %s changed while it was offloaded: %s', uuid, error)
        return False
    except Exception as error:  # noqa: BLE001 - any driver failure is recovered
        _recover(context, host, driver, conductor_api, instance, states.SHELVING_OFFLOADING,
                 OFFLOAD_EVENT, error)
        lifecycle.announce(context, host, instance, 'shelve_offload', 'error', fault=error)
        return False
    lifecycle.announce(context, host, done, 'shelve_offload', 'end')
    LOG.info('Instance %s is offloaded from %s', uuid, host)
    return True


def offload_expired(context, host, driver, conductor_api):
    """The periodic task: offload the servers of this host shelved longer
    than [DEFAULT] shelved_offload_time (> 0); True when any was."""
    if CONF.shelved_offload_time <= 0:
        return False
    oldest = timeutils.utcnow() - datetime.timedelta(
        seconds=CONF.shelved_offload_time)
    offloaded = False
    for instance in conductor_api.instances_on_host(context, host):
        if instance['vm_state'] != states.SHELVED or instance['task_state'] is not None:
            continue
        shelved_at = (instance.get('system_metadata') or {}).get(SHELVED_AT)
        if not shelved_at or timeutils.normalize_time(
                timeutils.parse_isotime(shelved_at)) > oldest:
            continue
        try:
            instance = conductor_api.instance_update(
                context, instance['uuid'], {'task_state': states.SHELVING_OFFLOADING},
                expected={'vm_state': states.SHELVED, 'task_state': None})
        except snapshot.SUPERSEDED:
            continue
        LOG.info('Offloading instance %s, shelved since %s', instance['uuid'], shelved_at)
        offloaded = shelve_offload(context, host, driver, conductor_api, instance) or offloaded
    return offloaded


def unshelve(context, host, driver, conductor_api, instance, image_id=None,
             request_spec=None):
    """Unshelve (the API, or the conductor after scheduling, set
    unshelving): power on a SHELVED guest here, or spawn an offloaded one
    from ``image_id`` on instance['node']; ACTIVE, the snapshot deleted.
    True when a guest was spawned (the host's usage changed)."""
    uuid = instance['uuid']
    offloaded = instance['vm_state'] == states.SHELVED_OFFLOADED
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {'task_state': states.SPAWNING},
                expected={'task_state': states.UNSHELVING},
                record_event={'event': UNSHELVE_EVENT, 'phase': 'start', 'host': host})
        except snapshot.SUPERSEDED as error:
            LOG.info('Not unshelving instance %s: %s', uuid, error)
            if offloaded:
                conductor_api.release_allocations(context, uuid)
            return False
        lifecycle.announce(context, host, instance, 'unshelve', 'start')
        images = image_api.ImageAPI()
        shelved_image_id = (instance.get('system_metadata') or {}).get(SHELVED_IMAGE_ID)
        try:
            if offloaded:
                image = images.get(context, image_id)
                # The guest boots from the snapshot; the record keeps the
                # image the server was created from, as in Nova.
                plugged = vifs.plug(context, host, driver, conductor_api, instance)
                driver.spawn(context, dict(plugged, image_ref=image['id']),
                             image_spec(image))
            else:
                driver.power_on(context, instance)
            done = conductor_api.instance_update(
                context, uuid,
                {'vm_state': states.ACTIVE, 'task_state': None,
                 'power_state': driver.get_power_state(instance),
                 'system_metadata': {SHELVED_AT: None, SHELVED_IMAGE_ID: None,
                                     SHELVED_HOST: None}},
                expected={'task_state': states.SPAWNING},
                record_event={'event': UNSHELVE_EVENT, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except snapshot.SUPERSEDED as error:
            LOG.info('Instance %s changed while it was unshelved: %s', uuid, error)
            if offloaded:
                _quietly(driver.destroy, context, instance)
                vifs.unplug(driver, uuid)
            return False
        except Exception as error:  # noqa: BLE001 - any driver failure is recovered
            if offloaded:
                _fail_offloaded_unshelve(context, host, driver, conductor_api, instance, error)
            else:
                _recover(context, host, driver, conductor_api, instance, states.SPAWNING,
                         UNSHELVE_EVENT, error)
            lifecycle.announce(context, host, instance, 'unshelve', 'error', fault=error)
            return False
    lifecycle.announce(context, host, done, 'unshelve', 'end')
    if shelved_image_id:
        snapshot.delete_image(context, images, shelved_image_id)
    LOG.info('Instance %s is unshelved on %s', uuid, host)
    return offloaded


def image_spec(image):
    """The image as a request spec carries it to a driver's spawn."""
    return {key: image.get(key) for key in (
        'id', 'name', 'min_disk', 'min_ram', 'properties', 'status', 'size', 'disk_format')}


def _quietly(func, *args):
    try:
        func(*args)
    except Exception:  # noqa: BLE001 - logged; the next steps still run
        LOG.exception('%s failed', getattr(func, '__name__', func))


def _fail_offloaded_unshelve(context, host, driver, conductor_api, instance, error):
    """Back to SHELVED_OFFLOADED with no host and a fault; the guest made
    and the new claim go, the shelve snapshot stays for another try."""
    uuid = instance['uuid']
    details = traceback.format_exc()
    LOG.warning('Unshelving instance %s on %s failed: %s', uuid, host, error)
    _quietly(driver.destroy, context, instance)
    vifs.unplug(driver, uuid)
    conductor_api.release_allocations(context, uuid)
    try:
        conductor_api.instance_update(
            context, uuid, {'vm_state': states.SHELVED_OFFLOADED, 'task_state': None,
                            'power_state': states.NOSTATE, 'host': None, 'node': None},
            expected={'task_state': states.SPAWNING})
    except snapshot.SUPERSEDED:
        LOG.info('Instance %s was deleted while its unshelve failed', uuid)
        return
    conductor_api.instance_fault_create(context, uuid, 500, str(error), details=details,
                                        host=host)
    conductor_api.action_event(context, uuid, UNSHELVE_EVENT, 'finish', host=host,
                               result='Error', details=details)


def _current_power_state(driver, instance):
    try:
        return driver.get_power_state(instance)
    except Exception:  # noqa: BLE001 - the record then keeps what it had
        return instance.get('power_state')


def _recover(context, host, driver, conductor_api, instance, task_state, event, error):
    """No task, the vm_state kept, the guest's power state, a fault."""
    uuid = instance['uuid']
    details = traceback.format_exc()
    LOG.warning('%s of instance %s failed: %s', event, uuid, error)
    try:
        conductor_api.instance_update(
            context, uuid,
            {'task_state': None, 'power_state': _current_power_state(driver, instance)},
            expected={'task_state': task_state})
    except snapshot.SUPERSEDED:
        LOG.info('Instance %s was deleted while %s failed', uuid, event)
        return
    conductor_api.instance_fault_create(context, uuid, 500, str(error), details=details,
                                        host=host)
    conductor_api.action_event(context, uuid, event, 'finish', host=host, result='Error',
                               details=details)


def interrupted(instance):
    """Whether ``instance`` (of this host) was in a shelve task, or being
    spawned by an unshelve, when this compute service stopped."""
    return instance['task_state'] in TASK_STATES or (
        instance['vm_state'] == states.SHELVED_OFFLOADED
        and instance['task_state'] == states.SPAWNING)


def abandon(context, driver, conductor_api, instance):
    """A shelve task this compute service stopped in the middle of: no task
    again (the power state sync settles the rest); an unshelve that was
    spawning goes back to offloaded, its guest and claim removed."""
    if instance['vm_state'] != states.SHELVED_OFFLOADED:
        snapshot.abandon(context, conductor_api, instance)
        return
    LOG.warning('The unshelve of instance %s was interrupted; it stays offloaded',
                instance['uuid'])
    _quietly(driver.destroy, context, instance)
    vifs.unplug(driver, instance['uuid'])
    conductor_api.release_allocations(context, instance['uuid'])
    # The fault first: whoever sees the server offloaded again also sees why.
    conductor_api.instance_fault_create(context, instance['uuid'], 500,
                                        INTERRUPTED_UNSHELVE % instance['host'],
                                        host=instance['host'])
    try:
        conductor_api.instance_update(
            context, instance['uuid'], {'task_state': None, 'power_state': states.NOSTATE,
                                        'host': None, 'node': None},
            expected={'vm_state': states.SHELVED_OFFLOADED,
                      'task_state': instance['task_state']})
    except snapshot.SUPERSEDED:
        LOG.info('Instance %s moved on meanwhile', instance['uuid'])
