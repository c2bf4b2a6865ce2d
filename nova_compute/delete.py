"""Deleting an instance on this host: destroy the guest, then the record
and its claim go through the cell conductor.

A guest that cannot be destroyed leaves its instance in ERROR with a
fault (as Nova does), its claim kept: the guest may still hold the host's
resources. Deleting the server again tries again."""
import traceback

from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common.metrics import compute as compute_metrics
from nova_compute import instance_lock
from nova_compute import lifecycle
from nova_compute import vifs

LOG = logging.getLogger(__name__)

DESTROY_FAILED = 'The guest could not be removed from %s; delete the server again.'


@compute_metrics.timed_delete
def terminate(context, driver, conductor_api, instance):
    """True when the guest and the record are gone, False when the guest
    could not be removed (the instance is then in ERROR)."""
    uuid = instance['uuid']
    host = instance.get('host')
    with instance_lock.locked(uuid):
        lifecycle.announce(context, host, instance, 'delete', 'start')
        try:
            driver.destroy(context, instance)
        except Exception as error:  # noqa: BLE001 - reported on the instance instead
            LOG.exception('Removing the guest of instance %s failed', uuid)
            lifecycle.announce(context, host, instance, 'delete', 'error', fault=error)
            conductor_api.instance_fault_create(context, uuid, 500, DESTROY_FAILED % host,
                                                details=traceback.format_exc(), host=host)
            conductor_api.instance_update(context, uuid,
                                          {'vm_state': states.ERROR, 'task_state': None},
                                          expected={'task_state': states.DELETING})
            return False
        vifs.unplug(driver, uuid)
        deleted = conductor_api.instance_destroy(context, uuid)
        lifecycle.announce(context, host, deleted, 'delete', 'end')
    LOG.info('Instance %s deleted', uuid)
    return True
