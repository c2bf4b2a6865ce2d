"""Helpers every resource module of the network API shares: the project a
new resource belongs to, and the caller's list scope."""
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
