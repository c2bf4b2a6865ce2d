"""Subnets in the API database. The network row is locked while a subnet
is added, so that two racing creates cannot both pass the overlap check."""
import ipaddress

from oslo_serialization import jsonutils
from sqlalchemy import or_

from nova_common.db import engines
from nova_network.db import common
from nova_network.db import models
from nova_network.db import networks as networks_db
from nova_network.db import quotas
from nova_network import exceptions
from nova_network import listing

ATTRIBUTES = {
    'id': listing.Attribute('id'),
    'name': listing.Attribute('name'),
    'description': listing.Attribute('description'),
    'network_id': listing.Attribute('network_id'),
    'ip_version': listing.Attribute('ip_version', listing.to_int),
    'cidr': listing.Attribute('cidr'),
    'gateway_ip': listing.Attribute('gateway_ip'),
    'enable_dhcp': listing.Attribute('enable_dhcp', listing.to_bool),
    'ipv6_ra_mode': listing.Attribute('ipv6_ra_mode'),
    'ipv6_address_mode': listing.Attribute('ipv6_address_mode'),
    'project_id': listing.Attribute('project_id'),
    'tenant_id': listing.Attribute('project_id'),
    'revision_number': listing.Attribute('revision_number', listing.to_int),
    'created_at': listing.Attribute('created_at'),
    'updated_at': listing.Attribute('updated_at'),
    'subnetpool_id': listing.Attribute(None),
    'segment_id': listing.Attribute(None),
}


def _only_none(query, values):
    """subnetpool_id and segment_id are always null here."""
    return query if any(value in ('', 'None', None) for value in values) else query.filter(False)


_CUSTOM_FILTERS = {'subnetpool_id': _only_none, 'segment_id': _only_none}

# The JSON lists of a subnet row.
_LISTS = ('allocation_pools', 'dns_nameservers', 'host_routes')


def to_dict(row):
    subnet = common.standard_attributes(row)
    subnet.update(common.owned(row))
    subnet.update({
        'name': row.name, 'network_id': row.network_id, 'ip_version': row.ip_version,
        'cidr': row.cidr, 'gateway_ip': row.gateway_ip, 'enable_dhcp': row.enable_dhcp,
        'ipv6_ra_mode': row.ipv6_ra_mode, 'ipv6_address_mode': row.ipv6_address_mode,
        'subnetpool_id': None, 'segment_id': None, 'service_types': [],
        'dns_publish_fixed_ip': False})
    for name in _LISTS:
        subnet[name] = jsonutils.loads(getattr(row, name))
    return subnet


def get_row(session, subnet_id):
    row = session.query(models.Subnet).filter_by(id=subnet_id).first()
    if row is None:
        raise exceptions.SubnetNotFound(subnet_id=subnet_id)
    return row


def get(context, subnet_id):
    with engines.api_reader(context) as session:
        return to_dict(get_row(session, subnet_id))


def network_subnets(session, network_id):
    return (session.query(models.Subnet).filter_by(network_id=network_id)
            .order_by(models.Subnet.created_at, models.Subnet.id).all())


def _check_overlap(session, network_id, cidr, subnet_id=None):
    new = ipaddress.ip_network(cidr)
    for other in network_subnets(session, network_id):
        if other.id != subnet_id and ipaddress.ip_network(other.cidr).overlaps(new):
            raise exceptions.InvalidInput(
                error_message='Requested subnet with cidr: %s for network: %s overlaps with '
                              'another subnet' % (cidr, network_id))


def create(context, project_id, values):
    """Store a subnet whose attributes ``values`` are already complete and
    validated (cidr, gateway_ip, allocation_pools, ...)."""
    with engines.api_writer(context) as session:
        networks_db.get_row(session, values['network_id'], lock=True)
        _check_overlap(session, values['network_id'], values['cidr'])
        quotas.check(session, project_id, 'subnet')
        row = models.Subnet(
            id=common.new_id(), project_id=project_id, network_id=values['network_id'],
            name=values.get('name', ''), description=values.get('description', ''),
            ip_version=values['ip_version'], cidr=values['cidr'],
            gateway_ip=values['gateway_ip'], enable_dhcp=values.get('enable_dhcp', True),
            ipv6_ra_mode=values.get('ipv6_ra_mode'),
            ipv6_address_mode=values.get('ipv6_address_mode'), revision_number=1,
            **{name: jsonutils.dumps(values.get(name, [])) for name in _LISTS})
        session.add(row)
        session.flush()
        return to_dict(row)


def list_subnets(context, params, project_id=None):
    """A page of subnets; ``project_id``: only that project's and those of
    shared networks."""
    with engines.api_reader(context) as session:
        query = session.query(models.Subnet)
        if project_id is not None:
            shared = session.query(models.Network.id).filter(models.Network.shared.is_(True))
            query = query.filter(or_(models.Subnet.project_id == project_id,
                                     models.Subnet.network_id.in_(shared)))
        query = common.filtered(query, models.Subnet, ATTRIBUTES, params.filters,
                                _CUSTOM_FILTERS)
        rows, has_more = common.paged(session, query, models.Subnet, params, get_row)
        return [to_dict(row) for row in rows], has_more


def update(context, subnet_id, values):
    with engines.api_writer(context) as session:
        row = get_row(session, subnet_id)
        for name, value in values.items():
            setattr(row, name, jsonutils.dumps(value) if name in _LISTS else value)
        common.bump(row)
        session.flush()
        return to_dict(row)


def delete(context, subnet_id):
    """SubnetInUse while a port other than a DHCP port has an address of
    the subnet; a DHCP port's address goes with the subnet."""
    with engines.api_writer(context) as session:
        row = get_row(session, subnet_id)
        networks_db.get_row(session, row.network_id, lock=True)
        allocations = (session.query(models.IPAllocation, models.Port.device_owner)
                       .join(models.Port, models.Port.id == models.IPAllocation.port_id)
                       .filter(models.IPAllocation.subnet_id == subnet_id).all())
        if any(not owner.startswith('network:dhcp') for _allocation, owner in allocations):
            raise exceptions.SubnetInUse(subnet_id=subnet_id)
        session.query(models.IPAllocation).filter_by(subnet_id=subnet_id).delete(
            synchronize_session=False)
        session.query(models.Subnet).filter_by(id=subnet_id).delete(synchronize_session=False)
