"""NumInstancesWeigher: by the number of instances on the host
(``num_instances_weight_multiplier``: positive stacks, negative spreads;
0 by default)."""
from nova_common.conf import CONF
from nova_scheduler import weighers


class NumInstancesWeigher(weighers.BaseHostWeigher):
    def multiplier(self):
        return CONF.filter_scheduler.num_instances_weight_multiplier

    def weigh(self, host_state, spec):
        return host_state.num_instances
