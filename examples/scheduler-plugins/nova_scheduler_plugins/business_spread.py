"""BusinessSpreadFilter: at most ``business_max_per_host`` instances of one
business on a host.

A flavor made for a business says so in its extra specs::

    business_tag=payments
    business_max_per_host=2

and its servers carry the tag in their metadata (``openstack server create
--property business_tag=payments``). The filter counts, on each host, the
instances whose metadata has that tag -- from the scheduler's per-host
instance view, instances placed earlier in the same request included -- and
keeps the hosts below the maximum. A server of such a flavor without the
tag (or with another one) would not be counted later, so no host takes it.
"""
from nova_scheduler import filters
from nova_scheduler import utils

TAG = 'business_tag'
MAX_PER_HOST = 'business_max_per_host'
DEFAULT_MAX_PER_HOST = 1


def _rule(spec):
    """(tag, maximum per host) the flavor asks for; (None, None) without a
    tag; (tag, None) when the maximum is not a whole number of 1 or more."""
    specs = utils.extra_specs(spec)
    tag = specs.get(TAG)
    if not tag:
        return None, None
    try:
        maximum = int(specs.get(MAX_PER_HOST, DEFAULT_MAX_PER_HOST))
    except (TypeError, ValueError):
        return tag, None
    return tag, maximum if maximum >= 1 else None


def _tagged(spec, tag):
    return (spec.get('instance_metadata') or {}).get(TAG) == tag


def count(host_state, tag):
    """How many of the host's instances carry ``tag``."""
    return sum(1 for instance in host_state.instances.values()
               if (instance.get('metadata') or {}).get(TAG) == tag)


class BusinessSpreadFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        tag, maximum = _rule(spec)
        if tag is None:
            return True
        if maximum is None or not _tagged(spec, tag):
            return False
        return count(host_state, tag) < maximum

    def removal_reason(self, removed, spec):
        tag, maximum = _rule(spec)
        if maximum is None:
            return 'flavor extra spec %s=%s is not a whole number of 1 or more' % (
                MAX_PER_HOST, utils.extra_specs(spec).get(MAX_PER_HOST))
        if not _tagged(spec, tag):
            return 'the flavor is for %s=%s: the server needs that metadata' % (TAG, tag)
        return 'each has %d or more %s=%s instances, at most %d per host' % (
            min(count(host, tag) for host in removed), TAG, tag, maximum)
