"""Nova's side of security groups on the built-in network service: the
groups of a server are the groups of its ports, as with Neutron.

Groups are named as Nova's neutron client names them: by id, else by name
among the caller's project's groups (``default`` made on first use, as
Neutron does); a name two groups share is 409.
"""
from nova_common.db import engines
from nova_common import exception
from nova_common.network import backend
from nova_network.db import models
from nova_network.db import ports as ports_db
from nova_network.db import security_groups as groups_db

DEFAULT = groups_db.DEFAULT_NAME


class GroupNotFound(exception.NotFound):
    msg_fmt = "Unable to find security_group with name or id '%(name)s'"


def _visible(context, row):
    return context.is_admin or row.project_id == context.project_id


def find(context, name_or_id):
    """The id of the group ``name_or_id`` names for the caller;
    GroupNotFound (404) when none, Conflict (409) when several."""
    if name_or_id == DEFAULT:
        groups_db.ensure_default_for(context, context.project_id)
    with engines.api_reader(context) as session:
        row = session.query(models.SecurityGroup).filter_by(id=name_or_id).first()
        if row is not None and _visible(context, row):
            return row.id
        found = [group_id for (group_id,) in session.query(models.SecurityGroup.id).filter_by(
            name=name_or_id, project_id=context.project_id).limit(2)]
    if not found:
        raise GroupNotFound(name=name_or_id)
    if len(found) > 1:
        raise exception.Conflict("Multiple security_group matches found for name '%s', use "
                                 "an ID to be more specific." % name_or_id)
    return found[0]


def apply(context, requests, names):
    """The requested networks of a create with the ids of the groups
    ``names`` asks for on each port to be made; an unknown group is 400,
    as Nova answers a create (even one without ports)."""
    if not names:
        return requests
    group_ids = []
    for name in dict.fromkeys(group['name'] for group in names):
        try:
            group_ids.append(find(context, name))
        except GroupNotFound as error:
            raise exception.Invalid(error.message)
    if requests == 'none':
        return requests
    return [dict(entry, security_groups=group_ids) if 'network_id' in entry else entry
            for entry in requests]


def _server_port_ids(session, instance_uuid):
    return [port_id for (port_id,) in session.query(models.Port.id).filter_by(
        device_id=instance_uuid).order_by(models.Port.created_at, models.Port.id)]


def names_of_servers(context, instance_uuids):
    """{uuid: [{'name': group name}]} of the servers' ports' groups, each
    name once, in one query (the server body's ``security_groups``)."""
    found = {uuid: [] for uuid in instance_uuids}
    if not instance_uuids or backend.uses_neutron():
        return found
    with engines.api_reader(context) as session:
        rows = (session.query(models.Port.device_id, models.SecurityGroup.name)
                .join(models.PortSecurityGroupBinding,
                      models.PortSecurityGroupBinding.port_id == models.Port.id)
                .join(models.SecurityGroup, models.SecurityGroup.id
                      == models.PortSecurityGroupBinding.security_group_id)
                .filter(models.Port.device_id.in_(list(instance_uuids)))
                .order_by(models.Port.created_at, models.SecurityGroup.name))
        for device_id, name in rows:
            if {'name': name} not in found[device_id]:
                found[device_id].append({'name': name})
    return found


def of_server(context, instance_uuid):
    """The groups (Neutron's dicts, with their rules) of the server's ports."""
    backend.require_builtin()
    with engines.api_reader(context) as session:
        port_ids = _server_port_ids(session, instance_uuid)
        bound = groups_db.port_groups(session, port_ids)
    group_ids = list(dict.fromkeys(g for port_id in port_ids for g in bound[port_id]))
    return [groups_db.get(context, group_id) for group_id in group_ids]


def _no_ports(instance_uuid):
    return exception.NotFound('instance_id %s could not be found as device id on any ports'
                              % instance_uuid)


def _find_for_server(context, name):
    try:
        return find(context, name)
    except GroupNotFound:
        raise GroupNotFound('Security group %s is not found for project %s'
                            % (name, context.project_id))


def add_to_server(context, instance_uuid, name):
    """Add the group to every port of the server (404 when it has none or
    the group is unknown; a port without port security is 400)."""
    backend.require_builtin()
    group_id = _find_for_server(context, name)
    with engines.api_reader(context) as session:
        ports = session.query(models.Port).filter_by(device_id=instance_uuid).all()
        if not ports:
            raise _no_ports(instance_uuid)
        if not all(port.port_security_enabled for port in ports):
            raise exception.Invalid('Network requires port_security_enabled and subnet '
                                    'associated in order to apply security groups.')
        bound = groups_db.port_groups(session, [port.id for port in ports])
    for port_id, groups in bound.items():
        if group_id not in groups:
            ports_db.update(context, port_id, {'security_groups': groups + [group_id]})


def remove_from_server(context, instance_uuid, name):
    """Remove the group from the server's ports that have it (404 when
    none has it)."""
    backend.require_builtin()
    group_id = _find_for_server(context, name)
    with engines.api_reader(context) as session:
        port_ids = _server_port_ids(session, instance_uuid)
        if not port_ids:
            raise _no_ports(instance_uuid)
        bound = groups_db.port_groups(session, port_ids)
    having = {port_id: groups for port_id, groups in bound.items() if group_id in groups}
    if not having:
        raise exception.NotFound('Security group %s not associated with the instance %s'
                                 % (name, instance_uuid))
    for port_id, groups in having.items():
        ports_db.update(context, port_id,
                        {'security_groups': [g for g in groups if g != group_id]})
