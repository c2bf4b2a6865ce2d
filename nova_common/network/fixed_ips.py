"""Nova's deprecated addFixedIp / removeFixedIp (up to 2.43) on the
built-in network service, as Nova does them with Neutron: one more
address on the server's port on that network (from the first of its
subnets with a free address), or the port holding ``address`` without it."""
from nova_common.db import engines
from nova_common import exception
from nova_common.network import backend
from nova_common.network import interfaces
from nova_network.db import models
from nova_network.db import ports as ports_db
from nova_network import exceptions as network_exceptions


class FixedIpNotFoundForSpecificInstance(exception.Invalid):
    msg_fmt = "Instance %(instance_uuid)s doesn't have fixed IP '%(ip)s'."


def _subnet_ids(context, network_id):
    with engines.api_reader(context) as session:
        return [subnet_id for (subnet_id,) in session.query(models.Subnet.id).filter_by(
            network_id=network_id).order_by(models.Subnet.created_at, models.Subnet.id)]


def add(context, instance_uuid, network_id):
    """NoMoreFixedIps (400) when the server has no port on the network or
    none of its subnets has a free address."""
    backend.require_builtin()
    network_id = str(network_id)
    ports = [port for port in interfaces.server_ports(context, instance_uuid)
             if port['network_id'] == network_id]
    for port in ports:
        for subnet_id in _subnet_ids(context, network_id):
            try:
                ports_db.update(context, port['id'], {
                    'fixed_ips': port['fixed_ips'] + [{'subnet_id': subnet_id}]})
                return
            except network_exceptions.NeutronException:
                continue
    raise interfaces.NoMoreFixedIps(net=network_id)


def remove(context, instance_uuid, address):
    backend.require_builtin()
    for port in interfaces.server_ports(context, instance_uuid):
        kept = [ip for ip in port['fixed_ips'] if ip['ip_address'] != address]
        if len(kept) != len(port['fixed_ips']):
            ports_db.update(context, port['id'], {'fixed_ips': kept})
            return
    raise FixedIpNotFoundForSpecificInstance(instance_uuid=instance_uuid, ip=address)
