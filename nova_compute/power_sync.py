"""Keeping instance records in step with what the hypervisor says about
their guests: on the driver's lifecycle events and every [DEFAULT]
sync_power_state_interval seconds.

Nova's ``_sync_instance_power_state``, simplified:

- An instance with a task in progress is left alone: its task writes the
  end state (and the events its own driver calls cause are not news).
- The record's power_state follows the guest's.
- active, and the guest shut down, crashed or suspended by itself: the
  guest is powered off (when it is not off already) and the instance is
  stopped (status SHUTOFF). paused, and the guest shut down or crashed:
  the same.
- stopped, and the guest runs (started behind our back): the guest is
  powered off, as Nova's force_stop does.
- active and the guest paused, or the guest not found: only logged (an
  external tool may pause a guest for a while; a hypervisor restarting may
  not list it yet), as in Nova.
- Other vm_states (building, error, suspended, ...) only get their
  power_state recorded.

Unlike Nova, which calls its stop API, no instance action or notification
is recorded for a sync. Each decision is applied with updates guarded by
the vm_state it was made on and task_state None, under the instance lock,
so any action the API started meanwhile wins.
"""
from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common import exception
from nova_compute import instance_lock

LOG = logging.getLogger(__name__)

# What to do about an instance.
NOTHING = 'nothing'
RECORD = 'record'              # write the guest's power_state
STOP = 'stop'                  # vm_state stopped (powering the guest off if needed)
POWER_OFF = 'power_off'        # the record says stopped: power the guest off

_OFF = (states.SHUTDOWN, states.CRASHED)
_SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)


def decide(vm_state, recorded_power_state, guest_power_state):
    """What the sync does about an instance with no task running."""
    if vm_state == states.ACTIVE and guest_power_state in _OFF + (states.POWER_SUSPENDED,):
        return STOP
    if vm_state == states.PAUSED and guest_power_state in _OFF:
        return STOP
    if vm_state == states.STOPPED and guest_power_state not in _OFF + (states.NOSTATE,):
        return POWER_OFF
    if recorded_power_state != guest_power_state:
        return RECORD
    return NOTHING


def sync_all(context, host, driver, conductor_api):
    """The periodic task: every instance of this host with no task."""
    for instance in conductor_api.instances_on_host(context, host):
        if instance['task_state'] is not None:
            continue
        try:
            sync_instance(context, host, driver, conductor_api, instance)
        except Exception:  # noqa: BLE001 - one instance never stops the others' sync
            LOG.exception('Power state sync of instance %s failed', instance['uuid'])


def sync_uuid(context, host, driver, conductor_api, uuid):
    """A lifecycle event about guest ``uuid``: sync its instance, read
    afresh under the lock (the event may be older than the record)."""
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_get(context, uuid)
        except exception.InstanceNotFound:
            instance = None
        if instance is not None and instance['host'] == host:
            _sync_locked(context, driver, conductor_api, instance)
            return
    LOG.debug('Event about guest %s, which no instance of %s owns', uuid, host)


def sync_instance(context, host, driver, conductor_api, instance):
    with instance_lock.locked(instance['uuid']):
        _sync_locked(context, driver, conductor_api, instance)


def _sync_locked(context, driver, conductor_api, instance):
    if instance['task_state'] is not None:
        return
    uuid = instance['uuid']
    vm_state = instance['vm_state']
    guest_power_state = driver.get_power_state(instance)
    decision = decide(vm_state, instance['power_state'], guest_power_state)
    if vm_state == states.ACTIVE and guest_power_state in (states.POWER_PAUSED,
                                                           states.NOSTATE):
        LOG.warning('The guest of active instance %s is %s; leaving it be', uuid,
                    states.POWER_STATE_NAMES.get(guest_power_state))
    expected = {'vm_state': vm_state, 'task_state': None}
    try:
        if decision == RECORD:
            conductor_api.instance_update(context, uuid, {'power_state': guest_power_state},
                                          expected=expected)
        elif decision == STOP:
            LOG.warning('Instance %s is %s but its guest is %s: stopping it', uuid, vm_state,
                        states.POWER_STATE_NAMES.get(guest_power_state))
            _power_off(context, driver, conductor_api, instance, expected,
                       guest_power_state not in _OFF)
        elif decision == POWER_OFF:
            LOG.warning('Instance %s is stopped but its guest is %s: powering it off', uuid,
                        states.POWER_STATE_NAMES.get(guest_power_state))
            _power_off(context, driver, conductor_api, instance, expected, True)
    except _SUPERSEDED as error:
        LOG.info('Power state sync of instance %s gave way: %s', uuid, error)


def _power_off(context, driver, conductor_api, instance, expected, guest_needs_stopping):
    """Stop the instance: task powering-off first (so that nothing else
    starts on it), the guest off, then stopped with no task."""
    uuid = instance['uuid']
    conductor_api.instance_update(context, uuid, {'task_state': states.POWERING_OFF},
                                  expected=expected)
    try:
        if guest_needs_stopping:
            driver.power_off(instance)
    except Exception:  # noqa: BLE001 - the instance keeps its state, with no task
        LOG.exception('Could not power off the guest of instance %s', uuid)
        conductor_api.instance_update(
            context, uuid, {'task_state': None, 'power_state': driver.get_power_state(instance)},
            expected={'task_state': states.POWERING_OFF})
        return
    conductor_api.instance_update(
        context, uuid, {'vm_state': states.STOPPED, 'task_state': None,
                        'power_state': driver.get_power_state(instance)},
        expected={'task_state': states.POWERING_OFF})
