"""Quotas of the network service: per-project limits in network_quotas,
[network] quota_<resource> otherwise; -1 means no limit.

A create counts the project's rows inside its own transaction; on SQLite
transactions take the write lock up front so the count cannot go stale,
while on MariaDB two creates racing for the last unit may both pass (as
in Neutron without its reservation engine)."""
from nova_common.conf import CONF
from nova_common.db import engines
from nova_network.db import models
from nova_network import exceptions

RESOURCES = {
    'network': models.Network,
    'subnet': models.Subnet,
    'port': models.Port,
    'security_group': models.SecurityGroup,
    'security_group_rule': models.SecurityGroupRule,
}


def defaults():
    return {resource: getattr(CONF.network, 'quota_' + resource) for resource in RESOURCES}


def _limits(session, project_id):
    limits = defaults()
    for row in session.query(models.NetworkQuota).filter_by(project_id=project_id):
        if row.resource in limits:
            limits[row.resource] = row.limit
    return limits


def _used(session, project_id, resource):
    return session.query(RESOURCES[resource]).filter_by(project_id=project_id).count()


def check(session, project_id, resource, adding=1):
    """OverQuota unless ``project_id`` may have ``adding`` more of
    ``resource`` (inside the transaction that adds them)."""
    limit = _limits(session, project_id)[resource]
    if limit >= 0 and _used(session, project_id, resource) + adding > limit:
        raise exceptions.OverQuota(overs=[resource])


def get_limits(context, project_id):
    with engines.api_reader(context) as session:
        return _limits(session, project_id)


def get_details(context, project_id):
    with engines.api_reader(context) as session:
        return {resource: {'limit': limit, 'used': _used(session, project_id, resource),
                           'reserved': 0}
                for resource, limit in _limits(session, project_id).items()}


def projects_with_limits(context):
    """{project_id: limits} of every project that has a limit of its own."""
    with engines.api_reader(context) as session:
        projects = sorted({project_id for (project_id,) in
                           session.query(models.NetworkQuota.project_id)})
        return {project_id: _limits(session, project_id) for project_id in projects}


def update(context, project_id, limits):
    with engines.api_writer(context) as session:
        for resource, limit in limits.items():
            row = session.query(models.NetworkQuota).filter_by(
                project_id=project_id, resource=resource).first()
            if row is None:
                session.add(models.NetworkQuota(project_id=project_id, resource=resource,
                                                limit=limit))
            else:
                row.limit = limit
        session.flush()
        return _limits(session, project_id)


def delete(context, project_id):
    with engines.api_writer(context) as session:
        session.query(models.NetworkQuota).filter_by(project_id=project_id).delete(
            synchronize_session=False)
