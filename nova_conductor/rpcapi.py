"""Client side of the conductor RPC API.

Version history:

    1.0 - service_report, compute_node_update: persistence for computes,
          which have no database credentials of their own.
"""
from nova_common.conf import CONF
from nova_common import rpc

TOPIC = 'conductor'
VERSION = '1.0'


class ConductorAPI:
    def __init__(self, transport=None, timeout=None):
        self.client = rpc.get_client(TOPIC, VERSION, transport=transport,
                                     timeout=timeout or CONF.compute.conductor_wait_timeout)

    def service_report(self, context, host, binary, topic, version):
        """Create the service record if needed and beat its heart; returns it."""
        return self.client.prepare(version='1.0').call(
            context, 'service_report', host=host, binary=binary, topic=topic,
            version=version)

    def compute_node_update(self, context, host, nodes):
        """Create or update ``host``'s compute nodes; returns their records."""
        return self.client.prepare(version='1.0').call(
            context, 'compute_node_update', host=host, nodes=nodes)
