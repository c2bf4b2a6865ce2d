"""Address arithmetic of subnets: CIDRs, gateways, allocation pools and
picking free addresses. Addresses are stored in their compressed text form
(``ipaddress``'s), so that one address has one spelling in the unique key."""
import ipaddress
import random

from nova_network import exceptions

# On a retry after a lost race, pick among this many of the lowest free
# addresses instead of the lowest, so that racing requests spread out.
RETRY_SPREAD = 16


def network(cidr, ip_version=None):
    """The ipaddress network of ``cidr``; 400 when it is not one, has host
    bits set, or is not of ``ip_version``."""
    try:
        parsed = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise exceptions.HTTPBadRequest("Invalid input for cidr. Reason: '%s' is not a valid "
                                        "IP subnet." % cidr)
    if '/' not in cidr or ipaddress.ip_interface(cidr).ip != parsed.network_address:
        raise exceptions.HTTPBadRequest(
            "Invalid input for cidr. Reason: '%s' isn't a recommended CIDR, '%s' is "
            "recommended." % (cidr, parsed))
    if ip_version is not None and parsed.version != ip_version:
        raise exceptions.InvalidInput(error_message='Cidr %s does not match the ip_version %d'
                                      % (cidr, ip_version))
    return parsed


def address(value, attribute='ip_address'):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise exceptions.HTTPBadRequest("Invalid input for %s. Reason: '%s' is not a valid IP "
                                        "address." % (attribute, value))


def usable_range(net):
    """(first, last) host addresses of ``net``: IPv4 leaves out the network
    and broadcast addresses (unless /31 or /32), IPv6 the subnet-router
    anycast address."""
    first, last = int(net.network_address), int(net.broadcast_address)
    if net.version == 4 and net.prefixlen < 31:
        return first + 1, last - 1
    if net.version == 6 and net.prefixlen < 127:
        return first + 1, last
    return first, last


def is_usable(net, ip):
    first, last = usable_range(net)
    return ip in net and first <= int(ip) <= last


def default_gateway(net):
    first, last = usable_range(net)
    return str(ipaddress.ip_address(first)) if first <= last else None


def default_pools(net, gateway):
    """The usable range of ``net`` without the gateway: one pool, or two
    when the gateway sits inside it."""
    first, last = usable_range(net)
    pools = [(first, last)]
    if gateway is not None:
        gw = int(ipaddress.ip_address(gateway))
        if first <= gw <= last:
            pools = [(first, gw - 1), (gw + 1, last)]
    return [_pool_dict(net.version, start, end) for start, end in pools if start <= end]


def _pool_dict(version, start, end):
    make = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    return {'start': str(make(start)), 'end': str(make(end))}


def validate_pools(net, pools, gateway):
    """``pools`` ([{start, end}]) normalized; 400 when a pool is out of the
    subnet, backwards, overlaps another or holds the gateway."""
    ranges = []
    for pool in pools:
        start, end = address(pool['start'], 'allocation_pools'), address(pool['end'],
                                                                          'allocation_pools')
        if not (is_usable(net, start) and is_usable(net, end)) or int(start) > int(end):
            raise exceptions.InvalidAllocationPool(pool='%s-%s' % (start, end))
        ranges.append((int(start), int(end)))
    ranges.sort()
    for (start_1, end_1), (start_2, end_2) in zip(ranges, ranges[1:]):
        if start_2 <= end_1:
            raise exceptions.OverlappingAllocationPools(
                pool_1='%s-%s' % _texts(net, start_1, end_1),
                pool_2='%s-%s' % _texts(net, start_2, end_2), subnet_cidr=str(net))
    if gateway is not None:
        gw = int(ipaddress.ip_address(gateway))
        for start, end in ranges:
            if start <= gw <= end:
                raise exceptions.GatewayConflictWithAllocationPools(
                    ip_address=gateway, pool='%s-%s' % _texts(net, start, end))
    return [_pool_dict(net.version, start, end) for start, end in ranges]


def _texts(net, *numbers):
    make = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
    return tuple(str(make(number)) for number in numbers)


def pick_free(version, pools, taken, attempt=0):
    """A free address (text) of ``pools`` not in ``taken`` (a set of
    texts), or None when the pools are full: the lowest on a first attempt,
    one of the RETRY_SPREAD lowest on a retry."""
    make = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    taken_numbers = {int(ipaddress.ip_address(ip)) for ip in taken}
    candidates = []
    wanted = 1 if attempt == 0 else RETRY_SPREAD
    for pool in pools:
        number = int(ipaddress.ip_address(pool['start']))
        end = int(ipaddress.ip_address(pool['end']))
        while number <= end and len(candidates) < wanted:
            if number not in taken_numbers:
                candidates.append(number)
            number += 1
        if len(candidates) >= wanted:
            break
    if not candidates:
        return None
    return str(make(random.choice(candidates)))
