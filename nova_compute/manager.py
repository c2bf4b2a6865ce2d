"""The compute service: owns this host's hypervisor through a virt driver
and reports its nodes to its cell conductor (it has no database access)."""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common.conf import CONF
from nova_common import manager
from nova_compute.virt import driver as virt_driver
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)


class ComputeManager(manager.Manager):
    target = messaging.Target(version='1.0')

    def __init__(self, host, transport=None):
        self.host = host
        self.conductor_api = conductor_rpcapi.ConductorAPI(transport=transport)
        self.driver = None
        self.service_id = None

    def init_host(self):
        self.driver = virt_driver.load(CONF.compute_driver, self.host)

    def cleanup_host(self):
        if self.driver is not None:
            self.driver.cleanup_host(self.host)

    def service_registered(self, record):
        self.service_id = record['id']
        self.update_available_resource(None)

    def periodic_tasks(self):
        return [('update_available_resource', self.update_available_resource,
                 lambda: CONF.compute.resource_update_interval)]

    def update_available_resource(self, context):
        """Report every node's capacity and usage to the cell conductor."""
        if self.service_id is None:
            return
        from nova_common import context as nova_context
        context = context or nova_context.get_admin_context()
        nodes = []
        for nodename in self.driver.get_available_nodes():
            resources = dict(self.driver.get_available_resource(nodename))
            resources['service_id'] = self.service_id
            resources['free_ram_mb'] = resources['memory_mb'] - resources['memory_mb_used']
            resources['free_disk_gb'] = resources['local_gb'] - resources['local_gb_used']
            resources.setdefault('running_vms', 0)
            nodes.append(resources)
        self.conductor_api.compute_node_update(context, self.host, nodes)
        LOG.debug('Reported %d compute node(s) of %s', len(nodes), self.host)
