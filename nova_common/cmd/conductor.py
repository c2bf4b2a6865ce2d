"""nova-conductor: the super-conductor (top-level config) or a cell
conductor (cell config); either way it records itself in [database]."""
from nova_common.cmd import common


def build_service():
    from nova_common import service
    from nova_conductor import manager
    from nova_conductor import rpcapi
    return service.Service('nova-conductor', rpcapi.TOPIC, manager.ConductorManager(),
                           service.DatabaseReporter())


def main():
    common.init('nova-conductor')
    common.start_metrics('nova-conductor')
    from nova_common import service
    service.run([build_service()])
