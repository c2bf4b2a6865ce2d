"""ComputeFilter: only hosts whose nova-compute is up and enabled."""
from nova_scheduler import filters


class ComputeFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        return host_state.service_up and not host_state.service_disabled

    def removal_reason(self, removed, spec):
        return 'down or disabled'
