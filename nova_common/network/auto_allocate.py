"""Get-me-a-network for ``"networks": "auto"``, as Neutron's
auto-allocated topology serves Nova: the one network the project sees
(its own or shared) is used; when it sees none, a network with an IPv4
subnet from [network] auto_allocate_subnet_pool is made for the project,
once: racing requests collide on auto_allocated_topologies' primary key,
and the loser removes what it made and uses the winner's network.

There are no routers here: the network made is the project's own, with
no way out (Neutron's would be routed to the default external network).
"""
import ipaddress

from oslo_db import exception as db_exc

from nova_common.conf import CONF
from nova_common.db import engines
from nova_common import exception
from nova_network import addresses
from nova_network.db import models
from nova_network.db import networks as networks_db
from nova_network.db import subnets as subnets_db
from nova_network import exceptions as network_exceptions

NETWORK_NAME = 'auto_allocated_network'
SUBNET_NAME = 'auto_allocated_subnet_v4'


def visible_network_ids(context, project_id, limit=2):
    with engines.api_reader(context) as session:
        return [network_id for (network_id,) in session.query(models.Network.id).filter(
            (models.Network.project_id == project_id) | models.Network.shared.is_(True))
            .order_by(models.Network.created_at, models.Network.id).limit(limit)]


def _made_for(context, project_id):
    with engines.api_reader(context) as session:
        row = session.query(models.AutoAllocatedTopology).filter_by(
            project_id=project_id).first()
        return row.network_id if row is not None else None


def _free_cidr(context, project_id):
    pool = ipaddress.ip_network(CONF.network.auto_allocate_subnet_pool)
    with engines.api_reader(context) as session:
        used = {cidr for (cidr,) in session.query(models.Subnet.cidr).join(
            models.AutoAllocatedTopology,
            models.AutoAllocatedTopology.network_id == models.Subnet.network_id)}
    for candidate in pool.subnets(new_prefix=CONF.network.auto_allocate_prefixlen):
        if str(candidate) not in used:
            return str(candidate)
    raise _unable(project_id)


def _unable(project_id):
    return exception.Invalid('Unable to automatically allocate a network for project %s'
                             % project_id)


def _subnet_values(network_id, cidr):
    net = addresses.network(cidr, 4)
    gateway = addresses.default_gateway(net)
    return {'network_id': network_id, 'name': SUBNET_NAME, 'ip_version': 4, 'cidr': cidr,
            'gateway_ip': gateway, 'allocation_pools': addresses.default_pools(net, gateway),
            'dns_nameservers': [], 'host_routes': [], 'enable_dhcp': True}


def _make(context, project_id):
    """The project's network made now, or the one a racing request made
    (the network, its subnet and the project's topology row are one
    transaction: a loser leaves nothing); 400 when it cannot be made (the
    pool exhausted, the project's network quota used up)."""
    try:
        with engines.api_writer(context) as session:
            network = networks_db.create(context, project_id, {'name': NETWORK_NAME})
            subnets_db.create(context, project_id, _subnet_values(
                network['id'], _free_cidr(context, project_id)))
            session.add(models.AutoAllocatedTopology(project_id=project_id,
                                                     network_id=network['id']))
            session.flush()
    except db_exc.DBDuplicateEntry:
        return _made_for(context, project_id)
    except network_exceptions.NeutronException:
        raise _unable(project_id)
    return network['id']


def ambiguous():
    return exception.Conflict('Multiple possible networks found, use a Network ID to be '
                              'more specific.')


def default_network(context, project_id):
    """Before 2.37, a create without ``networks``: the one network the
    project sees, or none (no port), as Nova; 409 when it sees several."""
    found = visible_network_ids(context, project_id)
    if len(found) > 1:
        raise ambiguous()
    return found[0] if found else None


def network_for(context, project_id):
    """The id of the network ``auto`` boots ``project_id``'s server on."""
    found = visible_network_ids(context, project_id)
    if len(found) > 1:
        raise ambiguous()
    if found:
        return found[0]
    if not CONF.network.auto_allocate_subnet_pool:
        raise _unable(project_id)
    return _made_for(context, project_id) or _make(context, project_id)
