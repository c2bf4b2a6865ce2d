"""The base of RamFilter, CoreFilter and DiskFilter: the flavor's amount of
one resource class must fit in what the ledger has left on the host
(allocation ratio, reserved amount and min/max unit included) -- the very
check the claim makes, so a host that passes is worth claiming on."""
from nova_scheduler import filters
from nova_scheduler import utils


class ResourceFitFilter(filters.BaseHostFilter):
    resource_class = None

    def host_passes(self, host_state, spec):
        amount = utils.requested_resources(spec)[self.resource_class]
        return host_state.misfit(self.resource_class, amount) is None

    def removal_reason(self, removed, spec):
        unit = utils.UNITS[self.resource_class]
        amount = utils.requested_resources(spec)[self.resource_class]
        largest = max(host.largest_request(self.resource_class) for host in removed)
        return 'need %d %s, largest free %d %s' % (amount, unit, largest, unit)
