"""/v2.0/subnets: create, list, show, update, delete.

A subnet's gateway defaults to the first address of its CIDR (``null``:
none), its allocation pools to the rest of the usable range; a CIDR that
overlaps another subnet of the network is refused (400)."""
from nova_network.api import common
from nova_network import addresses
from nova_network.db import networks as networks_db
from nova_network.db import subnets as subnets_db
from nova_network import exceptions
from nova_network import listing
from nova_network import policy
from nova_network.schemas import subnets as schemas

DEFAULTS = {'enable_dhcp': True}


def _visible(req, subnet_id):
    subnet = subnets_db.get(req.context, subnet_id)
    subnet_target = common.network_target(subnet, common.network_of(req, subnet['network_id']))
    if not policy.visible(req.context, 'subnet', subnet_target):
        raise exceptions.SubnetNotFound(subnet_id=subnet_id)
    return subnet, subnet_target


def _validate_gateway(net, gateway):
    if gateway is None:
        return None
    ip = addresses.address(gateway, 'gateway_ip')
    if not addresses.is_usable(net, ip):
        raise exceptions.InvalidInput(error_message='Gateway is not valid on subnet')
    return str(ip)


def _validate_dns(nameservers):
    seen = []
    for nameserver in nameservers:
        text = str(addresses.address(nameserver, 'dns_nameservers'))
        if text in seen:
            raise exceptions.HTTPBadRequest("Invalid input for dns_nameservers. Reason: "
                                            "Duplicate nameserver '%s'." % nameserver)
        seen.append(text)
    return seen


def _validate_routes(net, routes):
    valid = []
    for route in routes:
        destination = addresses.network(route['destination'])
        nexthop = addresses.address(route['nexthop'], 'host_routes')
        if destination.version != net.version or nexthop.version != net.version:
            raise exceptions.InvalidInput(error_message='Host route %s does not match the '
                                          'ip_version of the subnet' % route['destination'])
        valid.append({'destination': str(destination), 'nexthop': str(nexthop)})
    return valid


def _complete(body):
    """The create body with the CIDR normalized and every default filled in."""
    net = addresses.network(body['cidr'], body['ip_version'])
    values = dict(body, cidr=str(net))
    if net.version == 4 and (body.get('ipv6_ra_mode') or body.get('ipv6_address_mode')):
        raise exceptions.InvalidInput(error_message='ipv6_ra_mode or ipv6_address_mode cannot '
                                                    'be set when ip_version is 4')
    if 'gateway_ip' in body:
        values['gateway_ip'] = _validate_gateway(net, body['gateway_ip'])
    else:
        values['gateway_ip'] = addresses.default_gateway(net)
    if 'allocation_pools' in body:
        values['allocation_pools'] = addresses.validate_pools(
            net, body['allocation_pools'], values['gateway_ip'])
    else:
        values['allocation_pools'] = addresses.default_pools(net, values['gateway_ip'])
    values['dns_nameservers'] = _validate_dns(body.get('dns_nameservers', []))
    values['host_routes'] = _validate_routes(net, body.get('host_routes', []))
    return values


def create(req):
    body = req.resource('subnet', schemas.create)
    project_id = common.owner_project(req, body)
    network = networks_db.get(req.context, body['network_id'])
    if not policy.visible(req.context, 'network', network):
        raise exceptions.NetworkNotFound(net_id=body['network_id'])
    subnet_target = common.network_target(dict(DEFAULTS, **body, project_id=project_id,
                                tenant_id=project_id), network)
    policy.enforce(req.context, 'create_subnet', subnet_target, body, DEFAULTS)
    subnet = subnets_db.create(req.context, project_id, _complete(body))
    return 201, {'subnet': subnet}


def index(req):
    params = listing.parse(req, subnets_db.ATTRIBUTES)
    subnets, has_more = subnets_db.list_subnets(req.context, params, common.list_scope(req))
    networks = {}
    shown = [subnet for subnet in subnets if policy.visible(
        req.context, 'subnet', common.network_target(subnet, common.network_of(req, subnet['network_id'],
                                                          networks)))]
    return listing.collection(req, 'subnets', shown, params, has_more)


def show(req, subnet_id):
    subnet, _target = _visible(req, subnet_id)
    return {'subnet': listing.shown(req, subnet)}


def update(req, subnet_id):
    body = req.resource('subnet', schemas.update)
    subnet = subnets_db.get(req.context, subnet_id)
    subnet_target = common.network_target(subnet, common.network_of(req, subnet['network_id']))
    policy.enforce(req.context, 'update_subnet', subnet_target, body, defaults=subnet,
                   not_found=exceptions.SubnetNotFound(subnet_id=subnet_id))
    net = addresses.network(subnet['cidr'])
    values = dict(body)
    if 'gateway_ip' in body:
        values['gateway_ip'] = _validate_gateway(net, body['gateway_ip'])
    if 'allocation_pools' in body or 'gateway_ip' in body:
        values['allocation_pools'] = addresses.validate_pools(
            net, body.get('allocation_pools', subnet['allocation_pools']),
            values.get('gateway_ip', subnet['gateway_ip']))
    if 'dns_nameservers' in body:
        values['dns_nameservers'] = _validate_dns(body['dns_nameservers'])
    if 'host_routes' in body:
        values['host_routes'] = _validate_routes(net, body['host_routes'])
    return {'subnet': subnets_db.update(req.context, subnet_id, values)}


def delete(req, subnet_id):
    subnet = subnets_db.get(req.context, subnet_id)
    subnet_target = common.network_target(subnet, common.network_of(req, subnet['network_id']))
    policy.enforce(req.context, 'delete_subnet', subnet_target,
                   not_found=exceptions.SubnetNotFound(subnet_id=subnet_id))
    subnets_db.delete(req.context, subnet_id)


ROUTES = [
    ('GET', '/subnets', index),
    ('POST', '/subnets', create),
    ('GET', '/subnets/{subnet_id}', show),
    ('PUT', '/subnets/{subnet_id}', update),
    ('DELETE', '/subnets/{subnet_id}', delete),
]
