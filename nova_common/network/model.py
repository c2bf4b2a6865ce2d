"""network_info: what a compute host needs to know about a server's ports
to plumb them (bridge, tap, DHCP, firewall), read from the built-in
network service's tables in the API database.

Computes have no database: their cell conductor builds this for them
(conductor RPC ``network_info``). It is a list with one dict per port
(Nova calls the same list network_info):

    {'id', 'address' (MAC), 'devname' (tap<port id[:11]>), 'hostname',
     'port_security_enabled', 'fixed_ips': [{'subnet_id', 'ip_address'}],
     'network': {'id', 'label', 'mtu', 'bridge' (brq<network id[:11]>),
                 'segmentation': {'type', 'id'[, 'physical_network']},
                 'subnets': [{'id', 'cidr', 'version', 'gateway', 'dns',
                              'enable_dhcp', 'dhcp_server'}]},
     'security_groups': [{'id', 'rules': [{'direction', 'ethertype',
                          'protocol', 'port_range_min', 'port_range_max',
                          'remote_ip_prefix', 'remote_group_id'}]}],
     'remote_groups': {group id: [member addresses]}}

Segmentation: the network's segment as stored (nova_network/db/segments.py):
``{'type': 'vxlan', 'id': <VNI>}`` (a host without ``[network]
tunnel_local_ip`` uses it as a host-local bridge), ``{'type': 'vlan', 'id':
<VLAN id>, 'physical_network': ...}`` or ``{'type': 'flat', 'id': None,
'physical_network': ...}``.

DHCP: each network with a DHCP-enabled subnet gets one DHCP port per host
that serves it (a host whose driver plumbs its guests' networks) (device_owner ``network:dhcp``, device_id ``dhcp-<host>``,
bound to the host), made here on first use, as Neutron's DHCP agent has
one; its addresses are the ``dhcp_server`` of the subnets on that host.
The network's delete removes it with the network.
"""
import hashlib
import uuid as uuid_lib

from oslo_serialization import jsonutils

from nova_common.db import engines
from nova_network.db import models
from nova_network.db import ports as ports_db
from nova_network.db import security_groups as groups_db
from nova_network.db import segments as segments_db

DHCP_OWNER = 'network:dhcp'
# VNIs 1 .. 2**24 - 1: 0 is not a valid VNI.
VNI_SPACE = 2 ** 24 - 1


def device_name(port_id):
    """The host device of a port, as Nova names it (at most 14 characters)."""
    return ('tap' + port_id)[:14]


def bridge_name(network_id):
    """The Linux bridge of a network on a host, as Neutron's linuxbridge
    agent names it (at most 14 characters)."""
    return ('brq' + network_id)[:14]


def vni(network_id):
    """The VXLAN network identifier derived from the network's id: what
    every network had before segments were stored, and what migration
    api0004 gave them where it did not collide."""
    return uuid_lib.UUID(network_id).int % VNI_SPACE + 1


def segmentation(row):
    """The ``segmentation`` of a network whose segment row is ``row``."""
    attributes = segments_db.provider_attributes(row)
    found = {'type': row.network_type, 'id': attributes['provider:segmentation_id']}
    if row.physical_network:
        found['physical_network'] = row.physical_network
    return found


def hostname_for(address):
    """The DHCP host name of an address, as Neutron's (host-10-0-0-5)."""
    return 'host-' + address.replace('.', '-').replace(':', '-')


def dhcp_device_id(host):
    return 'dhcp-%s' % host


def _dhcp_servers(context, network_id, dhcp_subnet_ids, host):
    """{subnet id: address} of the DHCP port of ``network_id`` on ``host``,
    the port made when there is none yet."""
    with engines.api_reader(context) as session:
        port = (session.query(models.Port)
                .filter_by(network_id=network_id, device_owner=DHCP_OWNER,
                           device_id=dhcp_device_id(host))
                .order_by(models.Port.created_at, models.Port.id).first())
        network = session.query(models.Network).filter_by(id=network_id).one()
        project_id = network.project_id
        port_id = port.id if port is not None else None
    if port_id is None:
        port_id = ports_db.create(context, project_id, {
            'network_id': network_id, 'device_owner': DHCP_OWNER,
            'device_id': dhcp_device_id(host), 'binding:host_id': host,
            'fixed_ips': [{'subnet_id': subnet_id} for subnet_id in dhcp_subnet_ids],
            'security_groups': []})['id']
    with engines.api_reader(context) as session:
        return {row.subnet_id: row.ip_address for row in session.query(
            models.IPAllocation).filter_by(port_id=port_id)}


def _subnets(session, network_ids):
    found = {network_id: [] for network_id in network_ids}
    for row in (session.query(models.Subnet)
                .filter(models.Subnet.network_id.in_(network_ids))
                .order_by(models.Subnet.created_at, models.Subnet.id)):
        found[row.network_id].append(row)
    return found


def _groups(session, group_ids):
    """{group id: [rule dicts]} of ``group_ids``."""
    rules = {group_id: [] for group_id in group_ids}
    if group_ids:
        for row in (session.query(models.SecurityGroupRule)
                    .filter(models.SecurityGroupRule.security_group_id.in_(group_ids))
                    .order_by(models.SecurityGroupRule.id)):
            rules[row.security_group_id].append(
                {name: getattr(row, name) for name in groups_db.RULE_IDENTITY})
    return rules


def _members(session, group_ids):
    """{group id: [addresses of the ports in the group]}."""
    found = {group_id: [] for group_id in group_ids}
    if group_ids:
        rows = (session.query(models.PortSecurityGroupBinding.security_group_id,
                              models.IPAllocation.ip_address)
                .join(models.IPAllocation, models.IPAllocation.port_id
                      == models.PortSecurityGroupBinding.port_id)
                .filter(models.PortSecurityGroupBinding.security_group_id.in_(group_ids))
                .order_by(models.IPAllocation.ip_address))
        for group_id, address in rows:
            found[group_id].append(address)
    return found


def _fixed_ips(session, port_ids):
    found = {port_id: [] for port_id in port_ids}
    for row in (session.query(models.IPAllocation)
                .filter(models.IPAllocation.port_id.in_(port_ids))
                .order_by(models.IPAllocation.id)):
        found[row.port_id].append({'subnet_id': row.subnet_id, 'ip_address': row.ip_address})
    return found


def _port_rows(session, instance_uuids):
    return (session.query(models.Port).filter(models.Port.device_id.in_(instance_uuids))
            .order_by(models.Port.created_at, models.Port.id).all())


def network_info(context, instance_uuid, host, serves_dhcp=True):
    """The network_info list of the server ``instance_uuid`` as plumbed on
    ``host``. ``serves_dhcp``: the host runs DHCP for its networks (its
    DHCP ports are made when missing); a host that does not (the fake
    driver's) gets no ``dhcp_server`` addresses."""
    return network_infos(context, [instance_uuid], host, serves_dhcp)[instance_uuid]


def network_infos(context, instance_uuids, host, serves_dhcp=True):
    """{instance uuid: network_info} of ``instance_uuids`` on ``host``, as
    network_info, read with the same few queries for all of them."""
    instance_uuids = sorted(set(instance_uuids))
    with engines.api_reader(context) as session:
        rows = _port_rows(session, instance_uuids) if instance_uuids else []
        if not rows:
            return {uuid: [] for uuid in instance_uuids}
        port_ids = [row.id for row in rows]
        network_ids = sorted({row.network_id for row in rows})
        networks = {row.id: row for row in session.query(models.Network).filter(
            models.Network.id.in_(network_ids))}
        subnets = _subnets(session, network_ids)
        fixed_ips = _fixed_ips(session, port_ids)
        port_groups = groups_db.port_groups(session, port_ids)
        group_ids = sorted({group_id for ids in port_groups.values() for group_id in ids})
        rules = _groups(session, group_ids)
        remote_ids = sorted({rule['remote_group_id'] for group_rules in rules.values()
                             for rule in group_rules if rule['remote_group_id']})
        members = _members(session, remote_ids)
        ports = [(row.device_id, row.id, row.mac_address, row.network_id,
                  row.port_security_enabled) for row in rows]
        subnet_facts = {network_id: [_subnet_dict(row) for row in rows]
                        for network_id, rows in subnets.items()}
        segment_rows = segments_db.of_networks(session, network_ids)
        network_facts = {network_id: (row.name, row.mtu, segmentation(segment_rows[network_id]))
                         for network_id, row in networks.items()}
    dhcp = {}
    for network_id in network_ids:
        dhcp_subnet_ids = [s['id'] for s in subnet_facts[network_id] if s['enable_dhcp']]
        dhcp[network_id] = (_dhcp_servers(context, network_id, dhcp_subnet_ids, host)
                            if dhcp_subnet_ids and serves_dhcp else {})
    infos = {uuid: [] for uuid in instance_uuids}
    for instance_uuid, port_id, mac, network_id, port_security in ports:
        addresses = fixed_ips[port_id]
        name, mtu, segment = network_facts[network_id]
        infos[instance_uuid].append({
            'id': port_id, 'address': mac, 'devname': device_name(port_id),
            'hostname': hostname_for(addresses[0]['ip_address']) if addresses else '',
            'port_security_enabled': port_security, 'fixed_ips': addresses,
            'network': {
                'id': network_id, 'label': name, 'mtu': mtu,
                'bridge': bridge_name(network_id),
                'segmentation': segment,
                'subnets': [dict(subnet, dhcp_server=dhcp[network_id].get(subnet['id']))
                            for subnet in subnet_facts[network_id]]},
            'security_groups': [{'id': group_id, 'rules': rules[group_id]}
                                for group_id in port_groups[port_id]],
            'remote_groups': {group_id: members[group_id] for group_id in remote_ids
                              if any(rule['remote_group_id'] == group_id
                                     for group_id_of_port in port_groups[port_id]
                                     for rule in rules[group_id_of_port])},
        })
    return infos


def fingerprint(network_info):
    """A short digest of a network_info list: equal lists, as plugged on a
    host (read back from JSON) or as just built, give equal digests."""
    canonical = jsonutils.dumps(network_info, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _subnet_dict(row):
    return {'id': row.id, 'cidr': row.cidr, 'version': row.ip_version,
            'gateway': row.gateway_ip, 'dns': jsonutils.loads(row.dns_nameservers or '[]'),
            'enable_dhcp': bool(row.enable_dhcp)}
