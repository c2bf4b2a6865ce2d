"""/v2.0/networks: create, list, show, update, delete."""
from nova_network.api import common
from nova_network.db import networks as networks_db
from nova_network import exceptions
from nova_network import listing
from nova_network import policy
from nova_network import segments
from nova_network.schemas import networks as schemas

DEFAULTS = {'shared': False, 'admin_state_up': True, 'router:external': False}


def _visible(req, network_id):
    network = networks_db.get(req.context, network_id)
    if not policy.visible(req.context, 'network', network):
        raise exceptions.NetworkNotFound(net_id=network_id)
    return network


def view(req, network):
    return policy.strip_hidden(req.context, 'network', network, network)


def create(req):
    body = req.resource('network', schemas.create)
    project_id = common.owner_project(req, body)
    target = dict(DEFAULTS, **body, project_id=project_id, tenant_id=project_id)
    policy.enforce(req.context, 'create_network', target, body, DEFAULTS)
    return 201, {'network': view(req, networks_db.create(req.context, project_id, body))}


def _filterable(req):
    """The attributes the caller may filter by: not the provider
    attributes of a caller who may not see them (a filter would tell)."""
    own = {'project_id': req.context.project_id, 'tenant_id': req.context.project_id}
    return {name: attribute for name, attribute in networks_db.ATTRIBUTES.items()
            if name not in segments.PROVIDER_ATTRIBUTES
            or policy.check(req.context, 'get_network:' + name, own)}


def index(req):
    params = listing.parse(req, _filterable(req))
    networks, has_more = networks_db.list_networks(req.context, params,
                                                   common.list_scope(req))
    shown = [view(req, network) for network in networks
             if policy.visible(req.context, 'network', network)]
    return listing.collection(req, 'networks', shown, params, has_more)


def show(req, network_id):
    network = _visible(req, network_id)
    return {'network': listing.shown(req, view(req, network))}


def update(req, network_id):
    body = req.resource('network', schemas.update)
    network = networks_db.get(req.context, network_id)
    policy.enforce(req.context, 'update_network', network, body, defaults=network,
                   not_found=exceptions.NetworkNotFound(net_id=network_id))
    return {'network': view(req, networks_db.update(req.context, network_id, body))}


def delete(req, network_id):
    network = networks_db.get(req.context, network_id)
    policy.enforce(req.context, 'delete_network', network,
                   not_found=exceptions.NetworkNotFound(net_id=network_id))
    networks_db.delete(req.context, network_id)


ROUTES = [
    ('GET', '/networks', index),
    ('POST', '/networks', create),
    ('GET', '/networks/{network_id}', show),
    ('PUT', '/networks/{network_id}', update),
    ('DELETE', '/networks/{network_id}', delete),
]
