"""The scheduler's answer to a rebuild with a new image: does the server's
own host still fit that image?

The conductor sends the request spec restricted to the server's host and
node (``requested_destination``) with the ``_nova_check_type`` hint set to
``rebuild``, as Nova does. Only the filters that run on a rebuild
(``RUN_ON_REBUILD``: those about the image) judge the host, and nothing is
claimed: the server's claim on the host stays as it is. The answer is that
host as an unclaimed Selection, or NoValidHost saying which filter refused it.
"""
from nova_scheduler import no_valid_host
from nova_scheduler import utils

CHECK_TYPE_HINT = '_nova_check_type'


def is_rebuild(spec):
    return 'rebuild' in ((spec.get('scheduler_hints') or {}).get(CHECK_TYPE_HINT) or ())


def at_destination(hosts, destination):
    """The host states of ``requested_destination``'s host (and node, when
    it names one)."""
    host = (destination.get('host') or '').lower()
    node = (destination.get('node') or '').lower()
    return [state for state in hosts
            if state.host.lower() == host and (not node or state.nodename.lower() == node)]


def check(hosts, filter_chain, spec, selection):
    """[[the Selection of the server's host, unclaimed]]; NoValidHost when
    its node is gone or a rebuild filter refuses the new image.
    ``selection(host, resources, claimed)`` builds a Selection."""
    destination = spec.get('requested_destination') or {}
    candidates = at_destination(hosts, destination)
    if not candidates:
        raise no_valid_host.error(len(hosts), [], 0, 1)
    removals = []
    for host_filter in filter_chain.filters:
        if not host_filter.RUN_ON_REBUILD:
            continue
        passed, removed = filter_chain.run_one(host_filter, candidates, spec)
        removals.extend(removed)
        candidates = passed
        if not candidates:
            raise no_valid_host.error(1, removals, 0, 1)
    return [[selection(candidates[0], utils.requested_resources(spec), False)]]
