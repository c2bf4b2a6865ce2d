"""RamFilter: the flavor's memory fits in the host's free MEMORY_MB."""
from nova_scheduler.filters import resource_fit
from nova_scheduler import utils


class RamFilter(resource_fit.ResourceFitFilter):
    resource_class = utils.MEMORY_MB
