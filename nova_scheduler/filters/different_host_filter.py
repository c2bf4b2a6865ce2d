"""DifferentHostFilter: with the ``different_host`` hint, only the hosts
(compute nodes) that run none of the named instances."""
from nova_scheduler import filters
from nova_scheduler.filters import affinity_hints


class DifferentHostFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        avoided = affinity_hints.hinted_uuids(spec, 'different_host')
        return not avoided or not affinity_hints.overlap(host_state, avoided)

    def removal_reason(self, removed, spec):
        return 'running a different_host instance'
