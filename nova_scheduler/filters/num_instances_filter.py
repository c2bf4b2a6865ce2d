"""NumInstancesFilter: hosts with ``[filter_scheduler]
max_instances_per_host`` instances or more take no new one."""
from nova_common.conf import CONF
from nova_scheduler import filters


class NumInstancesFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        return host_state.num_instances < CONF.filter_scheduler.max_instances_per_host

    def removal_reason(self, removed, spec):
        return 'at %d instances or more' % CONF.filter_scheduler.max_instances_per_host
