"""AvailabilityZoneFilter: only hosts in the requested availability zone."""
from nova_scheduler import filters


class AvailabilityZoneFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        wanted = spec.get('availability_zone')
        return not wanted or host_state.availability_zone == wanted

    def removal_reason(self, removed, spec):
        return 'not in availability zone %s' % spec.get('availability_zone')
