"""Deleting an instance on this host: destroy the guest, then the record
and its claim go through the cell conductor."""
from oslo_log import log as logging

from nova_compute import instance_lock

LOG = logging.getLogger(__name__)


def terminate(context, driver, conductor_api, instance):
    uuid = instance['uuid']
    with instance_lock.locked(uuid):
        driver.destroy(context, instance)
        conductor_api.instance_destroy(context, uuid)
    LOG.info('Instance %s deleted', uuid)
