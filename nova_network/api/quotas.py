"""/v2.0/quotas: network, subnet, port, security_group and
security_group_rule limits per project (Neutron's quotas and
quota_details extensions)."""
from nova_network.db import quotas as quotas_db
from nova_network import policy
from nova_network.schemas import quotas as schemas


def _authorize(req, action, project_id):
    policy.enforce(req.context, action, {'project_id': project_id, 'tenant_id': project_id})


def index(req):
    """Every project with a limit of its own (an admin's view)."""
    _authorize(req, 'get_quota', req.context.project_id)
    projects = quotas_db.projects_with_limits(req.context)
    visible = [dict(limits, project_id=project_id, tenant_id=project_id)
               for project_id, limits in projects.items()
               if policy.check(req.context, 'get_quota', {'project_id': project_id,
                                                          'tenant_id': project_id})]
    return {'quotas': visible}


def show(req, project_id):
    _authorize(req, 'get_quota', project_id)
    return {'quota': quotas_db.get_limits(req.context, project_id)}


def show_default(req, project_id):
    _authorize(req, 'get_quota', project_id)
    return {'quota': quotas_db.defaults()}


def show_details(req, project_id):
    _authorize(req, 'get_quota', project_id)
    return {'quota': quotas_db.get_details(req.context, project_id)}


def update(req, project_id):
    _authorize(req, 'update_quota', project_id)
    body = req.resource('quota', schemas.update)
    return {'quota': quotas_db.update(req.context, project_id, body)}


def delete(req, project_id):
    _authorize(req, 'delete_quota', project_id)
    quotas_db.delete(req.context, project_id)


ROUTES = [
    ('GET', '/quotas', index),
    ('GET', '/quotas/{project_id}', show),
    ('GET', '/quotas/{project_id}/default', show_default),
    ('GET', '/quotas/{project_id}/details', show_details),
    ('PUT', '/quotas/{project_id}', update),
    ('DELETE', '/quotas/{project_id}', delete),
]
