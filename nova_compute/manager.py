"""The compute service: owns this host's hypervisor through a virt driver
and persists everything through its cell conductor (no database access).

The work itself lives in one module per task: build.py, delete.py,
startup.py; this class is the RPC endpoint that routes to them.
"""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import manager
from nova_compute import build
from nova_compute import delete
from nova_compute import startup
from nova_compute.virt import driver as virt_driver
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)


class ComputeManager(manager.Manager):
    target = messaging.Target(version='1.1')

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
        """First heartbeat answered: the conductor is reachable, so repair
        what a previous run left behind, then report the nodes."""
        self.service_id = record['id']
        context = nova_context.get_admin_context()
        startup.repair(context, self.host, self.driver, self.conductor_api)
        self.update_available_resource(context)

    def periodic_tasks(self):
        return [('update_available_resource', self.update_available_resource,
                 lambda: CONF.compute.resource_update_interval)]

    def update_available_resource(self, context):
        """Report every node's capacity and usage to the cell conductor."""
        if self.service_id is None:
            return
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

    def build_and_run_instance(self, context, instance, request_spec, alternates):
        build.build_and_run(context, self.host, self.driver, self.conductor_api,
                            instance, request_spec, alternates)

    def get_host_uptime(self, context):
        return self.driver.get_host_uptime()

    def terminate_instance(self, context, instance):
        delete.terminate(context, self.driver, self.conductor_api, instance)
