"""Ports in the API database, with their fixed IPs (ipam.py) and security
groups.

Creating or re-addressing a port is one transaction run again, at most
[network] allocation_retries times, when a racing request inserted the
same address, MAC or default security group first (a unique key refuses
the second insert): the next run sees the winner's row, so an address the
caller asked for is then answered 409, and a free one is picked anew.
"""
import random
import re
import time

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
from sqlalchemy import or_

from nova_common.conf import CONF
from nova_common.db import engines
from nova_network.db import common
from nova_network.db import ipam
from nova_network.db import models
from nova_network.db import networks as networks_db
from nova_network.db import quotas
from nova_network.db import security_groups as groups_db
from nova_network import exceptions
from nova_network import listing

MAC_PATTERN = re.compile(r'^([0-9a-f]{2}:){5}[0-9a-f]{2}$')
MAC_GENERATION_TRIES = 16

ATTRIBUTES = {
    'id': listing.Attribute('id'),
    'name': listing.Attribute('name'),
    'description': listing.Attribute('description'),
    'network_id': listing.Attribute('network_id'),
    'mac_address': listing.Attribute('mac_address'),
    'device_id': listing.Attribute('device_id'),
    'device_owner': listing.Attribute('device_owner'),
    'admin_state_up': listing.Attribute('admin_state_up', listing.to_bool),
    'status': listing.Attribute('status'),
    'binding:host_id': listing.Attribute('binding_host_id'),
    'port_security_enabled': listing.Attribute('port_security_enabled', listing.to_bool),
    'project_id': listing.Attribute('project_id'),
    'tenant_id': listing.Attribute('project_id'),
    'revision_number': listing.Attribute('revision_number', listing.to_int),
    'created_at': listing.Attribute('created_at'),
    'updated_at': listing.Attribute('updated_at'),
    'fixed_ips': listing.Attribute(None),
    'security_groups': listing.Attribute(None),
}


def _fixed_ips_filter(query, values):
    """``fixed_ips=ip_address=A`` / ``fixed_ips=subnet_id=S``: ports with an
    allocation matching every key given (values of one key ORed)."""
    wanted = {}
    for value in values:
        key, sep, item = value.partition('=')
        if not sep or key not in ('ip_address', 'subnet_id'):
            raise exceptions.HTTPBadRequest("Invalid input for fixed_ips. Reason: '%s' is not "
                                            "ip_address=... or subnet_id=...." % value)
        wanted.setdefault(key, []).append(item)
    allocations = query.session.query(models.IPAllocation.port_id)
    for key, items in wanted.items():
        allocations = allocations.filter(getattr(models.IPAllocation, key).in_(items))
    return query.filter(models.Port.id.in_(allocations))


def _security_groups_filter(query, values):
    bindings = query.session.query(models.PortSecurityGroupBinding.port_id).filter(
        models.PortSecurityGroupBinding.security_group_id.in_(values))
    return query.filter(models.Port.id.in_(bindings))


_CUSTOM_FILTERS = {'fixed_ips': _fixed_ips_filter, 'security_groups': _security_groups_filter}


def _vif_type(row):
    return 'bridge' if row.binding_host_id else 'unbound'


def to_dict(row, fixed_ips, group_ids):
    port = common.standard_attributes(row)
    port.update(common.owned(row))
    port.update({
        'name': row.name, 'network_id': row.network_id, 'mac_address': row.mac_address,
        'fixed_ips': fixed_ips, 'device_id': row.device_id, 'device_owner': row.device_owner,
        'admin_state_up': row.admin_state_up, 'status': row.status,
        'security_groups': group_ids, 'port_security_enabled': row.port_security_enabled,
        'binding:host_id': row.binding_host_id, 'binding:vif_type': _vif_type(row),
        'binding:vif_details': {}, 'binding:vnic_type': 'normal',
        'binding:profile': profile(row),
        'allowed_address_pairs': [], 'extra_dhcp_opts': [], 'ip_allocation': 'immediate'})
    return port


def profile(row):
    return jsonutils.loads(row.binding_profile) if row.binding_profile else {}


def _profile_text(value):
    return jsonutils.dumps(value) if value else None


def _fixed_ips(session, port_ids):
    found = {port_id: [] for port_id in port_ids}
    if port_ids:
        rows = (session.query(models.IPAllocation)
                .filter(models.IPAllocation.port_id.in_(port_ids))
                .order_by(models.IPAllocation.id))
        for row in rows:
            found[row.port_id].append({'subnet_id': row.subnet_id, 'ip_address': row.ip_address})
    return found


def _dicts(session, rows):
    port_ids = [row.id for row in rows]
    fixed_ips = _fixed_ips(session, port_ids)
    groups = groups_db.port_groups(session, port_ids)
    return [to_dict(row, fixed_ips[row.id], groups[row.id]) for row in rows]


def get_row(session, port_id):
    row = session.query(models.Port).filter_by(id=port_id).first()
    if row is None:
        raise exceptions.PortNotFound(port_id=port_id)
    return row


def get(context, port_id):
    with engines.api_reader(context) as session:
        return _dicts(session, [get_row(session, port_id)])[0]


def _mac_taken(session, network_id, mac):
    return session.query(models.Port.id).filter_by(network_id=network_id,
                                                   mac_address=mac).first() is not None


def normalize_mac(mac):
    """``mac`` in lower case; 400 unless it is a unicast MAC address."""
    normalized = mac.lower().replace('-', ':')
    if (not MAC_PATTERN.match(normalized) or int(normalized[:2], 16) & 1
            or normalized == '00:00:00:00:00:00'):
        raise exceptions.HTTPBadRequest("Invalid input for mac_address. Reason: '%s' is not a "
                                        "valid MAC address." % mac)
    return normalized


def _pick_mac(session, network_id, requested):
    if requested is not None:
        if _mac_taken(session, network_id, requested):
            raise exceptions.MacAddressInUse(net_id=network_id, mac=requested)
        return requested
    base = CONF.network.base_mac.lower().split(':')
    for _try in range(MAC_GENERATION_TRIES):
        mac = ':'.join(base[:3] + ['%02x' % random.randint(0, 255) for _octet in range(3)])
        if not _mac_taken(session, network_id, mac):
            return mac
    raise exceptions.MacAddressGenerationFailure(net_id=network_id)


def _retrying(transaction):
    """Run ``transaction(attempt)`` until no unique key or deadlock stops it."""
    for attempt in range(CONF.network.allocation_retries):
        try:
            return transaction(attempt)
        except (db_exc.DBDuplicateEntry, db_exc.DBDeadlock):
            time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
    raise exceptions.ConcurrentChange()


def create(context, project_id, values):
    """Store a port of ``project_id`` on values['network_id'] with its
    addresses (``fixed_ips``: None picks them), MAC (None generates one) and
    security groups (None: the project's default group)."""
    port_id = common.new_id()
    group_ids = values.get('security_groups')
    port_security = values.get('port_security_enabled', True)

    def transaction(attempt):
        with engines.api_writer(context) as session:
            networks_db.get_row(session, values['network_id'])
            quotas.check(session, project_id, 'port')
            chosen = ipam.plan(session, values['network_id'], values.get('fixed_ips'), attempt)
            row = models.Port(
                id=port_id, project_id=project_id, network_id=values['network_id'],
                name=values.get('name', ''), description=values.get('description', ''),
                mac_address=_pick_mac(session, values['network_id'], values.get('mac_address')),
                device_id=values.get('device_id') or '',
                device_owner=values.get('device_owner') or '',
                admin_state_up=values.get('admin_state_up', True), status='DOWN',
                binding_host_id=values.get('binding:host_id') or '',
                binding_profile=_profile_text(values.get('binding:profile')),
                port_security_enabled=port_security, revision_number=1)
            session.add(row)
            session.flush()
            ipam.allocate(session, port_id, values['network_id'], chosen)
            if group_ids is not None:
                groups_db.check_port_groups(session, project_id, group_ids)
                groups = group_ids
            elif port_security and not row.device_owner.startswith('network:'):
                groups = [groups_db.ensure_default(session, project_id)]
            else:
                groups = []
            groups_db.bind_port(session, port_id, groups)
            session.flush()
            return _dicts(session, [row])[0]

    return _retrying(transaction)


def list_ports(context, params, project_id=None):
    """A page of ports; ``project_id``: only that project's ports and the
    ports on its networks."""
    with engines.api_reader(context) as session:
        query = session.query(models.Port)
        if project_id is not None:
            own_networks = session.query(models.Network.id).filter(
                models.Network.project_id == project_id)
            query = query.filter(or_(models.Port.project_id == project_id,
                                     models.Port.network_id.in_(own_networks)))
        query = common.filtered(query, models.Port, ATTRIBUTES, params.filters, _CUSTOM_FILTERS)
        rows, has_more = common.paged(session, query, models.Port, params, get_row)
        return _dicts(session, rows), has_more


_PLAIN_UPDATES = {'name': 'name', 'description': 'description', 'device_id': 'device_id',
                  'device_owner': 'device_owner', 'admin_state_up': 'admin_state_up',
                  'binding:host_id': 'binding_host_id',
                  'port_security_enabled': 'port_security_enabled'}


def update(context, port_id, values):
    def transaction(attempt):
        with engines.api_writer(context) as session:
            row = get_row(session, port_id)
            for name, column in _PLAIN_UPDATES.items():
                if name in values:
                    setattr(row, column, values[name] if values[name] is not None else '')
            if 'binding:profile' in values:
                row.binding_profile = _profile_text(values['binding:profile'])
            if 'mac_address' in values and values['mac_address'] != row.mac_address:
                row.mac_address = _pick_mac(session, row.network_id, values['mac_address'])
            if 'fixed_ips' in values:
                current = [(ip['subnet_id'], ip['ip_address'])
                           for ip in _fixed_ips(session, [port_id])[port_id]]
                chosen = ipam.plan(session, row.network_id, values['fixed_ips'], attempt,
                                   current)
                ipam.allocate(session, port_id, row.network_id, chosen, current)
            if 'security_groups' in values:
                groups_db.check_port_groups(session, row.project_id, values['security_groups'])
                groups_db.bind_port(session, port_id, values['security_groups'])
            common.bump(row)
            session.flush()
            return _dicts(session, [row])[0]

    return _retrying(transaction)


def delete(context, port_id):
    with engines.api_writer(context) as session:
        get_row(session, port_id)
        for model in (models.IPAllocation, models.PortSecurityGroupBinding):
            session.query(model).filter_by(port_id=port_id).delete(synchronize_session=False)
        session.query(models.Port).filter_by(id=port_id).delete(synchronize_session=False)
