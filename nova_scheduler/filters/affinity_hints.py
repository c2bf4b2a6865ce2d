"""The ``same_host`` and ``different_host`` scheduler hints: the instances
(one uuid or a list of them) a new instance goes beside or away from."""


def hinted_uuids(spec, hint):
    """The set of instance uuids the request's ``hint`` names (empty when
    it is not given)."""
    value = (spec.get('scheduler_hints') or {}).get(hint)
    if not value:
        return set()
    return {value} if isinstance(value, str) else set(value)


def overlap(host_state, uuids):
    """Whether any of ``uuids`` lives on the host's node."""
    return not uuids.isdisjoint(host_state.instances)
