"""Host weighers: rank the hosts that passed the filters.

A weigher is a class with ``weigh(host_state, spec)`` (a raw figure, e.g.
free RAM) and ``multiplier()``; it is registered under the
``nova.scheduler.weighers`` entry point group and enabled by name in
``[filter_scheduler] weight_classes``. As in Nova, each weigher's raw
figures are normalised to 0..1 over the candidate hosts, multiplied by its
multiplier and summed; the highest total wins. A positive multiplier on a
"free capacity" weigher spreads instances, a negative one stacks them.
"""
from nova_scheduler import utils

NAMESPACE = 'nova.scheduler.weighers'


class BaseHostWeigher:
    @property
    def name(self):
        return type(self).__name__

    def multiplier(self):
        raise NotImplementedError()

    def weigh(self, host_state, spec):
        raise NotImplementedError()

    def weigh_all(self, hosts, spec):
        """The raw figure of each of ``hosts``, in their order; overridden
        by a weigher that can tell them faster together."""
        return [self.weigh(host, spec) for host in hosts]


def normalize(values):
    """``values`` scaled to 0..1 (min -> 0, max -> 1); all 0 when they are
    all equal."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [0.0] * len(values)
    return [(value - low) / float(high - low) for value in values]


class WeigherChain:
    def __init__(self, names):
        self.weighers = utils.load_plugins(NAMESPACE, names, 'weighers')

    def weigh(self, hosts, spec):
        """``hosts`` best first (ties keep their order)."""
        totals = [0.0] * len(hosts)
        for weigher in self.weighers:
            multiplier = weigher.multiplier()
            if not multiplier or not hosts:
                continue
            raw = weigher.weigh_all(hosts, spec)
            if min(raw) == max(raw):
                # Every weight would be 0.
                continue
            totals = [total + multiplier * weight
                      for total, weight in zip(totals, normalize(raw))]
        order = sorted(range(len(hosts)), key=totals.__getitem__, reverse=True)
        return [hosts[index] for index in order]
