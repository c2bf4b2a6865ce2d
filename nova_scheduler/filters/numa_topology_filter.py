"""NUMATopologyFilter: a request for a guest NUMA topology (flavor extra
spec ``hw:numa_nodes``, else image property ``hw_numa_nodes``) passes
only hosts that report at least that many NUMA cells, enough of which can
each hold one guest node.

The fit is deliberately simple: the flavor's vCPUs and memory are split
evenly over the guest nodes (rounded up), and each guest node needs a host
cell of its own with at least that many CPUs and that much memory. Only
the cells' capacity is compared: there is no CPU pinning, and what other
guests use of each cell is not tracked (the ledger keeps the host-wide
usage, which RamFilter and CoreFilter check). A request without a NUMA
topology passes every host; a host that reports no NUMA cells fails every
request with one.
"""
import math

from nova_scheduler import filters
from nova_scheduler import utils


def requested_nodes(spec):
    """The guest NUMA nodes the request asks for: None when it asks for
    none, 0 when the value is not a positive integer (nothing fits it)."""
    value = utils.extra_specs(spec).get('hw:numa_nodes')
    if value is None:
        value = utils.image_properties(spec).get('hw_numa_nodes')
    if value is None:
        return None
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def node_size(spec, nodes):
    """(vCPUs, memory MB) of each of ``nodes`` guest nodes."""
    flavor = spec.get('flavor') or {}
    return (int(math.ceil(int(flavor.get('vcpus') or 0) / float(nodes))),
            int(math.ceil(int(flavor.get('memory_mb') or 0) / float(nodes))))


class NUMATopologyFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        nodes = requested_nodes(spec)
        if nodes is None:
            return True
        if not nodes:
            return False
        vcpus, memory_mb = node_size(spec, nodes)
        fitting = [cell for cell in host_state.numa_cells
                   if cell['cpus'] >= vcpus and cell['memory_mb'] >= memory_mb]
        return len(fitting) >= nodes

    def removal_reason(self, removed, spec):
        nodes = requested_nodes(spec)
        if not nodes:
            return 'hw:numa_nodes is not a positive integer'
        vcpus, memory_mb = node_size(spec, nodes)
        return 'need %d NUMA cells of %d CPUs and %d MB' % (nodes, vcpus, memory_mb)
