"""ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter: the hard
policies of the request's server group (see server_group_placement for
where its members are).

Anti-affinity passes a host holding fewer members than the group's
``max_server_per_host`` rule (1 without it); affinity passes the host the
members are on, or any host while none is placed. The ledger checks the
same again inside each claim, where parallel requests cannot both win.
"""
from nova_common.db.api import server_groups
from nova_scheduler import filters
from nova_scheduler import server_group_placement as placement


def _group_with(spec, policy):
    group = placement.group_of(spec)
    return group if group and group.get('policy') == policy else None


class _GroupPolicyFilter(filters.BaseHostFilter):
    """Hands every host through at once when the request has no group of
    this filter's policy (most requests, over every host of a region)."""
    policy = None

    def filter_all(self, hosts, spec):
        if _group_with(spec, self.policy) is None:
            return hosts
        return super().filter_all(hosts, spec)


class ServerGroupAntiAffinityFilter(_GroupPolicyFilter):
    policy = server_groups.ANTI_AFFINITY

    def host_passes(self, host_state, spec):
        group = _group_with(spec, server_groups.ANTI_AFFINITY)
        if group is None:
            return True
        return (placement.members_on(spec, host_state.host)
                < server_groups.max_server_per_host(group))

    def removal_reason(self, removed, spec):
        group = placement.group_of(spec)
        return 'anti-affinity group %s holds %d member(s) per host at most' % (
            group['uuid'], server_groups.max_server_per_host(group))


class ServerGroupAffinityFilter(_GroupPolicyFilter):
    policy = server_groups.AFFINITY

    def host_passes(self, host_state, spec):
        group = _group_with(spec, server_groups.AFFINITY)
        if group is None or not group.get('hosts'):
            return True
        return host_state.host in group['hosts']

    def removal_reason(self, removed, spec):
        group = placement.group_of(spec)
        return 'affinity group %s is on %s' % (group['uuid'], ', '.join(group['hosts']))
