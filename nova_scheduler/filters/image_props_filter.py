"""ImagePropertiesFilter: a host must be able to run what the image asks
for -- ``hw_architecture``, ``img_hv_type``, ``hw_vm_mode`` (or their old
names architecture, hypervisor_type, vm_mode) against the host's
supported instances, and ``img_hv_requested_version`` (">=6.0,<7") against
its hypervisor version."""
import operator

from nova_scheduler import filters
from nova_scheduler import host_state as host_state_module
from nova_scheduler import utils

_LEGACY_NAMES = {'hw_architecture': 'architecture', 'img_hv_type': 'hypervisor_type',
                 'hw_vm_mode': 'vm_mode',
                 'img_hv_requested_version': 'hypervisor_version_requires'}
_COMPARISONS = (('>=', operator.ge), ('<=', operator.le), ('==', operator.eq),
                ('!=', operator.ne), ('>', operator.gt), ('<', operator.lt),
                ('=', operator.eq))


def _prop(properties, name):
    value = properties.get(name)
    return value if value not in (None, '') else properties.get(_LEGACY_NAMES[name])


def requested_instance(spec):
    """(arch, hypervisor type, vm mode) the image asks for; None for each
    it leaves open."""
    properties = utils.image_properties(spec)
    return (host_state_module.canonical_arch(_prop(properties, 'hw_architecture')),
            host_state_module.canonical_hv_type(_prop(properties, 'img_hv_type')),
            host_state_module.canonical_vm_mode(_prop(properties, 'hw_vm_mode')))


def version_tuple(text):
    return tuple(int(part) for part in str(text).strip().split('.') if part != '')


def hypervisor_version_string(version):
    """Nova's integer hypervisor version (1002003) as "1.2.3"."""
    parts = []
    version = int(version)
    while version:
        version, part = divmod(version, 1000)
        parts.insert(0, str(part))
    return '.'.join(parts) or '0'


def version_satisfies(version, requirement):
    """Whether the host's integer ``version`` meets every comma-separated
    clause of ``requirement`` (e.g. ">=6.0,<7"); an unreadable clause is
    not met."""
    have = version_tuple(hypervisor_version_string(version))
    for clause in str(requirement).split(','):
        clause = clause.strip()
        for symbol, compare in _COMPARISONS:
            if clause.startswith(symbol):
                try:
                    wanted = version_tuple(clause[len(symbol):])
                except ValueError:
                    return False
                width = max(len(have), len(wanted))
                if not compare(have + (0,) * (width - len(have)),
                               wanted + (0,) * (width - len(wanted))):
                    return False
                break
        else:
            return False
    return True


class ImagePropertiesFilter(filters.BaseHostFilter):
    RUN_ON_REBUILD = True

    def host_passes(self, host_state, spec):
        wanted = requested_instance(spec)
        if not any(wanted):
            return True
        required_version = _prop(utils.image_properties(spec), 'img_hv_requested_version')
        for supported in host_state.supported_instances:
            if all(value is None or value == offered
                   for value, offered in zip(wanted, supported)):
                if (not required_version or not host_state.hypervisor_version
                        or version_satisfies(host_state.hypervisor_version, required_version)):
                    return True
        return False

    def filter_all(self, hosts, spec):
        if not any(requested_instance(spec)):
            return hosts
        return super().filter_all(hosts, spec)

    def removal_reason(self, removed, spec):
        names = ('hw_architecture', 'img_hv_type', 'hw_vm_mode')
        asked = ['%s=%s' % (name, value)
                 for name, value in zip(names, requested_instance(spec)) if value]
        required_version = _prop(utils.image_properties(spec), 'img_hv_requested_version')
        if required_version:
            asked.append('img_hv_requested_version=%s' % required_version)
        return 'cannot run image with %s' % ', '.join(asked)
