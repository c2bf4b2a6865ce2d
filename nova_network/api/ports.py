"""/v2.0/ports: create, list, show, update, delete.

A port's MAC is generated unique on its network (fa:16:3e:xx:xx:xx by
default), its addresses come from the network's subnets (db/ipam.py), its
security groups default to the project's ``default`` group; it is DOWN
until a host plugs it. A port of another project is, to its caller, not
found (404) unless it is on the caller's network.
"""
from nova_network.api import common
from nova_network.db import networks as networks_db
from nova_network.db import ports as ports_db
from nova_network import exceptions
from nova_network import listing
from nova_network import policy
from nova_network.schemas import ports as schemas

DEFAULTS = {'admin_state_up': True, 'device_owner': '', 'device_id': '',
            'binding:host_id': '', 'port_security_enabled': True,
            'binding:vnic_type': 'normal', 'binding:profile': {}}


def view(req, port, port_target):
    return policy.strip_hidden(req.context, 'port', port, port_target)


def _checked_body(body):
    if body.get('mac_address') is not None:
        body['mac_address'] = ports_db.normalize_mac(body['mac_address'])
    if body.get('port_security_enabled') is False and body.get('security_groups'):
        raise exceptions.InvalidInput(
            error_message='Port security must be enabled and port must have an IP address '
                          'in order to use security groups')
    return body


def create(req):
    body = _checked_body(req.resource('port', schemas.create))
    project_id = common.owner_project(req, body)
    network = networks_db.get(req.context, body['network_id'])
    if not policy.visible(req.context, 'network', network):
        raise exceptions.NetworkNotFound(net_id=body['network_id'])
    port_target = common.network_target(dict(DEFAULTS, **body, project_id=project_id, tenant_id=project_id),
                         network)
    policy.enforce(req.context, 'create_port', port_target, body, DEFAULTS)
    port = ports_db.create(req.context, project_id, body)
    return 201, {'port': view(req, port, common.network_target(port, network))}


def index(req):
    params = listing.parse(req, ports_db.ATTRIBUTES)
    ports, has_more = ports_db.list_ports(req.context, params, common.list_scope(req))
    networks = {}
    shown = []
    for port in ports:
        port_target = common.network_target(port, common.network_of(req, port['network_id'], networks))
        if policy.visible(req.context, 'port', port_target):
            shown.append(view(req, port, port_target))
    return listing.collection(req, 'ports', shown, params, has_more)


def _visible(req, port_id):
    port = ports_db.get(req.context, port_id)
    port_target = common.network_target(port, common.network_of(req, port['network_id']))
    if not policy.visible(req.context, 'port', port_target):
        raise exceptions.PortNotFound(port_id=port_id)
    return port, port_target


def show(req, port_id):
    port, port_target = _visible(req, port_id)
    return {'port': listing.shown(req, view(req, port, port_target))}


def update(req, port_id):
    body = _checked_body(req.resource('port', schemas.update))
    port = ports_db.get(req.context, port_id)
    network = common.network_of(req, port['network_id'])
    policy.enforce(req.context, 'update_port', common.network_target(port, network), body, defaults=port,
                   not_found=exceptions.PortNotFound(port_id=port_id))
    updated = ports_db.update(req.context, port_id, body)
    return {'port': view(req, updated, common.network_target(updated, network))}


def delete(req, port_id):
    port = ports_db.get(req.context, port_id)
    policy.enforce(req.context, 'delete_port', common.network_target(port, common.network_of(req, port['network_id'])),
                   not_found=exceptions.PortNotFound(port_id=port_id))
    ports_db.delete(req.context, port_id)


ROUTES = [
    ('GET', '/ports', index),
    ('POST', '/ports', create),
    ('GET', '/ports/{port_id}', show),
    ('PUT', '/ports/{port_id}', update),
    ('DELETE', '/ports/{port_id}', delete),
]
