"""ServerGroupSoftAffinityWeigher and ServerGroupSoftAntiAffinityWeigher:
the soft policies of the request's server group. A host weighs the number
of the group's members on it: more is better for soft-affinity
(``soft_affinity_weight_multiplier``), fewer for soft-anti-affinity
(``soft_anti_affinity_weight_multiplier``). Other requests weigh 0."""
from nova_common.conf import CONF
from nova_common.db.api import server_groups
from nova_scheduler import server_group_placement as placement
from nova_scheduler import weighers


class _SoftPolicyWeigher(weighers.BaseHostWeigher):
    policy = None
    sign = 1

    def _concerned(self, spec):
        group = placement.group_of(spec)
        return bool(group) and group.get('policy') == self.policy

    def weigh(self, host_state, spec):
        if not self._concerned(spec):
            return 0
        return self.sign * placement.members_on(spec, host_state.host)

    def weigh_all(self, hosts, spec):
        """All 0 at once for a request without a group of this policy."""
        if not self._concerned(spec):
            return [0] * len(hosts)
        return [self.sign * placement.members_on(spec, host.host) for host in hosts]


class ServerGroupSoftAffinityWeigher(_SoftPolicyWeigher):
    policy = server_groups.SOFT_AFFINITY

    def multiplier(self):
        return CONF.filter_scheduler.soft_affinity_weight_multiplier


class ServerGroupSoftAntiAffinityWeigher(_SoftPolicyWeigher):
    policy = server_groups.SOFT_ANTI_AFFINITY
    sign = -1

    def multiplier(self):
        return CONF.filter_scheduler.soft_anti_affinity_weight_multiplier
