"""AggregateMultiTenancyIsolation: a host whose aggregates name projects
(metadata ``filter_tenant_id`` or ``filter_tenant_id_<anything>``, values
comma separated) takes only those projects' instances; other hosts take
anyone's."""
from nova_scheduler import aggregates
from nova_scheduler import filters

_PREFIX = 'filter_tenant_id'


def allowed_projects(host_state):
    """The projects the host is kept for; empty: any project."""
    allowed = set()
    for key, values in aggregates.metadata_values(host_state).items():
        if key.startswith(_PREFIX):
            allowed.update(values)
    return allowed


class AggregateMultiTenancyIsolation(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        allowed = allowed_projects(host_state)
        return not allowed or spec.get('project_id') in allowed

    def removal_reason(self, removed, spec):
        return 'kept for other projects than %s' % spec.get('project_id')
