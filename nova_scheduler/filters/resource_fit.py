"""The base of RamFilter, CoreFilter and DiskFilter: the flavor's amount of
one resource class must fit in what the ledger has left on the host
(allocation ratio, reserved amount and min/max unit included) -- the very
check the claim makes, so a host that passes is worth claiming on."""
from nova_scheduler import filters
from nova_scheduler import host_state as host_state_module
from nova_scheduler import utils


class ResourceFitFilter(filters.BaseHostFilter):
    resource_class = None

    def host_passes(self, host_state, spec):
        return host_state.fits(self.resource_class, self._amount(spec))

    def filter_all(self, hosts, spec):
        amount = self._amount(spec)
        return host_state_module.fitting(hosts, self.resource_class, amount) if amount else hosts

    def _amount(self, spec):
        return utils.requested_resources(spec).get(self.resource_class, 0)

    def removal_reason(self, removed, spec):
        unit = utils.UNITS[self.resource_class]
        amount = self._amount(spec)
        largest = max(host.largest_request(self.resource_class) for host in removed)
        return 'need %d %s, largest free %d %s' % (amount, unit, largest, unit)
