"""AggregateImagePropertiesIsolation: when an aggregate of the host has a
metadata key that the image also has as a property, the image's value must
be one of the aggregate's (comma separated). With ``[filter_scheduler]
aggregate_image_properties_isolation_namespace`` set, only keys starting
with that namespace and ``..._separator`` are compared."""
from nova_common.conf import CONF
from nova_scheduler import aggregates
from nova_scheduler import filters
from nova_scheduler import utils


def _in_namespace(key):
    namespace = CONF.filter_scheduler.aggregate_image_properties_isolation_namespace
    separator = CONF.filter_scheduler.aggregate_image_properties_isolation_separator
    return not namespace or key.startswith(namespace + separator)


def mismatch(host_state, spec):
    """The first (key, image value) the host's aggregates rule out, or None."""
    properties = utils.image_properties(spec)
    for key, allowed in sorted(aggregates.metadata_values(host_state).items()):
        if not _in_namespace(key):
            continue
        value = properties.get(key)
        if value not in (None, '') and str(value) not in allowed:
            return key, value
    return None


class AggregateImagePropertiesIsolation(filters.BaseHostFilter):
    RUN_ON_REBUILD = True

    def host_passes(self, host_state, spec):
        return mismatch(host_state, spec) is None

    def removal_reason(self, removed, spec):
        found = sorted({'%s=%s' % mismatch(host, spec) for host in removed})
        return 'aggregates do not take images with %s' % ', '.join(found)
