"""DiskFilter: the flavor's root, ephemeral and swap disk fit in the host's
free DISK_GB."""
from nova_scheduler.filters import resource_fit
from nova_scheduler import utils


class DiskFilter(resource_fit.ResourceFitFilter):
    resource_class = utils.DISK_GB
