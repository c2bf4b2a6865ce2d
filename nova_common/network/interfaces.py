"""Nova's side of os-interface on the built-in network service: the ports
of a server, and a port made (or a user's port bound) for a hot-plug and
deleted (or unbound) after the unplug.

A port Nova did not make keeps ``preserve_on_delete`` in its
binding:profile while bound (Nova keeps the same flag in its network info
cache), so that detaching it, or deleting the server, unbinds it rather
than deleting it. Errors are Nova's, with its status codes for os-interface.
"""
from nova_common.db import engines
from nova_common import exception
from nova_common.network import backend
from nova_network.db import models
from nova_network.db import ports as ports_db
from nova_network import exceptions as network_exceptions
from nova_network import listing

PRESERVE = 'preserve_on_delete'
EVERYTHING = 1000000


class PortNotFound(exception.NotFound):
    msg_fmt = 'Port id %(port_id)s could not be found.'


class NetworkNotFound(exception.NotFound):
    msg_fmt = 'Network %(network_id)s could not be found.'


class PortInUse(exception.Conflict):
    msg_fmt = 'Port %(port_id)s is still in use.'


class FixedIpAlreadyInUse(exception.Conflict):
    msg_fmt = 'Fixed IP address %(address)s is already in use on instance %(instance_uuid)s.'


class NoMoreFixedIps(exception.Invalid):
    msg_fmt = 'No fixed IP addresses available for network: %(net)s'


class NetworkAmbiguous(exception.Invalid):
    msg_fmt = 'More than one possible network found. Specify network ID(s) to select ' \
              'which one(s) to connect to.'


class NoNetworkAvailable(exception.Invalid):
    msg_fmt = "No specific network was requested and none are available for project " \
              "'%(project_id)s'."


class PortLimitExceeded(exception.Forbidden):
    msg_fmt = 'Maximum number of ports exceeded'


def server_ports(context, instance_uuid):
    """The ports of the server (network service dicts), oldest first."""
    backend.require_builtin()
    params = listing.ListParams({'device_id': [instance_uuid]}, [], [], EVERYTHING, None,
                                False)
    found, _more = ports_db.list_ports(context, params)
    return found


def server_port(context, instance_uuid, port_id):
    """The port ``port_id`` of the server; 404 as Nova answers a show."""
    backend.require_builtin()
    try:
        port = ports_db.get(context, port_id)
    except network_exceptions.PortNotFound:
        raise PortNotFound(port_id=port_id)
    if port['device_id'] != instance_uuid:
        raise exception.NotFound('Instance %s does not have a port with id %s'
                                 % (instance_uuid, port_id))
    return port


def tag_of(port):
    return port['binding:profile'].get('tag')


def is_preserved(port):
    return bool(port['binding:profile'].get(PRESERVE))


def _visible_network_ids(context, project_id):
    with engines.api_reader(context) as session:
        return [network_id for (network_id,) in session.query(models.Network.id).filter(
            (models.Network.project_id == project_id) | models.Network.shared.is_(True))
            .order_by(models.Network.created_at).limit(2)]


def _network_id(context, instance, network_id):
    if network_id is None:
        found = _visible_network_ids(context, instance['project_id'])
        if not found:
            raise NoNetworkAvailable(project_id=instance['project_id'])
        if len(found) > 1:
            raise NetworkAmbiguous()
        return found[0]
    with engines.api_reader(context) as session:
        row = session.query(models.Network).filter_by(id=network_id).first()
    if row is None or not (context.is_admin or row.shared
                           or row.project_id == context.project_id):
        raise NetworkNotFound(network_id=network_id)
    return network_id


def _binding(instance, tag, preserve):
    profile = {}
    if tag:
        profile['tag'] = tag
    if preserve:
        profile[PRESERVE] = True
    return {'device_id': instance['uuid'],
            'device_owner': 'compute:%s' % (instance.get('availability_zone') or 'nova'),
            'binding:host_id': instance['host'], 'binding:profile': profile}


def _bind_users_port(context, instance, port_id, tag):
    try:
        port = ports_db.get(context, port_id)
    except network_exceptions.PortNotFound:
        raise PortNotFound(port_id=port_id)
    if not (context.is_admin or port['project_id'] == context.project_id):
        raise PortNotFound(port_id=port_id)
    if port['device_id']:
        raise PortInUse(port_id=port_id)
    return ports_db.update(context, port_id, _binding(instance, tag, preserve=True))


def _create_port(context, instance, network_id, fixed_ip, tag):
    values = dict(_binding(instance, tag, preserve=False), network_id=network_id)
    if fixed_ip:
        values['fixed_ips'] = [{'ip_address': fixed_ip}]
    try:
        return ports_db.create(context, instance['project_id'], values)
    except network_exceptions.IpAddressAlreadyAllocated:
        raise FixedIpAlreadyInUse(address=fixed_ip, instance_uuid=instance['uuid'])
    except (network_exceptions.InvalidIpForNetwork, network_exceptions.InvalidIpForSubnet):
        raise exception.Invalid('Fixed IP %s is not a valid ip address for network %s.'
                                % (fixed_ip, network_id))
    except network_exceptions.IpAddressGenerationFailure:
        raise NoMoreFixedIps(net=network_id)
    except network_exceptions.OverQuota:
        raise PortLimitExceeded()


def prepare(context, instance, network_id=None, port_id=None, fixed_ip=None, tag=None):
    """The port to hot-plug into ``instance`` (on its host): the user's port
    ``port_id`` bound to it, else a new port on ``network_id`` (the one
    network the server's project sees when None), with ``fixed_ip``."""
    backend.require_builtin()
    if port_id:
        return _bind_users_port(context, instance, port_id, tag)
    return _create_port(context, instance, _network_id(context, instance, network_id),
                        fixed_ip, tag)


def release(context, port):
    """Delete the port Nova made, or unbind the user's; idempotent."""
    try:
        if is_preserved(port):
            ports_db.update(context, port['id'], {
                'device_id': '', 'device_owner': '', 'binding:host_id': '',
                'binding:profile': {}})
        else:
            ports_db.delete(context, port['id'])
    except network_exceptions.PortNotFound:
        pass
