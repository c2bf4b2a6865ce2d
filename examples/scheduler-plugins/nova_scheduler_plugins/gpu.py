"""GPUFilter: a flavor with the extra spec ``resources:VGPU=<n>`` goes only
to hosts that have ``n`` VGPUs free in the resource ledger.

The claim allocates the VGPUs too (the scheduler reads the same extra
spec), so this filter only spares the scheduler claims that would fail.
"""
from nova_scheduler import filters
from nova_scheduler import utils


def _wanted(spec):
    return utils.requested_resources(spec).get(utils.VGPU, 0)


class GPUFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        wanted = _wanted(spec)
        return not wanted or host_state.misfit(utils.VGPU, wanted) is None

    def removal_reason(self, removed, spec):
        largest = max(host.largest_request(utils.VGPU) for host in removed)
        return 'need %d VGPU, largest free %d VGPU' % (_wanted(spec), largest)
