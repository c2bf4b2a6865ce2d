"""Helpers every resource module of the network API shares: the project a
new resource belongs to, and the caller's list scope."""
from nova_network.db import networks as networks_db
from nova_network import exceptions


def owner_project(req, body):
    """The project of a resource being created: ``project_id`` (or the older
    ``tenant_id``) from the body, else the caller's. The policy check that
    follows decides whether the caller may create it for that project."""
    project_id = body.pop('project_id', None)
    tenant_id = body.pop('tenant_id', None)
    if project_id and tenant_id and project_id != tenant_id:
        raise exceptions.HTTPBadRequest("'project_id' and 'tenant_id' do not match")
    return project_id or tenant_id or req.context.project_id


def list_scope(req):
    """None for an admin (everything), else the caller's project id."""
    return None if req.context.is_admin else req.context.project_id


def network_target(resource, network):
    """The policy target of a subnet or port: itself plus its network's
    owner and sharing."""
    return dict(resource, **{'network:project_id': network['project_id'],
                             'network:tenant_id': network['project_id'],
                             'network:shared': network['shared']})


def network_of(req, network_id, networks=None):
    """The network ``network_id``; ``networks`` (id -> network) caches
    the networks a listing has read."""
    if networks is not None and network_id in networks:
        return networks[network_id]
    network = networks_db.get(req.context, network_id)
    if networks is not None:
        networks[network_id] = network
    return network
