"""Client side of the compute RPC API. A compute listens on its cell's
transport with its host name as the server name, so every call names the
transport of the instance's cell and the host.

Version history:

    1.0 - Initial version: the compute service, with no RPC methods yet.
    1.1 - build_and_run_instance, terminate_instance, get_host_uptime.
    1.2 - Power actions (casts): start_instance, stop_instance,
          reboot_instance, pause_instance, unpause_instance,
          suspend_instance, resume_instance; get_console_output (call).
"""
from nova_common import rpc

# A short answer is expected: a compute that does not reply in this many
# seconds is treated as unavailable.
SHORT_CALL_TIMEOUT = 10

TOPIC = 'compute'
VERSION = '1.2'


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

    # --- 1.2: power actions and the console ----------------------------------------

    def _cast_12(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.2').cast(context, method, **kwargs)

    def start_instance(self, context, host, instance):
        self._cast_12(context, host, 'start_instance', instance=instance)

    def stop_instance(self, context, host, instance, clean_shutdown=True):
        """``clean_shutdown``: give the guest [DEFAULT] shutdown_timeout
        seconds to power itself off before stopping it hard."""
        self._cast_12(context, host, 'stop_instance', instance=instance,
                      clean_shutdown=clean_shutdown)

    def reboot_instance(self, context, host, instance, reboot_type):
        """``reboot_type``: 'SOFT' or 'HARD'."""
        self._cast_12(context, host, 'reboot_instance', instance=instance,
                      reboot_type=reboot_type)

    def pause_instance(self, context, host, instance):
        self._cast_12(context, host, 'pause_instance', instance=instance)

    def unpause_instance(self, context, host, instance):
        self._cast_12(context, host, 'unpause_instance', instance=instance)

    def suspend_instance(self, context, host, instance):
        self._cast_12(context, host, 'suspend_instance', instance=instance)

    def resume_instance(self, context, host, instance):
        self._cast_12(context, host, 'resume_instance', instance=instance)

    def get_console_output(self, context, host, instance):
        """The guest's whole serial console log (str)."""
        return self.client.prepare(server=host, version='1.2',
                                   timeout=SHORT_CALL_TIMEOUT).call(
            context, 'get_console_output', instance=instance)
