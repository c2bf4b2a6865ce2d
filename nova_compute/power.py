"""Power actions on this host: stop, start, reboot, pause, unpause,
suspend and resume.

The API has already moved the instance to the action's task_state (guarded
by the vm_states the action allows) and recorded the instance action. Here,
under the per-instance lock:

1. confirm the task is still the one the API set: a delete (or a hard
   reboot replacing a soft one) may have taken over, and then this action
   just stops;
2. action event start (in the same conductor call as the check),
   notification ``instance.<action>.start``;
3. the driver operation;
4. the end state in one update guarded by that task_state, so that a
   delete that came meanwhile wins, with the action event finish;
5. notification ``instance.<action>.end``.

When the driver fails, the instance keeps its vm_state (the API never
changed it) with no task and the guest's current power state, gets a
fault, its event finishes with Error and an ``.error`` notification goes
out: no task_state is ever left behind.
"""
import dataclasses
import traceback
import typing

from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute import instance_lock
from nova_compute import lifecycle

LOG = logging.getLogger(__name__)

# The instance is gone or another task replaced ours: delete wins.
_SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)


@dataclasses.dataclass(frozen=True)
class Operation:
    event: str              # the instance action event, as Nova names it
    notification: str       # instance.<notification>.start / .end / .error
    vm_state: str           # where the instance is once the guest got there
    run: typing.Callable    # run(driver, context, instance, **arguments)


def _power_off(driver, context, instance, clean_shutdown=True):
    driver.power_off(instance, timeout=CONF.shutdown_timeout if clean_shutdown else 0)


STOP = Operation('compute_stop_instance', 'power_off', states.STOPPED, _power_off)
START = Operation('compute_start_instance', 'power_on', states.ACTIVE,
                  lambda driver, context, instance: driver.power_on(context, instance))
REBOOT = Operation('compute_reboot_instance', 'reboot', states.ACTIVE,
                   lambda driver, context, instance, reboot_type:
                   driver.reboot(context, instance, reboot_type))
PAUSE = Operation('compute_pause_instance', 'pause', states.PAUSED,
                  lambda driver, context, instance: driver.pause(instance))
UNPAUSE = Operation('compute_unpause_instance', 'unpause', states.ACTIVE,
                    lambda driver, context, instance: driver.unpause(instance))
SUSPEND = Operation('compute_suspend_instance', 'suspend', states.SUSPENDED,
                    lambda driver, context, instance: driver.suspend(context, instance))
RESUME = Operation('compute_resume_instance', 'resume', states.ACTIVE,
                   lambda driver, context, instance: driver.resume(context, instance))


# The task_states the API sets for these actions.
TASK_STATES = (states.POWERING_OFF, states.POWERING_ON, states.REBOOTING,
               states.REBOOTING_HARD, states.PAUSING, states.UNPAUSING, states.SUSPENDING,
               states.RESUMING)


def perform(context, host, driver, conductor_api, instance, operation, **arguments):
    """Carry out ``operation`` on ``instance`` (as the API cast it, with the
    task_state it set); see the module docstring."""
    uuid = instance['uuid']
    task_state = instance['task_state']
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {}, expected={'task_state': task_state},
                record_event={'event': operation.event, 'phase': 'start', 'host': host})
        except _SUPERSEDED as error:
            LOG.info('Not running %s on instance %s: %s', operation.event, uuid, error)
            return
        lifecycle.announce(context, host, instance, operation.notification, 'start')
        try:
            operation.run(driver, context, instance, **arguments)
        except Exception as error:  # noqa: BLE001 - any driver failure is recovered
            _recover(context, host, driver, conductor_api, instance, operation, error)
            return
        try:
            done = conductor_api.instance_update(
                context, uuid,
                {'vm_state': operation.vm_state, 'task_state': None,
                 'power_state': driver.get_power_state(instance)},
                expected={'task_state': task_state},
                record_event={'event': operation.event, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except _SUPERSEDED as error:
            LOG.info('Instance %s changed during %s: %s', uuid, operation.event, error)
            conductor_api.action_event(context, uuid, operation.event, 'finish', host=host,
                                       result='Error', details=str(error))
            return
        lifecycle.announce(context, host, done, operation.notification, 'end')
    LOG.info('%s of instance %s done: %s', operation.event, uuid, operation.vm_state)


def _current_power_state(driver, instance):
    try:
        return driver.get_power_state(instance)
    except Exception:  # noqa: BLE001 - the record then keeps what it had
        LOG.exception('Cannot read the power state of instance %s', instance['uuid'])
        return instance.get('power_state')


def _recover(context, host, driver, conductor_api, instance, operation, error):
    """Back to the stable state the instance was in, with a fault."""
    uuid = instance['uuid']
    details = traceback.format_exc()
    LOG.warning('%s of instance %s failed: %s', operation.event, uuid, error)
    try:
        instance = conductor_api.instance_update(
            context, uuid,
            {'task_state': None, 'power_state': _current_power_state(driver, instance)},
            expected={'task_state': instance['task_state']})
    except _SUPERSEDED:
        LOG.info('Instance %s was deleted while %s failed', uuid, operation.event)
    conductor_api.instance_fault_create(context, uuid, 500, str(error), details=details,
                                        host=host)
    conductor_api.action_event(context, uuid, operation.event, 'finish', host=host,
                               result='Error', details=details)
    lifecycle.announce(context, host, instance, operation.notification, 'error', fault=error)


def abandon(context, driver, conductor_api, instance):
    """A power action this compute service stopped in the middle of (it
    was restarted): the instance keeps its vm_state with no task and the
    guest's power state, and the power state sync settles the rest."""
    uuid = instance['uuid']
    LOG.warning('The %s of instance %s was interrupted; clearing it', instance['task_state'],
                uuid)
    with instance_lock.locked(uuid):
        try:
            conductor_api.instance_update(
                context, uuid,
                {'task_state': None, 'power_state': _current_power_state(driver, instance)},
                expected={'task_state': instance['task_state']})
        except _SUPERSEDED:
            LOG.info('Instance %s moved on meanwhile', uuid)
