"""Events about an instance from other services (os-server-external-
events), delivered to the instance's compute.

``power-update`` (an operator or another service changed the power of the
guest behind Nova's back, tag POWER_ON or POWER_OFF): the record is synced
with the guest at once, as the power state sync would at its next run.
The others (network-*, volume-*, accelerator-request-bound) are waited on
by operations this compute does not run without those services: they are
logged.
"""
from oslo_log import log as logging

from nova_compute import power_sync

LOG = logging.getLogger(__name__)

POWER_UPDATE = 'power-update'


def handle(context, host, driver, conductor_api, instance, event):
    uuid = instance['uuid']
    name = event.get('name')
    if name == POWER_UPDATE:
        LOG.info('Power update %s for instance %s: syncing its power state', event.get('tag'),
                 uuid)
        power_sync.sync_uuid(context, host, driver, conductor_api, uuid)
        return
    LOG.info('External event %s (tag %s, status %s) for instance %s: nothing waits for it',
             name, event.get('tag'), event.get('status'), uuid)
