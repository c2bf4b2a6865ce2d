"""Deleting an instance on this host: destroy the guest, then the record
and its claim go through the cell conductor."""
from oslo_log import log as logging

from nova_common import notifications
from nova_compute import instance_lock

LOG = logging.getLogger(__name__)


def terminate(context, driver, conductor_api, instance):
    uuid = instance['uuid']
    publisher = notifications.compute_publisher(instance.get('host'))
    with instance_lock.locked(uuid):
        notifications.instance_action(context, publisher, instance, 'delete', 'start')
        driver.destroy(context, instance)
        deleted = conductor_api.instance_destroy(context, uuid)
        notifications.instance_action(context, publisher, deleted, 'delete', 'end')
    LOG.info('Instance %s deleted', uuid)
