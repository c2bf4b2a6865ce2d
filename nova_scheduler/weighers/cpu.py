"""CPUWeigher: hosts with more free vCPUs (overcommit included) first
(``cpu_weight_multiplier``)."""
from nova_common.conf import CONF
from nova_scheduler import utils
from nova_scheduler import weighers


class CPUWeigher(weighers.BaseHostWeigher):
    def multiplier(self):
        return CONF.filter_scheduler.cpu_weight_multiplier

    def weigh(self, host_state, spec):
        return host_state.free(utils.VCPU)
