"""IoOpsFilter: hosts with ``[filter_scheduler] max_io_ops_per_host``
I/O-heavy operations under way or more take no new instance."""
from nova_common.conf import CONF
from nova_scheduler import filters


class IoOpsFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        return host_state.num_io_ops < CONF.filter_scheduler.max_io_ops_per_host

    def removal_reason(self, removed, spec):
        return 'at %d I/O-heavy operations or more' % CONF.filter_scheduler.max_io_ops_per_host
