"""SameHostFilter: with the ``same_host`` hint, only the hosts (compute
nodes) that run at least one of the named instances."""
from nova_scheduler import filters
from nova_scheduler.filters import affinity_hints


class SameHostFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        wanted = affinity_hints.hinted_uuids(spec, 'same_host')
        return not wanted or affinity_hints.overlap(host_state, wanted)

    def removal_reason(self, removed, spec):
        return 'not running any same_host instance'
