"""[network] backend = neutron: Nova's side of networking against a
Networking (Neutron) v2.0 endpoint over keystoneauth, with the interface
of nova_common/network/api.py (validate, allocate, rebind, deallocate,
addresses), which hands its calls here.

The endpoint comes from the service catalog or ``[neutron]
endpoint_override``; the built-in service of another nova-api (under its
``/network``) answers the same API, which is how this backend is tested.
The checks of a create use the caller's token (what the user may see);
binding ports to hosts and reading every server's ports use the
``[neutron]`` service credentials (an admin's), as Nova does.
"""
import ipaddress
import threading

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading

from nova_common.conf import CONF
from nova_common import exception
from nova_common.image import glance

GROUP = 'neutron'
NO_NETWORKS = 'none'
UNBOUND = {'device_id': '', 'device_owner': '', 'binding:host_id': '', 'binding:profile': {}}
PRESERVE = 'preserve_on_delete'

_cache_lock = threading.Lock()
_cache = {}


class NetworkServiceUnavailable(exception.NovaException):
    code = 503
    msg_fmt = 'The network service is unavailable: %(reason)s'


def _session():
    with _cache_lock:
        if 'session' not in _cache:
            _cache['session'] = ks_loading.load_session_from_conf_options(CONF, GROUP)
        return _cache['session']


def _service_auth():
    key = ('auth', CONF.neutron.auth_type, CONF.neutron.auth_section)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = ks_loading.load_auth_from_conf_options(CONF, GROUP)
        return _cache[key]


def _adapter(context, admin):
    if not admin and context is not None and context.auth_token:
        auth = glance.CallerTokenAuth(context.auth_token,
                                      getattr(context, 'service_catalog', None),
                                      _service_auth())
    else:
        auth = _service_auth()
    return ks_loading.load_adapter_from_conf_options(
        CONF, GROUP, session=_session(), auth=auth,
        global_request_id=getattr(context, 'global_request_id', None))


def _request(context, method, path, body=None, admin=False, params=None):
    """The JSON answer of ``method`` on /v2.0``path``; NotFound (404) and
    Conflict (409) as the service answers them, others 503."""
    adapter = _adapter(context, admin)
    try:
        endpoint = adapter.get_endpoint()
        if not endpoint:
            raise NetworkServiceUnavailable(
                reason='no network endpoint: set [neutron] endpoint_override or the '
                       '[neutron] service credentials')
        response = adapter.request(endpoint.rstrip('/') + '/v2.0' + path, method,
                                   json=body, params=params, raise_exc=True)
    except ks_exceptions.NotFound as error:
        raise exception.NotFound(_message(error))
    except ks_exceptions.Conflict as error:
        raise exception.Conflict(_message(error))
    except ks_exceptions.BadRequest as error:
        raise exception.Invalid(_message(error))
    except ks_exceptions.ClientException as error:
        raise NetworkServiceUnavailable(reason=_message(error))
    return response.json() if response.content else None


def _message(error):
    response = getattr(error, 'response', None)
    try:
        return response.json()['NeutronError']['message']
    except Exception:  # noqa: BLE001 - not a Neutron fault body
        return str(error)[:500]


def _networks_seen(context, project_id):
    own = _request(context, 'GET', '/networks',
                   params={'project_id': project_id, 'shared': 'False'})['networks']
    shared = _request(context, 'GET', '/networks', params={'shared': 'True'})['networks']
    return own + shared


def _one_network(context, on_none):
    found = _networks_seen(context, context.project_id)
    if len(found) > 1:
        raise exception.Conflict('Multiple possible networks found, use a Network ID to be '
                                 'more specific.')
    if not found:
        return on_none()
    return [{'network_id': found[0]['id']}]


def _network_request(context, entry):
    network_id = entry['uuid']
    try:
        _request(context, 'GET', '/networks/%s' % network_id)
    except exception.NotFound:
        raise exception.Invalid('Network %s could not be found.' % network_id)
    request = {'network_id': network_id}
    if entry.get('fixed_ip'):
        _check_fixed_ip(context, network_id, entry['fixed_ip'])
        request['fixed_ip'] = entry['fixed_ip']
    return _tagged(request, entry)


def _check_fixed_ip(context, network_id, address):
    subnets = _request(context, 'GET', '/subnets', params={'network_id': network_id})
    ip = ipaddress.ip_address(address)
    if not any(ip in ipaddress.ip_network(subnet['cidr']) for subnet in subnets['subnets']):
        raise exception.Invalid('Fixed IP %s is not a valid ip address for network %s.'
                                % (address, network_id))
    taken = _request(context, 'GET', '/ports', admin=True, params={
        'network_id': network_id, 'fixed_ips': 'ip_address=%s' % address})['ports']
    if taken:
        raise exception.Invalid('Fixed IP address %s is already in use.' % address)


def _port_request(context, entry):
    port_id = entry['port']
    try:
        port = _request(context, 'GET', '/ports/%s' % port_id)['port']
    except exception.NotFound:
        raise exception.Invalid('Port %s could not be found.' % port_id)
    if port['device_id']:
        raise exception.Conflict('Port %s is still in use.' % port_id)
    return _tagged({'port_id': port_id}, entry)


def _tagged(request, entry):
    if entry.get('tag'):
        request['tag'] = entry['tag']
    return request


def _group_ids(context, names):
    ids = []
    for name in dict.fromkeys(group['name'] for group in names or ()):
        try:
            ids.append(_request(context, 'GET', '/security-groups/%s' % name)
                       ['security_group']['id'])
            continue
        except exception.NotFound:
            pass
        found = _request(context, 'GET', '/security-groups', params={
            'name': name, 'project_id': context.project_id})['security_groups']
        if not found:
            raise exception.Invalid("Unable to find security_group with name or id '%s'"
                                    % name)
        if len(found) > 1:
            raise exception.Conflict("Multiple security_group matches found for name '%s', "
                                     "use an ID to be more specific." % name)
        ids.append(found[0]['id'])
    return ids


def validate(context, requested, security_groups=None):
    """As nova_common.network.api.validate, over the network API; 'auto'
    takes the one network the project sees (no network is made here)."""
    group_ids = _group_ids(context, security_groups)
    if requested == NO_NETWORKS:
        return NO_NETWORKS
    if requested is None:
        checked = _one_network(context, lambda: NO_NETWORKS)
    elif requested == 'auto':
        def unable():
            raise exception.Invalid('Unable to automatically allocate a network for '
                                    'project %s' % context.project_id)
        checked = _one_network(context, unable)
    else:
        checked = []
        for entry in requested:
            if entry.get('port'):
                if any(entry['port'] == other.get('port_id') for other in checked):
                    raise exception.Invalid('Port %s is requested more than once.'
                                            % entry['port'])
                checked.append(_port_request(context, entry))
            elif entry.get('uuid'):
                checked.append(_network_request(context, entry))
            else:
                raise exception.Invalid('Bad networks format: network uuid is not in '
                                        'proper format')
    if checked == NO_NETWORKS or not group_ids:
        return checked
    return [dict(entry, security_groups=group_ids) if 'network_id' in entry else entry
            for entry in checked]


def _binding(instance, host, entry, preserve=False):
    profile = {}
    if entry.get('tag'):
        profile['tag'] = entry['tag']
    if preserve:
        profile[PRESERVE] = True
    return {'device_id': instance['uuid'],
            'device_owner': 'compute:%s' % (instance.get('availability_zone') or 'nova'),
            'binding:host_id': host, 'binding:profile': profile}


def allocate(context, instance, host):
    """Create (or bind the user's) ports of ``instance`` on ``host``; all or
    nothing."""
    requests = instance.get('networks') or NO_NETWORKS
    if requests == NO_NETWORKS:
        return []
    created, bound = [], []
    try:
        for entry in requests:
            if 'port_id' in entry:
                port = _request(context, 'GET', '/ports/%s' % entry['port_id'],
                                admin=True)['port']
                if port['device_id'] not in ('', instance['uuid']):
                    raise exception.Conflict('Port %s is still in use.' % entry['port_id'])
                _request(context, 'PUT', '/ports/%s' % entry['port_id'],
                         {'port': _binding(instance, host, entry, preserve=True)}, admin=True)
                bound.append(entry['port_id'])
                continue
            values = dict(_binding(instance, host, entry), network_id=entry['network_id'],
                          project_id=instance['project_id'])
            if entry.get('fixed_ip'):
                values['fixed_ips'] = [{'ip_address': entry['fixed_ip']}]
            if entry.get('security_groups'):
                values['security_groups'] = entry['security_groups']
            created.append(_request(context, 'POST', '/ports', {'port': values},
                                    admin=True)['port']['id'])
    except Exception:
        _release(context, created, bound)
        raise
    return created + bound


def _server_ports(context, instance_uuids):
    if not instance_uuids:
        return []
    return _request(context, 'GET', '/ports', admin=True,
                    params={'device_id': list(instance_uuids)})['ports']


def rebind(context, instance_uuid, host):
    for port in _server_ports(context, [instance_uuid]):
        if port.get('binding:host_id') == host:
            continue
        _request(context, 'PUT', '/ports/%s' % port['id'],
                 {'port': {'binding:host_id': host}}, admin=True)


def _release(context, deleted, unbound):
    for port_id in deleted:
        try:
            _request(context, 'DELETE', '/ports/%s' % port_id, admin=True)
        except exception.NotFound:
            pass
    for port_id in unbound:
        try:
            _request(context, 'PUT', '/ports/%s' % port_id, {'port': UNBOUND}, admin=True)
        except exception.NotFound:
            pass


def deallocate(context, instance):
    brought = {entry['port_id'] for entry in (instance.get('networks') or [])
               if isinstance(entry, dict) and 'port_id' in entry}
    ports = _server_ports(context, [instance['uuid']])
    brought.update(port['id'] for port in ports
                   if (port.get('binding:profile') or {}).get(PRESERVE))
    _release(context, [p['id'] for p in ports if p['id'] not in brought],
             [p['id'] for p in ports if p['id'] in brought])


def addresses(context, instance_uuids):
    found = {uuid: {} for uuid in instance_uuids}
    ports = _server_ports(context, instance_uuids)
    if not ports:
        return found
    network_ids = sorted({port['network_id'] for port in ports})
    names = {network['id']: network['name'] for network in _request(
        context, 'GET', '/networks', admin=True, params={'id': network_ids})['networks']}
    for port in sorted(ports, key=lambda port: (port.get('created_at') or '', port['id'])):
        for fixed_ip in port['fixed_ips']:
            address = fixed_ip['ip_address']
            found[port['device_id']].setdefault(names.get(port['network_id'], ''), []).append({
                'addr': address, 'version': ipaddress.ip_address(address).version,
                'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': port['mac_address']})
    return found
