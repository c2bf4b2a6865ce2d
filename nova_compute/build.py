"""Building an instance on this host: spawning, ACTIVE, or reschedule.

Whatever fails, the build ends: a failed spawn is rescheduled or, when
even that fails, put in ERROR with a fault and its claim freed, each step
on its own (one that does not get through, the conductor being out of
reach, is left to the cell conductor's instance_build_timeout check). A
guest whose instance cannot be recorded ACTIVE is removed once the
instance is known to be in ERROR; its claim is freed only then.
"""
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common import exception
from nova_common.metrics import compute as compute_metrics
from nova_compute import instance_lock
from nova_compute import lifecycle
from nova_compute import vifs
import nova_metadata

LOG = logging.getLogger(__name__)

EVENT = 'compute_build_and_run_instance'
BUILD_FAILED = 'Build of the instance failed on %s and could not be rescheduled.'
# Times the compute asks for ERROR before it leaves the build to the
# conductor (each may wait [compute] conductor_wait_timeout).
ERROR_ATTEMPTS = 3


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
            instance = vifs.plug(context, host, driver, conductor_api, instance)
            driver.spawn(context, instance, request_spec.get('image'), config_drive_metadata=(
                request_spec.get(nova_metadata.CONFIG_DRIVE_SPEC_KEY)))
        except Exception as error:  # noqa: BLE001 - any spawn failure reschedules
            LOG.warning('Spawning instance %s on %s failed: %s', uuid, instance['node'], error)
            lifecycle.announce(context, host, instance, 'create', 'error', fault=error,
                               hook_action='build')
            _quietly('Removing the guest of instance %s' % uuid, driver.destroy,
                     context, instance)
            vifs.unplug(driver, uuid)
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
            vifs.unplug(driver, uuid)
            return None
        except Exception as error:  # noqa: BLE001 - the build must end anyway
            LOG.exception('Could not record instance %s as ACTIVE', uuid)
            if _end_in_error(context, host, conductor_api, uuid, str(error)):
                _quietly('Removing the guest of instance %s' % uuid, driver.destroy,
                         context, instance)
                vifs.unplug(driver, uuid)
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
    """A build that failed here and could not be handed on: a fault, then
    ERROR, then its claim freed. True when the instance is known to be in
    ERROR; False, the claim and the guest kept, when it moved on meanwhile
    (deleted, rescheduled after all, ACTIVE after all) or the conductor
    never answered (then the ERROR may still land, and the conductor frees
    the claim as it writes it, or the build timeout check ends the build)."""
    _quietly('Recording the fault of instance %s' % uuid, conductor_api.instance_fault_create,
             context, uuid, 500, BUILD_FAILED % host, details=reason, host=host)
    if not _record_error(context, conductor_api, uuid):
        return False
    _quietly('Freeing the claim of instance %s' % uuid, conductor_api.release_allocations,
             context, uuid)
    return True


def _record_error(context, conductor_api, uuid):
    """Put the instance in ERROR; whether it is known to be there.

    A call that timed out may still land later, after this build's
    earlier "ACTIVE" that also timed out, or before it. The guard makes the
    two exclusive (ACTIVE expects spawning, ERROR leaves no task), and it
    accepts ERROR with no task too, so that asking again answers for the
    attempts that timed out: the first answer tells what happened."""
    for attempt in range(1, ERROR_ATTEMPTS + 1):
        try:
            conductor_api.instance_update(
                context, uuid, {'vm_state': states.ERROR, 'task_state': None},
                expected={'vm_state': [states.BUILDING, states.ERROR],
                          'task_state': [states.SPAWNING, None]})
            return True
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance %s was deleted or moved on: its claim is not this '
                     'build\'s to free', uuid)
            return False
        except Exception:  # noqa: BLE001 - unknown outcome: ask again
            LOG.exception('Could not put instance %s in ERROR (attempt %d of %d)',
                          uuid, attempt, ERROR_ATTEMPTS)
    LOG.warning('The conductor did not answer: instance %s keeps its claim and guest '
                'until the build timeout check or a delete ends it', uuid)
    return False
