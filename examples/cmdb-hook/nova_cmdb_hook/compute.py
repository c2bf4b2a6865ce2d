"""The compute hook: register a server in the CMDB once it is ACTIVE,
unregister it once it is deleted. A CMDB that is down or slow costs at
most [cmdb] timeout and is logged; nova-lite's hook runner makes sure it
never fails the build or the delete either way."""
import logging

from nova_cmdb_hook import client

LOG = logging.getLogger(__name__)


class CMDBRegistration:

    def after_build(self, context, instance):
        try:
            client.register(client.record_of(instance, context))
        except client.CMDBError as error:
            LOG.warning('Server %s is not registered in the CMDB: %s', instance['uuid'], error)
            return
        LOG.info('Server %s registered in the CMDB', instance['uuid'])

    def after_delete(self, context, instance):
        try:
            client.unregister(instance['uuid'])
        except client.CMDBError as error:
            LOG.warning('Server %s is not unregistered from the CMDB: %s',
                        instance['uuid'], error)
            return
        LOG.info('Server %s unregistered from the CMDB', instance['uuid'])
