"""ComputeCapabilitiesFilter: flavor extra specs ``capabilities:<path>``
(and unscoped keys that name a host attribute) must match the host, with
the operators of ``extra_specs_ops``. ``<path>`` walks host attributes,
then the node's ``stats``, then into dicts: ``capabilities:cpu_info:arch``.
Extra specs of other scopes (``hw:``, ``resources:``, ...) are not this
filter's business."""
from oslo_serialization import jsonutils

from nova_scheduler.filters import extra_specs_ops
from nova_scheduler import filters
from nova_scheduler import utils

_SCOPE = 'capabilities'


def _step(value, name):
    if isinstance(value, str):
        try:
            value = jsonutils.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        return value.get(name)
    found = getattr(value, name, None)
    if found is None:
        found = (getattr(value, 'stats', None) or {}).get(name)
    return found


def _capability(host_state, path):
    value = host_state
    for name in path:
        value = _step(value, name)
        if value is None:
            return None
    return value


def _path(host_state, key):
    """The capability path ``key`` asks about, or None when the key is not
    this filter's."""
    scope = key.split(':')
    if len(scope) == 1:
        known = hasattr(host_state, key) or key in (host_state.stats or {})
        return scope if known else None
    if scope[0] != _SCOPE:
        return None
    return scope[1:]


def unmet_extra_spec(host_state, spec):
    """The first extra spec (key, requirement) the host does not meet, or None."""
    for key, requirement in sorted(utils.extra_specs(spec).items()):
        path = _path(host_state, key)
        if path is None:
            continue
        capability = _capability(host_state, path)
        if capability is None or not extra_specs_ops.match(str(capability), str(requirement)):
            return key, requirement
    return None


class ComputeCapabilitiesFilter(filters.BaseHostFilter):
    def host_passes(self, host_state, spec):
        return unmet_extra_spec(host_state, spec) is None

    def filter_all(self, hosts, spec):
        if not utils.extra_specs(spec):
            return hosts
        return super().filter_all(hosts, spec)

    def removal_reason(self, removed, spec):
        unmet = sorted({'%s=%s' % unmet_extra_spec(host, spec) for host in removed})
        return 'extra specs not met: %s' % ', '.join(unmet)
