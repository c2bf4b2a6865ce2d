"""Building an instance on this host: spawning, ACTIVE, or reschedule.

Whatever fails, the build ends: a failed spawn is rescheduled or, when
even that fails, put in ERROR with a fault and its claim freed, each step
on its own (one that does not get through, the conductor being out of
reach, is left to the cell conductor's instance_build_timeout check). A
guest whose instance cannot be recorded ACTIVE is removed.
"""
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common import exception
from nova_common.metrics import compute as compute_metrics
from nova_compute import instance_lock
from nova_compute import lifecycle

LOG = logging.getLogger(__name__)

EVENT = 'compute_build_and_run_instance'
BUILD_FAILED = 'Build of the instance failed on %s and could not be rescheduled.'


@compute_metrics.timed_build
def build_and_run(context, host, driver, conductor_api, instance, request_spec, alternates):
    """True when the instance was built, False when its spawn failed (and it
    was sent to be rescheduled), None when it was not to be built here."""
    uuid = instance['uuid']
    with instance_lock.locked(uuid):
        try:
            instance = conductor_api.instance_update(
                context, uuid, {'task_state': states.SPAWNING},
                expected={'vm_state': states.BUILDING,
                          'task_state': [states.SCHEDULING, None]},
                record_event={'event': EVENT, 'phase': 'start', 'host': host})
        except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
            LOG.info('Not building instance %s: %s', uuid, error)
            return None
        except Exception:  # noqa: BLE001 - the conductor's build timeout ends it
            LOG.exception('Could not start building instance %s', uuid)
            return None
        lifecycle.announce(context, host, instance, 'create', 'start', hook_action='build')
        try:
            driver.spawn(context, instance, request_spec.get('image'))
        except Exception as error:  # noqa: BLE001 - any spawn failure reschedules
            LOG.warning('Spawning instance %s on %s failed: %s', uuid, instance['node'], error)
            lifecycle.announce(context, host, instance, 'create', 'error', fault=error,
                               hook_action='build')
            _quietly('Removing the guest of instance %s' % uuid, driver.destroy,
                     context, instance)
            _quietly('Recording the failed spawn of instance %s' % uuid,
                     conductor_api.action_event, context, uuid, EVENT, 'finish', host=host,
                     result='Error', details=traceback.format_exc())
            if not _quietly('Rescheduling instance %s' % uuid, conductor_api.reschedule,
                            context, instance, request_spec, alternates, str(error)):
                _end_in_error(context, host, conductor_api, uuid, str(error))
            return False
        try:
            instance = conductor_api.instance_update(
                context, uuid,
                {'vm_state': states.ACTIVE, 'task_state': None,
                 'power_state': driver.get_power_state(instance),
                 'launched_at': timeutils.utcnow().isoformat()},
                expected={'task_state': states.SPAWNING},
                record_event={'event': EVENT, 'phase': 'finish', 'host': host,
                              'result': 'Success'})
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            # Deleted while spawning (delete wins) or put in ERROR by the
            # build timeout: either way the guest goes.
            LOG.info('Instance %s was deleted or ended while it was spawning', uuid)
            _quietly('Removing the guest of instance %s' % uuid, driver.destroy,
                     context, instance)
            return None
        except Exception as error:  # noqa: BLE001 - the build must end anyway
            LOG.exception('Could not record instance %s as ACTIVE', uuid)
            if _end_in_error(context, host, conductor_api, uuid, str(error)):
                _quietly('Removing the guest of instance %s' % uuid, driver.destroy,
                         context, instance)
            return None
        lifecycle.announce(context, host, instance, 'create', 'end', hook_action='build')
        LOG.info('Instance %s is ACTIVE on %s', uuid, instance['node'])
        return True


def _quietly(what, func, *args, **kwargs):
    """One step of ending a failed build: True when it worked; a failure
    is logged and the next step still runs."""
    try:
        func(*args, **kwargs)
    except Exception:  # noqa: BLE001 - the steps after it must run
        LOG.exception('%s failed', what)
        return False
    return True


def _end_in_error(context, host, conductor_api, uuid, reason):
    """A build that failed here and could not be handed on: a fault, ERROR
    and its claim freed, each step on its own. False, and the claim kept,
    when the instance moved on meanwhile (deleted, rescheduled after all,
    or ACTIVE after all)."""
    _quietly('Recording the fault of instance %s' % uuid, conductor_api.instance_fault_create,
             context, uuid, 500, BUILD_FAILED % host, details=reason, host=host)
    try:
        conductor_api.instance_update(context, uuid,
                                      {'vm_state': states.ERROR, 'task_state': None},
                                      expected={'vm_state': states.BUILDING,
                                                'task_state': states.SPAWNING})
    except (exception.InstanceNotFound, exception.InstanceInvalidState):
        LOG.info('Instance %s was deleted or moved on: its claim is not this '
                 'build\'s to free', uuid)
        return False
    except Exception:  # noqa: BLE001 - the claim is freed all the same
        LOG.exception('Could not put instance %s in ERROR', uuid)
    _quietly('Freeing the claim of instance %s' % uuid, conductor_api.release_allocations,
             context, uuid)
    return True
