"""Security groups and their rules in the API database. Every project has
a ``default`` group, made on first use with Neutron's default rules: all
egress, and ingress from members of the same group."""
from oslo_db import exception as db_exc
from sqlalchemy import or_

from nova_common.conf import CONF
from nova_common.db import engines
from nova_network.db import common
from nova_network.db import models
from nova_network.db import quotas
from nova_network import exceptions
from nova_network import listing

DEFAULT_NAME = 'default'
DEFAULT_DESCRIPTION = 'Default security group'


def _default_rules(project_id, group_id):
    for ethertype in ('IPv4', 'IPv6'):
        yield models.SecurityGroupRule(
            id=common.new_id(), project_id=project_id, security_group_id=group_id,
            direction='egress', ethertype=ethertype, description='', revision_number=1)
        yield models.SecurityGroupRule(
            id=common.new_id(), project_id=project_id, security_group_id=group_id,
            remote_group_id=group_id, direction='ingress', ethertype=ethertype,
            description='', revision_number=1)


def ensure_default(session, project_id):
    """The id of ``project_id``'s default group, made now if it has none.
    Two requests racing to make it collide on default_security_groups'
    primary key; the loser's transaction is retried by its caller and then
    finds the winner's group."""
    found = session.query(models.DefaultSecurityGroup).filter_by(project_id=project_id).first()
    if found is not None:
        return found.security_group_id
    group = models.SecurityGroup(id=common.new_id(), project_id=project_id, name=DEFAULT_NAME,
                                 description=DEFAULT_DESCRIPTION, stateful=True,
                                 revision_number=1)
    session.add(group)
    session.flush()
    session.add(models.DefaultSecurityGroup(project_id=project_id, security_group_id=group.id))
    session.add_all(list(_default_rules(project_id, group.id)))
    session.flush()
    return group.id


def get_row(session, group_id):
    row = session.query(models.SecurityGroup).filter_by(id=group_id).first()
    if row is None:
        raise exceptions.SecurityGroupNotFound(id=group_id)
    return row


def check_port_groups(session, project_id, group_ids):
    """400 unless every one of ``group_ids`` is a group of ``project_id``
    (a port may only use its own project's groups); 404 for one that does
    not exist."""
    for group_id in group_ids:
        if get_row(session, group_id).project_id != project_id:
            raise exceptions.SecurityGroupNotFound(id=group_id)


def port_groups(session, port_ids):
    found = {port_id: [] for port_id in port_ids}
    if port_ids:
        rows = (session.query(models.PortSecurityGroupBinding)
                .filter(models.PortSecurityGroupBinding.port_id.in_(port_ids))
                .order_by(models.PortSecurityGroupBinding.security_group_id))
        for row in rows:
            found[row.port_id].append(row.security_group_id)
    return found


def bind_port(session, port_id, group_ids):
    session.query(models.PortSecurityGroupBinding).filter_by(port_id=port_id).delete(
        synchronize_session=False)
    session.add_all([models.PortSecurityGroupBinding(port_id=port_id, security_group_id=group_id)
                     for group_id in dict.fromkeys(group_ids)])


GROUP_ATTRIBUTES = {
    'id': listing.Attribute('id'),
    'name': listing.Attribute('name'),
    'description': listing.Attribute('description'),
    'stateful': listing.Attribute('stateful', listing.to_bool),
    'project_id': listing.Attribute('project_id'),
    'tenant_id': listing.Attribute('project_id'),
    'revision_number': listing.Attribute('revision_number', listing.to_int),
    'created_at': listing.Attribute('created_at'),
    'updated_at': listing.Attribute('updated_at'),
    'shared': listing.Attribute(None, listing.to_bool),
}

RULE_ATTRIBUTES = {
    'id': listing.Attribute('id'),
    'security_group_id': listing.Attribute('security_group_id'),
    'direction': listing.Attribute('direction'),
    'ethertype': listing.Attribute('ethertype'),
    'protocol': listing.Attribute('protocol'),
    'port_range_min': listing.Attribute('port_range_min', listing.to_int),
    'port_range_max': listing.Attribute('port_range_max', listing.to_int),
    'remote_ip_prefix': listing.Attribute('remote_ip_prefix'),
    'remote_group_id': listing.Attribute('remote_group_id'),
    'description': listing.Attribute('description'),
    'project_id': listing.Attribute('project_id'),
    'tenant_id': listing.Attribute('project_id'),
    'revision_number': listing.Attribute('revision_number', listing.to_int),
    'created_at': listing.Attribute('created_at'),
    'updated_at': listing.Attribute('updated_at'),
}


def _no_shared_groups(query, values):
    return query if False in values else query.filter(False)


# The attributes that make two rules of a group the same rule.
RULE_IDENTITY = ('direction', 'ethertype', 'protocol', 'port_range_min', 'port_range_max',
                 'remote_ip_prefix', 'remote_group_id')


def rule_dict(row, default_group_ids=()):
    rule = common.standard_attributes(row)
    rule.update(common.owned(row))
    rule.update({name: getattr(row, name) for name in RULE_IDENTITY})
    rule.update({'security_group_id': row.security_group_id, 'remote_address_group_id': None,
                 'normalized_cidr': row.remote_ip_prefix,
                 'belongs_to_default_sg': row.security_group_id in default_group_ids})
    return rule


def _default_ids(session, group_ids):
    if not group_ids:
        return set()
    return {group_id for (group_id,) in session.query(
        models.DefaultSecurityGroup.security_group_id).filter(
            models.DefaultSecurityGroup.security_group_id.in_(group_ids))}


def _group_dicts(session, rows):
    group_ids = [row.id for row in rows]
    defaults = _default_ids(session, group_ids)
    rules = {group_id: [] for group_id in group_ids}
    if group_ids:
        for rule in (session.query(models.SecurityGroupRule)
                     .filter(models.SecurityGroupRule.security_group_id.in_(group_ids))
                     .order_by(models.SecurityGroupRule.created_at,
                               models.SecurityGroupRule.id)):
            rules[rule.security_group_id].append(rule_dict(rule, defaults))
    groups = []
    for row in rows:
        group = common.standard_attributes(row)
        group.update(common.owned(row))
        group.update({'name': row.name, 'stateful': row.stateful, 'shared': False,
                      'security_group_rules': rules[row.id]})
        groups.append(group)
    return groups


def _retrying_default(context, project_id, work):
    """Run ``work(session)`` in a transaction after making sure
    ``project_id`` has its default group (made once, even when racing)."""
    for _attempt in range(CONF.network.allocation_retries):
        try:
            with engines.api_writer(context) as session:
                if project_id is not None:
                    ensure_default(session, project_id)
                return work(session)
        except db_exc.DBDuplicateEntry:
            continue
    raise exceptions.ConcurrentChange()


def get(context, group_id):
    with engines.api_reader(context) as session:
        return _group_dicts(session, [get_row(session, group_id)])[0]


def is_default(context, group_id):
    with engines.api_reader(context) as session:
        return bool(_default_ids(session, [group_id]))


def list_groups(context, params, project_id=None):
    """A page of groups; ``project_id``: only that project's."""
    with engines.api_reader(context) as session:
        query = session.query(models.SecurityGroup)
        if project_id is not None:
            query = query.filter(models.SecurityGroup.project_id == project_id)
        query = common.filtered(query, models.SecurityGroup, GROUP_ATTRIBUTES, params.filters,
                                {'shared': _no_shared_groups})
        rows, has_more = common.paged(session, query, models.SecurityGroup, params, get_row)
        return _group_dicts(session, rows), has_more


def ensure_default_for(context, project_id):
    """Make ``project_id``'s default group unless it has one (as Neutron
    does when a project first lists or uses its groups). A project id longer
    than the column (a token no identity service issues) gets none: it could
    not own anything anyway."""
    if len(project_id or '') > models.PROJECT_ID_LENGTH:
        return
    with engines.api_reader(context) as session:
        if session.query(models.DefaultSecurityGroup).filter_by(
                project_id=project_id).first() is not None:
            return
    _retrying_default(context, project_id, lambda session: None)


def create(context, project_id, values):
    """A group with Neutron's two egress rules (IPv4, IPv6: anything)."""
    def work(session):
        quotas.check(session, project_id, 'security_group')
        row = models.SecurityGroup(
            id=common.new_id(), project_id=project_id, name=values.get('name', ''),
            description=values.get('description', ''), stateful=values.get('stateful', True),
            revision_number=1)
        session.add(row)
        session.flush()
        session.add_all([rule for rule in _default_rules(project_id, row.id)
                         if rule.direction == 'egress'])
        session.flush()
        return _group_dicts(session, [row])[0]
    return _retrying_default(context, project_id, work)


def update(context, group_id, values):
    with engines.api_writer(context) as session:
        row = get_row(session, group_id)
        for name in ('name', 'description', 'stateful'):
            if name in values:
                setattr(row, name, values[name])
        common.bump(row)
        session.flush()
        return _group_dicts(session, [row])[0]


def delete(context, group_id):
    """SecurityGroupInUse while a port uses the group; its rules, and the
    rules of other groups that name it as their remote group, go with it."""
    with engines.api_writer(context) as session:
        get_row(session, group_id)
        if session.query(models.PortSecurityGroupBinding).filter_by(
                security_group_id=group_id).first():
            raise exceptions.SecurityGroupInUse(id=group_id, reason='in use')
        session.query(models.SecurityGroupRule).filter(or_(
            models.SecurityGroupRule.security_group_id == group_id,
            models.SecurityGroupRule.remote_group_id == group_id)).delete(
                synchronize_session=False)
        session.query(models.DefaultSecurityGroup).filter_by(
            security_group_id=group_id).delete(synchronize_session=False)
        session.query(models.SecurityGroup).filter_by(id=group_id).delete(
            synchronize_session=False)


def get_rule_row(session, rule_id):
    row = session.query(models.SecurityGroupRule).filter_by(id=rule_id).first()
    if row is None:
        raise exceptions.SecurityGroupRuleNotFound(id=rule_id)
    return row


def get_rule(context, rule_id):
    with engines.api_reader(context) as session:
        row = get_rule_row(session, rule_id)
        return rule_dict(row, _default_ids(session, [row.security_group_id]))


def create_rule(context, project_id, values):
    """Store a rule (``values`` validated and normalized);
    SecurityGroupRuleExists when the group has the same rule already."""
    with engines.api_writer(context) as session:
        get_row(session, values['security_group_id'])
        if values.get('remote_group_id'):
            get_row(session, values['remote_group_id'])
        same = session.query(models.SecurityGroupRule).filter_by(
            security_group_id=values['security_group_id'],
            **{name: values.get(name) for name in RULE_IDENTITY})
        existing = same.first()
        if existing is not None:
            raise exceptions.SecurityGroupRuleExists(rule_id=existing.id)
        quotas.check(session, project_id, 'security_group_rule')
        row = models.SecurityGroupRule(
            id=common.new_id(), project_id=project_id, revision_number=1,
            security_group_id=values['security_group_id'],
            description=values.get('description', ''),
            **{name: values.get(name) for name in RULE_IDENTITY})
        session.add(row)
        session.flush()
        return rule_dict(row, _default_ids(session, [row.security_group_id]))


def list_rules(context, params, project_id=None):
    """A page of rules; ``project_id``: only the rules of that project's
    groups and the rules it owns."""
    with engines.api_reader(context) as session:
        query = session.query(models.SecurityGroupRule)
        if project_id is not None:
            own_groups = session.query(models.SecurityGroup.id).filter(
                models.SecurityGroup.project_id == project_id)
            query = query.filter(or_(models.SecurityGroupRule.project_id == project_id,
                                     models.SecurityGroupRule.security_group_id.in_(own_groups)))
        query = common.filtered(query, models.SecurityGroupRule, RULE_ATTRIBUTES,
                                params.filters)
        rows, has_more = common.paged(session, query, models.SecurityGroupRule, params,
                                      get_rule_row)
        defaults = _default_ids(session, list({row.security_group_id for row in rows}))
        return [rule_dict(row, defaults) for row in rows], has_more


def delete_rule(context, rule_id):
    with engines.api_writer(context) as session:
        get_rule_row(session, rule_id)
        session.query(models.SecurityGroupRule).filter_by(id=rule_id).delete(
            synchronize_session=False)
