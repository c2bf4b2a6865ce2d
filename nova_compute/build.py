"""Building an instance on this host: spawning, ACTIVE, or reschedule."""
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common import exception
from nova_common import notifications
from nova_compute import instance_lock

LOG = logging.getLogger(__name__)

EVENT = 'compute_build_and_run_instance'


def build_and_run(context, host, driver, conductor_api, instance, request_spec, alternates):
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
            return
        publisher = notifications.compute_publisher(host)
        notifications.instance_action(context, publisher, instance, 'create', 'start')
        try:
            driver.spawn(context, instance, request_spec.get('image'))
        except Exception as error:  # noqa: BLE001 - any spawn failure reschedules
            LOG.warning('Spawning instance %s on %s failed: %s', uuid, instance['node'], error)
            notifications.instance_action(context, publisher, instance, 'create', 'error',
                                          fault=error)
            driver.destroy(context, instance)
            conductor_api.action_event(context, uuid, EVENT, 'finish', host=host,
                                       result='Error', details=traceback.format_exc())
            conductor_api.reschedule(context, instance, request_spec, alternates, str(error))
            return
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
            # Deleted while spawning: delete wins, and the delete request
            # queued behind this lock removes the guest.
            LOG.info('Instance %s was deleted while it was spawning', uuid)
            return
        notifications.instance_action(context, publisher, instance, 'create', 'end')
        LOG.info('Instance %s is ACTIVE on %s', uuid, instance['node'])
