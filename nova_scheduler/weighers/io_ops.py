"""IoOpsWeigher: by the I/O-heavy operations under way on the host
(``io_ops_weight_multiplier``; the default, negative, prefers the quieter
hosts)."""
from nova_common.conf import CONF
from nova_scheduler import weighers


class IoOpsWeigher(weighers.BaseHostWeigher):
    def multiplier(self):
        return CONF.filter_scheduler.io_ops_weight_multiplier

    def weigh(self, host_state, spec):
        return host_state.num_io_ops
