"""nova-compute: one per host; talks only to its cell conductor over the
cell's transport ([DEFAULT] transport_url), with no database credentials."""
from nova_common.cmd import common


def build_service(transport=None):
    from nova_common.conf import CONF
    from nova_common import service
    from nova_compute import manager
    from nova_compute import rpcapi
    compute_manager = manager.ComputeManager(CONF.host, transport=transport)
    return service.Service('nova-compute', rpcapi.TOPIC, compute_manager,
                           service.ConductorReporter(compute_manager.conductor_api),
                           transport=transport)


def main():
    common.init('nova-compute')
    common.start_metrics('nova-compute')
    from nova_common import service
    service.run([build_service()])
