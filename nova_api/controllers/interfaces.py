"""/servers/{server_id}/os-interface: a server's ports (list, show),
attach (a port, or a new port on a network with an optional fixed IP;
2.49 tag) and detach; 2.70 shows each attachment's tag."""
from nova_api.compute import interfaces as compute_interfaces
from nova_api.compute import lookup
from nova_api import handler
from nova_api.schemas import interfaces as schemas
from nova_api import validation
from nova_common import exception
from nova_common.network import interfaces as network_interfaces
from nova_common.policies import attach_interfaces as policies
from nova_common import policy

TAG_VERSION = '2.70'


def _view(port, show_tag):
    shown = {'net_id': port['network_id'], 'port_id': port['id'],
             'mac_addr': port['mac_address'], 'port_state': port['status'],
             'fixed_ips': port['fixed_ips']}
    if show_tag:
        shown['tag'] = network_interfaces.tag_of(port)
    return shown


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


def index(req, server_id):
    instance = _server(req, server_id, 'list')
    ports = network_interfaces.server_ports(req.context, instance['uuid'])
    return {'interfaceAttachments': [_view(port, req.at_least(TAG_VERSION))
                                     for port in ports]}


def show(req, server_id, port_id):
    instance = _server(req, server_id, 'show')
    port = network_interfaces.server_port(req.context, instance['uuid'], port_id)
    return {'interfaceAttachment': _view(port, req.at_least(TAG_VERSION))}


@validation.body(schemas.create, '2.1', '2.48')
@validation.body(schemas.create_v249, '2.49')
def create(req, server_id):
    instance = _server(req, server_id, 'create')
    attachment = (req.body or {}).get('interfaceAttachment') or {}
    network_id, port_id = attachment.get('net_id'), attachment.get('port_id')
    fixed_ip = (attachment.get('fixed_ips') or [{}])[0].get('ip_address')
    if network_id and port_id:
        raise exception.Invalid('Must not input both network_id and port_id')
    if fixed_ip and not network_id:
        raise exception.Invalid('Must input network_id when request IP address')
    port = compute_interfaces.attach(req.context, instance, network_id=network_id,
                                     port_id=port_id, fixed_ip=fixed_ip,
                                     tag=attachment.get('tag'))
    return {'interfaceAttachment': _view(port, req.at_least(TAG_VERSION))}


@handler.response(202)
def delete(req, server_id, port_id):
    instance = _server(req, server_id, 'delete')
    compute_interfaces.detach(req.context, instance, port_id)


ROUTES = [
    ('GET', '/servers/{server_id}/os-interface', index),
    ('POST', '/servers/{server_id}/os-interface', create),
    ('GET', '/servers/{server_id}/os-interface/{port_id}', show),
    ('DELETE', '/servers/{server_id}/os-interface/{port_id}', delete),
]
