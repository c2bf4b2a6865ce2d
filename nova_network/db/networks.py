"""Networks in the API database; rows leave as the API shows them, with
their segment's provider attributes (db/segments.py)."""
import random
import time

from oslo_db import exception as db_exc
from sqlalchemy import or_

from nova_common.conf import CONF
from nova_common.db import engines
from nova_network.db import common
from nova_network.db import models
from nova_network.db import quotas
from nova_network.db import segments as segments_db
from nova_network import exceptions
from nova_network import listing
from nova_network import segments

ATTRIBUTES = {
    'id': listing.Attribute('id'),
    'name': listing.Attribute('name'),
    'description': listing.Attribute('description'),
    'status': listing.Attribute('status'),
    'admin_state_up': listing.Attribute('admin_state_up', listing.to_bool),
    'shared': listing.Attribute('shared', listing.to_bool),
    'mtu': listing.Attribute('mtu', listing.to_int),
    'project_id': listing.Attribute('project_id'),
    'tenant_id': listing.Attribute('project_id'),
    'revision_number': listing.Attribute('revision_number', listing.to_int),
    'created_at': listing.Attribute('created_at'),
    'updated_at': listing.Attribute('updated_at'),
    'router:external': listing.Attribute(None, listing.to_bool),
    'port_security_enabled': listing.Attribute(None, listing.to_bool),
    segments.NETWORK_TYPE: listing.Attribute(None),
    segments.PHYSICAL_NETWORK: listing.Attribute(None),
    segments.SEGMENTATION_ID: listing.Attribute(None, listing.to_int),
}


def _no_external_networks(query, values):
    """No network of this service is external: router:external=True
    matches nothing, False everything."""
    return query if False in values else query.filter(False)


def _all_port_security(query, values):
    return query if True in values else query.filter(False)


def _segment_filter(column):
    def apply(query, values):
        matching = query.session.query(models.NetworkSegment.network_id).filter(
            getattr(models.NetworkSegment, column).in_(values))
        return query.filter(models.Network.id.in_(matching))
    return apply


_CUSTOM_FILTERS = {'router:external': _no_external_networks,
                   'port_security_enabled': _all_port_security,
                   segments.NETWORK_TYPE: _segment_filter('network_type'),
                   segments.PHYSICAL_NETWORK: _segment_filter('physical_network'),
                   segments.SEGMENTATION_ID: _segment_filter('segmentation_id')}


def to_dict(row, subnet_ids, segment):
    network = common.standard_attributes(row)
    network.update(common.owned(row))
    network.update({
        'name': row.name, 'status': row.status, 'admin_state_up': row.admin_state_up,
        'shared': row.shared, 'mtu': row.mtu, 'subnets': subnet_ids,
        'router:external': False, 'port_security_enabled': True,
        'availability_zones': [], 'availability_zone_hints': [],
        'ipv4_address_scope': None, 'ipv6_address_scope': None, 'l2_adjacency': True,
        'is_default': False})
    network.update(segments_db.provider_attributes(segment))
    return network


def _subnet_ids(session, network_ids):
    found = {network_id: [] for network_id in network_ids}
    if network_ids:
        rows = (session.query(models.Subnet.network_id, models.Subnet.id)
                .filter(models.Subnet.network_id.in_(network_ids))
                .order_by(models.Subnet.created_at, models.Subnet.id))
        for network_id, subnet_id in rows:
            found[network_id].append(subnet_id)
    return found


def get_row(session, network_id, lock=False):
    query = session.query(models.Network).filter_by(id=network_id)
    if lock:
        query = query.with_for_update()
    row = query.first()
    if row is None:
        raise exceptions.NetworkNotFound(net_id=network_id)
    return row


def row_dict(session, row):
    return to_dict(row, _subnet_ids(session, [row.id])[row.id],
                   segments_db.of_networks(session, [row.id])[row.id])


def create(context, project_id, values):
    """Store a network of ``project_id`` with its segment: the one its
    provider attributes ask for (400 when invalid, 409 when taken), else
    a free one of [network] tenant_network_types (503 when none is)."""
    requested = segments.requested(values)
    network_id = common.new_id()
    for attempt in range(CONF.network.allocation_retries):
        try:
            return _create(context, network_id, project_id, values, requested)
        except db_exc.DBError as error:
            if not engines.deadlocked(error):
                raise
            time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
    raise exceptions.ConcurrentChange()


def _create(context, network_id, project_id, values, requested):
    with engines.api_writer(context) as session:
        quotas.check(session, project_id, 'network')
        row = models.Network(
            id=network_id, project_id=project_id, name=values.get('name', ''),
            description=values.get('description', ''),
            admin_state_up=values.get('admin_state_up', True),
            shared=values.get('shared', False),
            mtu=values.get('mtu') or CONF.network.default_mtu, status='ACTIVE',
            revision_number=1)
        session.add(row)
        session.flush()
        segment = segments_db.reserve(session, network_id, requested)
        return to_dict(row, [], segment)


def get(context, network_id):
    with engines.api_reader(context) as session:
        return row_dict(session, get_row(session, network_id))


def list_networks(context, params, project_id=None):
    """A page of networks; ``project_id``: only that project's and shared
    ones (a caller who is not an admin)."""
    with engines.api_reader(context) as session:
        query = session.query(models.Network)
        if project_id is not None:
            query = query.filter(or_(models.Network.project_id == project_id,
                                     models.Network.shared.is_(True)))
        query = common.filtered(query, models.Network, ATTRIBUTES, params.filters,
                                _CUSTOM_FILTERS)
        rows, has_more = common.paged(session, query, models.Network, params, get_row)
        network_ids = [row.id for row in rows]
        subnet_ids = _subnet_ids(session, network_ids)
        segment_rows = segments_db.of_networks(session, network_ids)
        return [to_dict(row, subnet_ids[row.id], segment_rows[row.id])
                for row in rows], has_more


def update(context, network_id, values):
    with engines.api_writer(context) as session:
        row = get_row(session, network_id, lock=True)
        segments_db.check_unchanged(segments_db.of_networks(session, [network_id])[network_id],
                                    values)
        if row.shared and values.get('shared') is False:
            others = session.query(models.Port.id).filter(
                models.Port.network_id == network_id,
                models.Port.project_id != row.project_id).first()
            if others is not None:
                raise exceptions.InvalidSharedSetting(network=row.name or network_id)
        for name in ('name', 'description', 'admin_state_up', 'shared', 'mtu'):
            if name in values:
                setattr(row, name, values[name])
        common.bump(row)
        session.flush()
        return row_dict(session, row)


def delete(context, network_id):
    """Delete the network and its subnets; NetworkInUse while a port other
    than a DHCP port (which goes with it) is on it."""
    with engines.api_writer(context) as session:
        get_row(session, network_id, lock=True)
        ports = session.query(models.Port).filter_by(network_id=network_id).all()
        if any(not port.device_owner.startswith('network:dhcp') for port in ports):
            raise exceptions.NetworkInUse(net_id=network_id)
        port_ids = [port.id for port in ports]
        if port_ids:
            session.query(models.IPAllocation).filter(
                models.IPAllocation.port_id.in_(port_ids)).delete(synchronize_session=False)
            session.query(models.PortSecurityGroupBinding).filter(
                models.PortSecurityGroupBinding.port_id.in_(port_ids)).delete(
                    synchronize_session=False)
            session.query(models.Port).filter(models.Port.id.in_(port_ids)).delete(
                synchronize_session=False)
        session.query(models.Subnet).filter_by(network_id=network_id).delete(
            synchronize_session=False)
        session.query(models.AutoAllocatedTopology).filter_by(network_id=network_id).delete(
            synchronize_session=False)
        segments_db.delete(session, network_id)
        session.query(models.Network).filter_by(id=network_id).delete(
            synchronize_session=False)
