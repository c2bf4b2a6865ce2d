"""ComputeFilter: only hosts whose nova-compute is up and enabled."""
from nova_common import servicegroup
from nova_scheduler import filters


def _usable(host_state, alive):
    service = host_state.service
    return service is not None and not service.get('disabled') and alive(service)


class ComputeFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        return _usable(host_state, servicegroup.up_checker())

    def filter_all(self, hosts, spec):
        alive = servicegroup.up_checker()
        return [host for host in hosts if _usable(host, alive)]

    def removal_reason(self, removed, spec):
        return 'down or disabled'
