"""Network segments as Neutron's ML2 type drivers know them (vxlan, vlan,
flat): the ranges [network] configures, the provider attributes an admin
may ask for and how they are validated, and which free segmentation ids
a network may get. The database side is db/segments.py.

A requested segment is a dict {'network_type', 'physical_network',
'segmentation_id'} where None means "not given": partial (VXLAN or VLAN
without an id) is allocated from the configured ranges, full is reserved
as given.
"""
import random

from nova_common.conf import CONF
from nova_network import exceptions

VXLAN = 'vxlan'
VLAN = 'vlan'
FLAT = 'flat'
TYPES = (VXLAN, VLAN, FLAT)
MIN_VNI, MAX_VNI = 1, 2 ** 24 - 1
MIN_VLAN, MAX_VLAN = 1, 4094

NETWORK_TYPE = 'provider:network_type'
PHYSICAL_NETWORK = 'provider:physical_network'
SEGMENTATION_ID = 'provider:segmentation_id'
PROVIDER_ATTRIBUTES = (NETWORK_TYPE, PHYSICAL_NETWORK, SEGMENTATION_ID)

# On a retry after a lost race, pick among this many of the lowest free
# ids instead of the lowest, so that racing creates spread out.
RETRY_SPREAD = 16


def _range(text, low, high, what):
    first, last = (int(part) for part in text.split(':'))
    if not low <= first <= last <= high:
        raise ValueError('%s range %s is not within %d:%d or is reversed'
                         % (what, text, low, high))
    return first, last


def vni_ranges():
    """[(first, last)] of [network] vni_ranges."""
    return [_range(entry.replace(' ', ''), MIN_VNI, MAX_VNI, 'VNI')
            for entry in CONF.network.vni_ranges]


def vlan_ranges():
    """{physical network: [(first, last)]} of [network] network_vlan_ranges;
    a physical network listed without a range maps to []."""
    ranges = {}
    for entry in CONF.network.network_vlan_ranges:
        physnet, _sep, span = entry.partition(':')
        ranges.setdefault(physnet, [])
        if span:
            ranges[physnet].append(_range(span, MIN_VLAN, MAX_VLAN, 'VLAN'))
    return ranges


def flat_allowed(physnet):
    allowed = CONF.network.flat_networks
    return '*' in allowed or physnet in allowed


def _invalid(message):
    return exceptions.InvalidInput(error_message=message)


def requested(values):
    """The segment the provider attributes of ``values`` ask for, validated
    as Neutron's type drivers do (400 InvalidInput), or None when none is
    given (a tenant network: allocated by tenant_network_types)."""
    given = {name: values.get(name) for name in PROVIDER_ATTRIBUTES}
    if all(value is None for value in given.values()):
        return None
    segment = {'network_type': given[NETWORK_TYPE],
               'physical_network': given[PHYSICAL_NETWORK] or None,
               'segmentation_id': _to_int(given[SEGMENTATION_ID])}
    network_type = segment['network_type']
    if not network_type:
        raise _invalid('network_type required')
    validator = _VALIDATORS.get(network_type)
    if validator is None:
        raise _invalid("network_type value '%s' not supported" % network_type)
    validator(segment)
    return segment


def _to_int(value):
    """provider:segmentation_id as an int (Neutron's convert_to_int)."""
    if value is None or isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        raise exceptions.HTTPBadRequest("Invalid input for %s. Reason: '%s' is not an "
                                        "integer." % (SEGMENTATION_ID, value))


def _validate_vxlan(segment):
    if segment['physical_network']:
        raise _invalid('provider:physical_network specified for vxlan network')
    vni = segment['segmentation_id']
    if vni is not None and not MIN_VNI <= vni <= MAX_VNI:
        raise _invalid('segmentation_id out of range (%d through %d)' % (MIN_VNI, MAX_VNI))


def _validate_vlan(segment):
    physnet, vlan_id = segment['physical_network'], segment['segmentation_id']
    if physnet:
        if physnet not in vlan_ranges():
            raise _invalid("physical_network '%s' unknown for VLAN provider network" % physnet)
        if vlan_id is not None and not MIN_VLAN <= vlan_id <= MAX_VLAN:
            raise _invalid('segmentation_id out of range (%d through %d)'
                           % (MIN_VLAN, MAX_VLAN))
    elif vlan_id is not None:
        raise _invalid('segmentation_id requires physical_network for VLAN provider network')


def _validate_flat(segment):
    physnet = segment['physical_network']
    if not physnet:
        raise _invalid('physical_network required for flat provider network')
    if not flat_allowed(physnet):
        raise _invalid("physical_network '%s' unknown for flat provider network" % physnet)
    if segment['segmentation_id'] is not None:
        raise _invalid('provider:segmentation_id prohibited for flat provider network')


_VALIDATORS = {VXLAN: _validate_vxlan, VLAN: _validate_vlan, FLAT: _validate_flat}


def pools(network_type, physical_network=None):
    """[(physical network, first, last)] to allocate ``network_type`` ids
    from: VXLAN's ranges, or the VLAN ranges of ``physical_network`` (of
    every physical network, in their configured order, when None)."""
    if network_type == VXLAN:
        return [('', first, last) for first, last in vni_ranges()]
    if network_type == VLAN:
        return [(physnet, first, last) for physnet, spans in vlan_ranges().items()
                if physical_network in (None, physnet) for first, last in spans]
    return []


def pick_free(pool_list, used, attempt=0):
    """(physical network, id) free in ``pool_list`` (of ``pools``) and not
    in ``used`` (a set of (physical network, id)), or None when all are
    taken: the lowest on a first attempt, one of RETRY_SPREAD lowest on a
    retry."""
    wanted = 1 if attempt == 0 else RETRY_SPREAD
    candidates = []
    for physnet, first, last in pool_list:
        number = first
        while number <= last and len(candidates) < wanted:
            if (physnet, number) not in used:
                candidates.append((physnet, number))
            number += 1
        if len(candidates) >= wanted:
            break
    return random.choice(candidates) if candidates else None


def in_use(segment):
    """The 409 of a fully given ``segment`` another network holds."""
    if segment['network_type'] == VLAN:
        return exceptions.VlanIdInUse(vlan_id=segment['segmentation_id'],
                                      physical_network=segment['physical_network'])
    if segment['network_type'] == FLAT:
        return exceptions.FlatNetworkInUse(physical_network=segment['physical_network'])
    return exceptions.TunnelIdInUse(tunnel_id=segment['segmentation_id'])
