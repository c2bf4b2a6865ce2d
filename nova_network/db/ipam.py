"""IP address management in the API database: which addresses of a
network's subnets a port gets.

No address is handed out twice: ip_allocations has a unique key on
(subnet_id, ip_address), so of two requests that picked the same free
address one fails its insert; ``ports.create``/``update`` then run their
whole transaction again, and the retry picks among the lowest free
addresses at random (addresses.pick_free) so that racing requests spread.
"""
from nova_network import addresses
from nova_network.db import models
from nova_network.db import subnets as subnets_db
from nova_network import exceptions


def _taken(session, subnet_id):
    return {ip for (ip,) in session.query(models.IPAllocation.ip_address)
            .filter_by(subnet_id=subnet_id)}


def _pools(subnet):
    return subnets_db.to_dict(subnet)['allocation_pools']


def _free(session, subnet, chosen, attempt):
    taken = _taken(session, subnet.id) | {ip for row, ip in chosen if row.id == subnet.id}
    return addresses.pick_free(subnet.ip_version, _pools(subnet), taken, attempt)


def _requested_address(session, network_id, subnets, entry, kept):
    """(subnet row, address text) of a fixed_ips entry that names an address."""
    ip = addresses.address(entry['ip_address'])
    if entry.get('subnet_id'):
        subnet = subnets[entry['subnet_id']]
        if ip not in addresses.network(subnet.cidr):
            raise exceptions.InvalidIpForSubnet(ip_address=entry['ip_address'])
    else:
        matching = [row for row in subnets.values() if ip in addresses.network(row.cidr)]
        if not matching:
            raise exceptions.InvalidIpForNetwork(ip_address=entry['ip_address'])
        subnet = matching[0]
    net = addresses.network(subnet.cidr)
    text = str(ip)
    if not addresses.is_usable(net, ip):
        raise exceptions.InvalidIpForSubnet(ip_address=entry['ip_address'])
    if text == subnet.gateway_ip:
        raise exceptions.IpAddressAlreadyAllocated(ip=text, subnet_id=subnet.id)
    if (subnet.id, text) not in kept and text in _taken(session, subnet.id):
        raise exceptions.IpAddressAlreadyAllocated(ip=text, subnet_id=subnet.id)
    return subnet, text


def plan(session, network_id, fixed_ips, attempt=0, current=()):
    """The (subnet row, address) pairs a port on ``network_id`` gets.

    ``fixed_ips`` None: one address from the first subnet of each IP
    version that has one free. Otherwise one address per entry: the one it
    names (409 when taken, 400 outside the subnet or network) or a free one
    of its subnet. ``current``: the (subnet_id, address) pairs the port has
    already (an update): asking for them again keeps them.
    """
    subnets = {row.id: row for row in subnets_db.network_subnets(session, network_id)}
    chosen = []
    if fixed_ips is None:
        for version in (4, 6):
            candidates = [row for row in subnets.values() if row.ip_version == version]
            for subnet in candidates:
                ip = _free(session, subnet, chosen, attempt)
                if ip is not None:
                    chosen.append((subnet, ip))
                    break
            else:
                if candidates:
                    raise exceptions.IpAddressGenerationFailure(net_id=network_id)
        return chosen
    current = set(current)
    for entry in fixed_ips:
        subnet_id = entry.get('subnet_id')
        if subnet_id is not None and subnet_id not in subnets:
            raise exceptions.InvalidInput(
                error_message='Failed to create port on network %s, because fixed_ips '
                              'included invalid subnet %s' % (network_id, subnet_id))
        if entry.get('ip_address') is not None:
            subnet, ip = _requested_address(session, network_id, subnets, entry, current)
        else:
            subnet = subnets[subnet_id]
            already = {addr for row, addr in chosen if row.id == subnet_id}
            kept = sorted(ip for sid, ip in current if sid == subnet_id and ip not in already)
            ip = kept[0] if kept else _free(session, subnet, chosen, attempt)
            if ip is None:
                raise exceptions.IpAddressGenerationFailure(net_id=network_id)
        if any(row.id == subnet.id and addr == ip for row, addr in chosen):
            raise exceptions.IpAddressAlreadyAllocated(ip=ip, subnet_id=subnet.id)
        chosen.append((subnet, ip))
    return chosen


def allocate(session, port_id, network_id, chosen, current=()):
    """Write the port's allocations: add those of ``chosen`` it does not
    have, remove those of ``current`` no longer chosen."""
    wanted = {(subnet.id, ip) for subnet, ip in chosen}
    for subnet_id, ip in set(current) - wanted:
        session.query(models.IPAllocation).filter_by(
            port_id=port_id, subnet_id=subnet_id, ip_address=ip).delete(
                synchronize_session=False)
    for subnet, ip in chosen:
        if (subnet.id, ip) not in set(current):
            session.add(models.IPAllocation(port_id=port_id, subnet_id=subnet.id,
                                            network_id=network_id, ip_address=ip))
    session.flush()
