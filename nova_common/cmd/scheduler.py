"""nova-scheduler."""
from nova_common.cmd import common


def build_service():
    from nova_common import service
    from nova_scheduler import manager
    from nova_scheduler import rpcapi
    return service.Service('nova-scheduler', rpcapi.TOPIC, manager.SchedulerManager(),
                           service.DatabaseReporter())


def main():
    common.init('nova-scheduler')
    common.start_metrics('nova-scheduler')
    from nova_common import service
    service.run([build_service()])
