"""The conductor: persistence on behalf of computes (cell conductor role)."""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common.db.api import compute_nodes
from nova_common.db.api import services
from nova_common import manager

LOG = logging.getLogger(__name__)


class ConductorManager(manager.Manager):
    target = messaging.Target(version='1.0')

    def service_report(self, context, host, binary, topic, version):
        record = services.get_or_create(context, host, binary, topic, version)
        return services.heartbeat(context, record['id'])

    def compute_node_update(self, context, host, nodes):
        return [compute_nodes.upsert(context, host, node['hypervisor_hostname'], node)
                for node in nodes]
