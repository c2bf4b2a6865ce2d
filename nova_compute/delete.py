"""Deleting an instance on this host: destroy the guest, then the record
and its claim go through the cell conductor.

A guest that cannot be destroyed leaves its instance in ERROR with a
fault (as Nova does), its claim kept: the guest may still hold the host's
resources. Deleting the server again tries again."""
import traceback

from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common import notifications
from nova_compute import instance_lock

LOG = logging.getLogger(__name__)

DESTROY_FAILED = 'The guest could not be removed from %s; delete the server again.'


def terminate(context, driver, conductor_api, instance):
    uuid = instance['uuid']
    host = instance.get('host')
    publisher = notifications.compute_publisher(host)
    with instance_lock.locked(uuid):
        notifications.instance_action(context, publisher, instance, 'delete', 'start')
        try:
            driver.destroy(context, instance)
        except Exception as error:  # noqa: BLE001 - reported on the instance instead
            LOG.exception('Removing the guest of instance %s failed', uuid)
            notifications.instance_action(context, publisher, instance, 'delete', 'error',
                                          fault=error)
            conductor_api.instance_fault_create(context, uuid, 500, DESTROY_FAILED % host,
                                                details=traceback.format_exc(), host=host)
            conductor_api.instance_update(context, uuid,
                                          {'vm_state': states.ERROR, 'task_state': None},
                                          expected={'task_state': states.DELETING})
            return
        deleted = conductor_api.instance_destroy(context, uuid)
        notifications.instance_action(context, publisher, deleted, 'delete', 'end')
    LOG.info('Instance %s deleted', uuid)
