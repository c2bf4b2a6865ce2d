"""DiskWeigher: hosts with more free disk first (``disk_weight_multiplier``)."""
from nova_common.conf import CONF
from nova_scheduler import utils
from nova_scheduler import weighers


class DiskWeigher(weighers.BaseHostWeigher):
    def multiplier(self):
        return CONF.filter_scheduler.disk_weight_multiplier

    def weigh(self, host_state, spec):
        return host_state.free(utils.DISK_GB)
