"""Host filters: each removes the hosts that cannot take a request.

A filter is a class with ``host_passes(host_state, spec)`` (``spec`` is
the RequestSpec dict), registered under the ``nova.scheduler.filters``
entry point group and enabled by name in ``[filter_scheduler]
enabled_filters``. ``removal_reason(removed, spec)`` says in a few words
why the hosts it removed failed; it ends up in the NoValidHost fault an
operator reads ("RamFilter removed 10 (need 4096 MB, largest free
2048 MB)").
"""
import collections

from nova_scheduler import utils

NAMESPACE = 'nova.scheduler.filters'

# One filter's verdict on a request: how many hosts it removed, and why.
Removal = collections.namedtuple('Removal', 'name count reason')


class BaseHostFilter:
    # Whether the filter runs when a rebuild with a new image asks if the
    # server's host still fits (as Nova's RUN_ON_REBUILD): only filters
    # about the image do; the server's own resources are claimed already.
    RUN_ON_REBUILD = False

    @property
    def name(self):
        return type(self).__name__

    def host_passes(self, host_state, spec):
        raise NotImplementedError()

    def filter_all(self, hosts, spec):
        """The hosts of ``hosts`` (a list) that pass, in their order. A
        filter overrides it to work out once per request what does not
        depend on the host -- and to return ``hosts`` itself at once when
        the request does not concern it: a region has thousands of hosts."""
        return [host for host in hosts if self.host_passes(host, spec)]

    def removal_reason(self, removed, spec):
        """A short phrase on why ``removed`` (the hosts this filter turned
        down) failed, or None."""
        return None


class FilterChain:
    """The enabled filters, run in order; each sees what the previous ones
    let through."""

    def __init__(self, names):
        self.filters = utils.load_plugins(NAMESPACE, names, 'filters')

    def run(self, hosts, spec):
        """(hosts that passed every filter, [Removal] of the filters that
        removed any)."""
        removals = []
        for host_filter in self.filters:
            hosts, removed = self.run_one(host_filter, hosts, spec)
            removals.extend(removed)
            if not hosts:
                break
        return hosts, removals

    @staticmethod
    def run_one(host_filter, hosts, spec):
        """(hosts ``host_filter`` lets through, [its Removal] when it
        removed any)."""
        passed = host_filter.filter_all(hosts, spec)
        if len(passed) == len(hosts):
            return passed, []
        kept = set(map(id, passed))
        removed = [host for host in hosts if id(host) not in kept]
        return passed, [Removal(host_filter.name, len(removed),
                                host_filter.removal_reason(removed, spec))]
