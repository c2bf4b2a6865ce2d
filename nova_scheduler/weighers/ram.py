"""RAMWeigher: hosts with more free RAM first (``ram_weight_multiplier``)."""
from nova_common.conf import CONF
from nova_scheduler import utils
from nova_scheduler import weighers


class RAMWeigher(weighers.BaseHostWeigher):
    def multiplier(self):
        return CONF.filter_scheduler.ram_weight_multiplier

    def weigh(self, host_state, spec):
        return host_state.free(utils.MEMORY_MB)
