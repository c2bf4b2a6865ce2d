"""BuildFailureWeigher: hosts whose latest builds failed sink
(``build_failure_weight_multiplier``). The figure is the count of
consecutive failed builds the host's compute reports in its node stats
(``failed_builds``, back to 0 after a successful build), as in Nova."""
from nova_common.conf import CONF
from nova_scheduler import weighers


class BuildFailureWeigher(weighers.BaseHostWeigher):
    def multiplier(self):
        # Nova's multiplier is positive and means "penalise": the more
        # failures, the lower the weight.
        return -CONF.filter_scheduler.build_failure_weight_multiplier

    def weigh(self, host_state, spec):
        return host_state.failed_builds
