"""Nova's side of networking: the ports of servers on the built-in network
service ([network] backend = builtin). With [network] backend = neutron,
validate, allocate, rebind, deallocate and addresses hand their calls to
nova_common.network.neutron, which speaks the Networking API instead.

The built-in service keeps its ports in the API database, so this client
calls its db layer in process rather than its HTTP API. Only services
that have the API database call it (computes have none): nova-api checks
the requested networks before it writes anything and reads the servers'
addresses; the super-conductor creates and binds the ports once the
scheduler chose the host (a build without a valid host makes none), a
conductor with [api_database] binds them again on a reschedule; nova-api
deletes them, or unbinds the ports the user brought, when the server is
deleted.

A server's requested networks (``instance['networks']``) are 'none' or a
list of {'network_id', 'fixed_ip', 'security_groups'} / {'port_id'}
entries, each with an optional device 'tag' (kept in the port's
binding:profile, where it survives with either backend).
"""
import ipaddress

from nova_common.db import engines
from nova_common import exception
from nova_common.network import auto_allocate
from nova_common.network import backend
from nova_common.network import neutron
from nova_common.network import security_groups as secgroups
from nova_network.db import models
from nova_network.db import ports as ports_db
from nova_network import exceptions as network_exceptions

NO_NETWORKS = 'none'
UNBOUND = {'device_id': '', 'device_owner': '', 'binding:host_id': '', 'binding:profile': {}}

uses_neutron = backend.uses_neutron


def _visible(context, network):
    return context.is_admin or network.shared or network.project_id == context.project_id


def _auto(context):
    """Get-me-a-network: the one network the project sees, else one made
    for it (nova_common.network.auto_allocate)."""
    return [{'network_id': auto_allocate.network_for(context, context.project_id)}]


def _default(context):
    """No ``networks`` (before 2.37): the one network the project sees, or
    no port when it sees none."""
    network_id = auto_allocate.default_network(context, context.project_id)
    return [{'network_id': network_id}] if network_id else NO_NETWORKS


def _check_fixed_ip(session, network_id, address):
    subnets = session.query(models.Subnet).filter_by(network_id=network_id).all()
    ip = ipaddress.ip_address(address)
    if not any(ip in ipaddress.ip_network(subnet.cidr) for subnet in subnets):
        raise exception.Invalid('Fixed IP %s is not a valid ip address for network %s.'
                                % (address, network_id))
    taken = session.query(models.IPAllocation.port_id).filter_by(
        network_id=network_id, ip_address=str(ip)).first()
    if taken is not None:
        raise exception.Invalid('Fixed IP address %s is already in use.' % address)


def _network_request(context, session, entry):
    network_id = entry['uuid']
    row = session.query(models.Network).filter_by(id=network_id).first()
    if row is None or not _visible(context, row):
        raise exception.Invalid('Network %s could not be found.' % network_id)
    request = {'network_id': network_id}
    if entry.get('fixed_ip'):
        _check_fixed_ip(session, network_id, entry['fixed_ip'])
        request['fixed_ip'] = entry['fixed_ip']
    return _tagged(request, entry)


def _tagged(request, entry):
    if entry.get('tag'):
        request['tag'] = entry['tag']
    return request


def _port_request(context, session, entry):
    port_id = entry['port']
    row = session.query(models.Port).filter_by(id=port_id).first()
    if row is None or not (context.is_admin or row.project_id == context.project_id):
        raise exception.Invalid('Port %s could not be found.' % port_id)
    if row.device_id:
        raise exception.Conflict('Port %s is still in use.' % port_id)
    return _tagged({'port_id': port_id}, entry)


def validate(context, requested, security_groups=None):
    """The requested networks of POST /servers ('none', 'auto' or the list
    of the body) checked and normalized; 400/409 as Nova when one is
    unknown, not the caller's or in use. ``security_groups`` (the body's
    names or ids) go on the ports made for the server; ports the user
    brought keep theirs, as in Nova."""
    if uses_neutron():
        return neutron.validate(context, requested, security_groups)
    if requested is None:
        return secgroups.apply(context, _default(context), security_groups)
    if requested == NO_NETWORKS:
        return secgroups.apply(context, NO_NETWORKS, security_groups)
    if requested == 'auto':
        return secgroups.apply(context, _auto(context), security_groups)
    return secgroups.apply(context, _checked(context, requested), security_groups)


def _checked(context, requested):
    checked = []
    with engines.api_reader(context) as session:
        for entry in requested:
            if entry.get('port'):
                if any(entry['port'] == other.get('port_id') for other in checked):
                    raise exception.Invalid('Port %s is requested more than once.'
                                            % entry['port'])
                checked.append(_port_request(context, session, entry))
            elif entry.get('uuid'):
                checked.append(_network_request(context, session, entry))
            else:
                raise exception.Invalid('Bad networks format: network uuid is not in '
                                        'proper format')
    return checked


def brings_ports_or_addresses(requests):
    return requests != NO_NETWORKS and any(
        'port_id' in entry or 'fixed_ip' in entry for entry in requests)


def _binding(instance, host):
    return {'device_id': instance['uuid'],
            'device_owner': 'compute:%s' % (instance.get('availability_zone') or 'nova'),
            'binding:host_id': host}


def _entry_binding(binding, entry):
    """The binding of one requested network: with its device tag."""
    return dict(binding, **{'binding:profile': {'tag': entry['tag']}}) if entry.get(
        'tag') else binding


def allocate(context, instance, host):
    """Create (or, for a port the user brought, bind) the ports of
    ``instance`` on ``host``. All or nothing: on failure the ports made
    are deleted and the bound ones unbound before the error is raised."""
    if uses_neutron():
        return neutron.allocate(context, instance, host)
    requests = instance.get('networks') or NO_NETWORKS
    if requests == NO_NETWORKS:
        return []
    binding = _binding(instance, host)
    created, bound = [], []
    try:
        for entry in requests:
            if 'port_id' in entry:
                if ports_db.get(context, entry['port_id'])['device_id'] not in (
                        '', instance['uuid']):
                    raise exception.Conflict('Port %s is still in use.' % entry['port_id'])
                ports_db.update(context, entry['port_id'], _entry_binding(binding, entry))
                bound.append(entry['port_id'])
                continue
            values = dict(_entry_binding(binding, entry), network_id=entry['network_id'])
            if entry.get('fixed_ip'):
                values['fixed_ips'] = [{'ip_address': entry['fixed_ip']}]
            if entry.get('security_groups'):
                values['security_groups'] = entry['security_groups']
            created.append(ports_db.create(context, instance['project_id'], values)['id'])
    except Exception:
        _release(context, created, bound)
        raise
    return created + bound


def _instance_ports(context, instance_uuid):
    with engines.api_reader(context) as session:
        return [row.id for row in session.query(models.Port.id).filter_by(
            device_id=instance_uuid)]


def _preserved_ports(context, instance_uuid):
    """The server's ports the user brought to os-interface (see
    nova_common.network.interfaces)."""
    with engines.api_reader(context) as session:
        rows = session.query(models.Port).filter_by(device_id=instance_uuid).all()
        return {row.id for row in rows if ports_db.profile(row).get('preserve_on_delete')}


def _ports_bound_elsewhere(context, instance_uuid, host):
    with engines.api_reader(context) as session:
        return [row.id for row in session.query(models.Port.id).filter(
            models.Port.device_id == instance_uuid, models.Port.binding_host_id != host)]


def rebind(context, instance_uuid, host):
    """Bind the ports of a server rescheduled or moved to ``host`` there;
    a port bound there already is not written again."""
    if uses_neutron():
        return neutron.rebind(context, instance_uuid, host)
    for port_id in _ports_bound_elsewhere(context, instance_uuid, host):
        ports_db.update(context, port_id, {'binding:host_id': host})


def _release(context, deleted, unbound):
    for port_id in deleted:
        try:
            ports_db.delete(context, port_id)
        except network_exceptions.PortNotFound:
            pass
    for port_id in unbound:
        try:
            ports_db.update(context, port_id, UNBOUND)
        except network_exceptions.PortNotFound:
            pass


def deallocate(context, instance):
    """Delete the ports made for ``instance``; unbind those the user
    brought. Idempotent."""
    if uses_neutron():
        return neutron.deallocate(context, instance)
    brought = {entry['port_id'] for entry in (instance.get('networks') or [])
               if isinstance(entry, dict) and 'port_id' in entry}
    brought.update(_preserved_ports(context, instance['uuid']))
    port_ids = _instance_ports(context, instance['uuid'])
    _release(context, [p for p in port_ids if p not in brought],
             [p for p in port_ids if p in brought])


def addresses(context, instance_uuids):
    """{instance uuid: {network name: [address]}} as the server body shows
    them, for all ``instance_uuids`` in one query."""
    if uses_neutron():
        return neutron.addresses(context, instance_uuids)
    found = {uuid: {} for uuid in instance_uuids}
    if not instance_uuids:
        return found
    with engines.api_reader(context) as session:
        rows = (session.query(models.Port.device_id, models.Port.mac_address,
                              models.Network.name, models.IPAllocation.ip_address)
                .join(models.Network, models.Network.id == models.Port.network_id)
                .join(models.IPAllocation, models.IPAllocation.port_id == models.Port.id)
                .filter(models.Port.device_id.in_(list(instance_uuids)))
                .order_by(models.Port.created_at, models.Port.id, models.IPAllocation.id)
                .all())
    for device_id, mac, network_name, address in rows:
        found[device_id].setdefault(network_name, []).append({
            'addr': address, 'version': ipaddress.ip_address(address).version,
            'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': mac})
    return found
