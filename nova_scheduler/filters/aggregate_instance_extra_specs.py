"""AggregateInstanceExtraSpecsFilter: a flavor extra spec
``aggregate_instance_extra_specs:<key>`` (or an unscoped ``<key>``, as in
Nova) must match the metadata ``<key>`` of one of the host's aggregates,
with the operators of ``extra_specs_ops``. Extra specs of other scopes are
not this filter's business."""
from nova_scheduler import aggregates
from nova_scheduler.filters import extra_specs_ops
from nova_scheduler import filters
from nova_scheduler import utils

_SCOPE = 'aggregate_instance_extra_specs'


def _wanted(spec):
    """{aggregate metadata key: requirement} the flavor asks for."""
    wanted = {}
    for key, requirement in utils.extra_specs(spec).items():
        scope = key.split(':', 1)
        if len(scope) == 1:
            wanted[key] = requirement
        elif scope[0] == _SCOPE:
            wanted[scope[1]] = requirement
    return wanted


def unmet(host_state, spec):
    """The first (key, requirement) no aggregate of the host meets, or None."""
    wanted = _wanted(spec)
    if not wanted:
        return None
    metadata = aggregates.metadata_values(host_state)
    for key, requirement in sorted(wanted.items()):
        if not any(extra_specs_ops.match(value, str(requirement))
                   for value in metadata.get(key, ())):
            return key, requirement
    return None


class AggregateInstanceExtraSpecsFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        return unmet(host_state, spec) is None

    def removal_reason(self, removed, spec):
        missing = sorted({'%s=%s' % unmet(host, spec) for host in removed})
        return 'aggregate metadata does not match %s' % ', '.join(missing)
