"""What a request asks of a host, read from a RequestSpec dict; and the
loading of filter and weigher plugins."""
import math

from stevedore import named

from nova_common import exception

VCPU = 'VCPU'
MEMORY_MB = 'MEMORY_MB'
DISK_GB = 'DISK_GB'
VGPU = 'VGPU'

# How each resource class is named in a sentence for an operator.
UNITS = {VCPU: 'VCPU', MEMORY_MB: 'MB', DISK_GB: 'GB', VGPU: 'VGPU'}

# Classes a flavor asks for with a ``resources:<class>`` extra spec.
EXTRA_SPEC_CLASSES = (VGPU,)


def _extra_spec_amount(flavor, rc):
    key = 'resources:%s' % rc
    value = (flavor.get('extra_specs') or {}).get(key)
    if value is None:
        return 0
    try:
        amount = int(value)
    except (TypeError, ValueError):
        amount = -1
    if amount < 0:
        raise exception.NoValidHost(
            reason='The flavor\'s extra spec %s=%s is not a whole number of 0 or more.'
            % (key, value))
    return amount


def resources_from_flavor(flavor):
    """{VCPU, MEMORY_MB, DISK_GB, and VGPU when asked for} one instance of
    ``flavor`` needs. Disk is root + ephemeral + swap (swap is in MiB,
    rounded up to GiB), as Nova counts it; VGPU comes from the extra spec
    ``resources:VGPU`` (NoValidHost when it is not a whole number)."""
    swap_gb = int(math.ceil((flavor.get('swap') or 0) / 1024.0))
    resources = {VCPU: int(flavor.get('vcpus') or 0),
                 MEMORY_MB: int(flavor.get('memory_mb') or 0),
                 DISK_GB: int((flavor.get('root_gb') or 0) + (flavor.get('ephemeral_gb') or 0)
                              + swap_gb)}
    for rc in EXTRA_SPEC_CLASSES:
        amount = _extra_spec_amount(flavor, rc)
        if amount:
            resources[rc] = amount
    return resources


def requested_resources(spec):
    return resources_from_flavor(spec.get('flavor') or {})


def image_properties(spec):
    image = spec.get('image') or {}
    return image.get('properties') or {}


def extra_specs(spec):
    return (spec.get('flavor') or {}).get('extra_specs') or {}


def load_plugins(namespace, names, kind):
    """Instances of the plugins ``names`` of ``namespace``, in that order;
    ConfigError naming any that is not installed."""
    missing = []
    manager = named.NamedExtensionManager(
        namespace, names=list(names), invoke_on_load=True, name_order=True,
        on_missing_entrypoints_callback=missing.extend)
    if missing:
        raise exception.ConfigError(
            reason='unknown scheduler %s %s (not in the "%s" entry points)'
            % (kind, ', '.join(sorted(missing)), namespace))
    return [extension.obj for extension in manager]
