"""Client side of the compute RPC API. A compute listens on its cell's
transport with its host name as the server name, so every call names the
transport of the instance's cell and the host.

Version history:

    1.0 - Initial version: the compute service, with no RPC methods yet.
    1.1 - build_and_run_instance, terminate_instance, get_host_uptime.
"""
from nova_common import rpc

# A short answer is expected: a compute that does not reply in this many
# seconds is treated as unavailable.
SHORT_CALL_TIMEOUT = 10

TOPIC = 'compute'
VERSION = '1.1'


class ComputeAPI:
    def __init__(self, transport):
        self.client = rpc.get_client(TOPIC, VERSION, transport=transport)

    @classmethod
    def for_cell(cls, cell):
        """The client for computes of ``cell`` (a cell mapping dict)."""
        return cls(rpc.get_transport(cell['transport_url']))

    def build_and_run_instance(self, context, host, instance, request_spec, alternates):
        """Spawn ``instance`` on ``host`` (its node is instance['node']);
        ``alternates`` are unclaimed Selections for a reschedule."""
        self.client.prepare(server=host, version='1.1').cast(
            context, 'build_and_run_instance', instance=instance,
            request_spec=request_spec, alternates=alternates)

    def get_host_uptime(self, context, host):
        """The host's ``uptime`` line."""
        return self.client.prepare(server=host, version='1.1',
                                   timeout=SHORT_CALL_TIMEOUT).call(context, 'get_host_uptime')

    def terminate_instance(self, context, host, instance):
        self.client.prepare(server=host, version='1.1').cast(
            context, 'terminate_instance', instance=instance)
