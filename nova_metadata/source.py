"""What a server's metadata is made from, gathered from the databases
into one plain dict (the "source") that content.py renders.

The source crosses RPC unchanged (it is JSON), so a compute, which has
no database, can render the same trees for a config drive: the
super-conductor gathers it when it hands a build over.

    {'instance': {uuid, id, display_name, hostname, launch_index,
                  availability_zone, project_id, user_id, key_name, key_data,
                  user_data, metadata, reservation_id, image_ref, kernel_id,
                  ramdisk_id, flavor_name},
     'key_type': 'ssh' | 'x509' | None,
     'password': str,
     'security_groups': [names of the groups of its ports],
     'vifs': [{'id', 'mac_address', 'mtu', 'network_id', 'vif_type',
               'fixed_ips': [{'ip_address', 'subnet': {'cidr', 'ip_version',
                   'gateway_ip', 'enable_dhcp', 'dns_nameservers',
                   'host_routes'}}]}]}
"""
from oslo_serialization import jsonutils

from nova_common.db.api import keypairs as keypairs_db
from nova_common.db import engines
from nova_common import exception
import nova_metadata
from nova_network.db import models

INSTANCE_FIELDS = ('uuid', 'id', 'display_name', 'hostname', 'launch_index',
                   'availability_zone', 'project_id', 'user_id', 'key_name', 'key_data',
                   'user_data', 'metadata', 'reservation_id', 'image_ref', 'kernel_id',
                   'ramdisk_id')
PASSWORD_CHUNKS = 4


def stored_password(instance):
    """The password a guest posted, from its system metadata chunks."""
    system_metadata = instance.get('system_metadata') or {}
    return ''.join(system_metadata.get('password_%d' % index) or ''
                   for index in range(PASSWORD_CHUNKS))


def _key_type(context, instance):
    if not instance.get('key_name'):
        return None
    try:
        return keypairs_db.get_keypair(context, instance['user_id'],
                                       instance['key_name']).get('type') or 'ssh'
    except exception.KeypairNotFound:
        # Deleted since the boot: the server keeps the key it was given.
        return 'ssh'


def _subnet(row):
    return {'cidr': row.cidr, 'ip_version': row.ip_version, 'gateway_ip': row.gateway_ip,
            'enable_dhcp': bool(row.enable_dhcp),
            'dns_nameservers': jsonutils.loads(row.dns_nameservers or '[]'),
            'host_routes': jsonutils.loads(row.host_routes or '[]')}


def vifs(context, instance_uuid):
    """The server's ports on the built-in network service, oldest first,
    each with its addresses and their subnets."""
    with engines.api_reader(context) as session:
        ports = (session.query(models.Port, models.Network.mtu)
                 .join(models.Network, models.Network.id == models.Port.network_id)
                 .filter(models.Port.device_id == instance_uuid)
                 .order_by(models.Port.created_at, models.Port.id).all())
        port_ids = [port.id for port, _mtu in ports]
        addresses = {port_id: [] for port_id in port_ids}
        if port_ids:
            rows = (session.query(models.IPAllocation, models.Subnet)
                    .join(models.Subnet, models.Subnet.id == models.IPAllocation.subnet_id)
                    .filter(models.IPAllocation.port_id.in_(port_ids))
                    .order_by(models.IPAllocation.id))
            for allocation, subnet in rows:
                addresses[allocation.port_id].append(
                    {'ip_address': allocation.ip_address, 'subnet': _subnet(subnet)})
    return [{'id': port.id, 'mac_address': port.mac_address, 'mtu': mtu,
             'network_id': port.network_id,
             'vif_type': 'bridge' if port.binding_host_id else 'unbound',
             'fixed_ips': addresses[port.id]} for port, mtu in ports]


def security_group_names(context, port_ids):
    if not port_ids:
        return []
    with engines.api_reader(context) as session:
        rows = (session.query(models.SecurityGroup.name).distinct()
                .join(models.PortSecurityGroupBinding,
                      models.PortSecurityGroupBinding.security_group_id
                      == models.SecurityGroup.id)
                .filter(models.PortSecurityGroupBinding.port_id.in_(port_ids))
                .order_by(models.SecurityGroup.name))
        return [row.name for row in rows]


def gather(context, instance):
    """The source of ``instance`` (a cell instance dict); ``context`` reaches
    the API database (key pairs, ports)."""
    fields = {key: instance.get(key) for key in INSTANCE_FIELDS}
    fields['metadata'] = dict(instance.get('metadata') or {})
    fields['flavor_name'] = (instance.get('flavor') or {}).get('name')
    ports = vifs(context, instance['uuid'])
    return {'instance': fields, 'key_type': _key_type(context, instance),
            'password': stored_password(instance), 'vifs': ports,
            'security_groups': security_group_names(context, [vif['id'] for vif in ports])}



def with_config_drive(context, instance, request_spec):
    """The request spec a compute builds ``instance`` from: with the
    server's source under ``config_drive_metadata`` when it has a config
    drive (the compute renders the drive from it; it has no database)."""
    if not instance.get('config_drive'):
        return request_spec
    return dict(request_spec,
                **{nova_metadata.CONFIG_DRIVE_SPEC_KEY: gather(context, instance)})
