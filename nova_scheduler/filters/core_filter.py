"""CoreFilter: the flavor's vCPUs fit in the host's free VCPU."""
from nova_scheduler.filters import resource_fit
from nova_scheduler import utils


class CoreFilter(resource_fit.ResourceFitFilter):
    resource_class = utils.VCPU
