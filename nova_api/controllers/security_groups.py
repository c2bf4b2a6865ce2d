"""os-security-groups and os-security-group-rules (up to 2.35): the
compute API's deprecated proxy to the network service's security groups,
answering in Nova's format (views/security_groups.py) with Nova's status
codes for what the network service refuses; and a server's security
groups (every version): the groups of its ports, listed, added to and
removed from them (nova_common.network.security_groups).

The answer to a create shows the groups asked for, or ``default``, as
Nova's does; show and detail show the ports' groups.
"""
import contextlib
import ipaddress

from oslo_utils import strutils

from nova_api.compute import lookup
from nova_api import handler
from nova_api import validation
from nova_api.views import security_groups as views
from nova_common import exception
from nova_common.network import backend
from nova_common.network import security_groups as secgroups
from nova_common.policies import security_groups as group_policies
from nova_common import policy
from nova_network.db import security_groups as groups_db
from nova_network import exceptions as network_exceptions
from nova_network import listing

MAX_VERSION = '2.35'
EVERYTHING = 1000000

_NAMED = {
    'type': 'object',
    'properties': {'name': {'type': 'string', 'minLength': 1, 'maxLength': 255}},
    'required': ['name'],
    'additionalProperties': False,
}
_GROUP = {
    'type': 'object',
    'properties': {'security_group': {
        'type': 'object',
        'properties': {'name': {'type': 'string', 'maxLength': 255},
                       'description': {'type': 'string', 'maxLength': 255}},
        'required': ['name', 'description'],
        'additionalProperties': False}},
    'required': ['security_group'],
    'additionalProperties': False,
}
_RULE = {
    'type': 'object',
    'properties': {'security_group_rule': {
        'type': 'object',
        'properties': {'parent_group_id': {'type': ['string', 'integer']},
                       'group_id': {'type': ['string', 'integer', 'null']},
                       'ip_protocol': {'type': ['string', 'null']},
                       'from_port': {'type': ['string', 'integer', 'null']},
                       'to_port': {'type': ['string', 'integer', 'null']},
                       'cidr': {'type': ['string', 'null']}},
        'required': ['parent_group_id'],
        'additionalProperties': False}},
    'required': ['security_group_rule'],
    'additionalProperties': False,
}


@contextlib.contextmanager
def _proxied(conflict=exception.Invalid):
    """The network service's refusals as Nova answers them when Neutron
    refuses: not found 404, bad request 400, a conflict ``conflict`` (400,
    or 403 where Nova reads it as a quota), over quota 403."""
    try:
        yield
    except network_exceptions.OverQuota as error:
        raise exception.Forbidden(error.message)
    except network_exceptions.NotFound as error:
        raise exception.NotFound(error.message)
    except network_exceptions.NeutronException as error:
        if error.code == 409:
            raise conflict(error.message)
        raise exception.Invalid(error.message)


def _group(context, group_id):
    """The network group ``group_id`` if the caller may see it, else 404."""
    backend.require_builtin()
    with _proxied():
        group = groups_db.get(context, str(group_id))
    if not (context.is_admin or group['project_id'] == context.project_id):
        raise exception.NotFound(
            network_exceptions.SecurityGroupNotFound(id=group_id).message)
    return group


def _checked_text(value, what):
    if not value.strip():
        raise exception.Invalid('Security group %s should not be empty.' % what)
    return value.strip()


def index(req):
    context = req.context
    policy.authorize(context, group_policies.POLICY % 'get')
    backend.require_builtin()
    all_projects = context.is_admin and strutils.bool_from_string(
        req.query_value('all_tenants', '0'))
    groups_db.ensure_default_for(context, context.project_id)
    params = listing.ListParams({}, [], [], EVERYTHING, None, False)
    found, _more = groups_db.list_groups(context, params,
                                         None if all_projects else context.project_id)
    return {'security_groups': views.groups(context, found)}


def show(req, group_id):
    policy.authorize(req.context, group_policies.POLICY % 'show')
    return {'security_group': views.group(req.context, _group(req.context, group_id))}


@validation.body(_GROUP)
def create(req):
    context = req.context
    policy.authorize(context, group_policies.POLICY % 'create')
    backend.require_builtin()
    body = req.body['security_group']
    values = {'name': _checked_text(body['name'], 'name'),
              'description': _checked_text(body['description'], 'description')}
    if values['name'] == groups_db.DEFAULT_NAME:
        raise exception.Forbidden(network_exceptions.SecurityGroupDefaultAlreadyExists().message)
    with _proxied(conflict=exception.Forbidden):
        created = groups_db.create(context, context.project_id, values)
    return {'security_group': views.group(context, created)}


@validation.body(_GROUP)
def update(req, group_id):
    context = req.context
    policy.authorize(context, group_policies.POLICY % 'update')
    group = _group(context, group_id)
    body = req.body['security_group']
    values = {'name': _checked_text(body['name'], 'name'),
              'description': _checked_text(body['description'], 'description')}
    if groups_db.is_default(context, group['id']) and values['name'] != group['name']:
        raise exception.Invalid(network_exceptions.SecurityGroupCannotUpdateDefault().message)
    with _proxied():
        updated = groups_db.update(context, group['id'], values)
    return {'security_group': views.group(context, updated)}


@handler.response(202)
def delete(req, group_id):
    context = req.context
    policy.authorize(context, group_policies.POLICY % 'delete')
    group = _group(context, group_id)
    if groups_db.is_default(context, group['id']) and not context.is_admin:
        raise exception.Invalid(network_exceptions.SecurityGroupCannotRemoveDefault().message)
    with _proxied():
        groups_db.delete(context, group['id'])


def _port(value, protocol):
    try:
        return int(value)
    except (TypeError, ValueError):
        if protocol.upper() == 'ICMP':
            raise exception.Invalid('Type and Code must be integers for ICMP protocol type')
        raise exception.Invalid('To and From ports must be integers')


def _ports_and_protocol(rule):
    """(protocol, from, to) checked as Nova checks them, or None when the
    body names no protocol and ports."""
    protocol = rule.get('ip_protocol')
    if not (protocol and rule.get('from_port') is not None
            and rule.get('to_port') is not None):
        return None
    protocol = str(protocol)
    low, high = _port(rule['from_port'], protocol), _port(rule['to_port'], protocol)
    upper = protocol.upper()
    if upper not in ('TCP', 'UDP', 'ICMP'):
        raise exception.Invalid('Invalid IP protocol %s.' % protocol)
    if upper in ('TCP', 'UDP'):
        if low > high:
            raise exception.Invalid('Invalid port range %s:%s. Former value cannot be greater '
                                    'than the later' % (low, high))
        if low < 1 or high > 65535:
            raise exception.Invalid('Invalid port range %s:%s. Valid %s ports should be '
                                    'between 1-65535' % (low, high, upper))
    elif not (-1 <= low <= 255 and -1 <= high <= 255):
        raise exception.Invalid('Invalid port range %s:%s. For ICMP, the type:code must be '
                                'valid' % (low, high))
    return protocol.lower(), low, high


def _cidr(value):
    if not value:
        return views.ANY_CIDR
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise exception.Invalid('Invalid cidr %s.' % value)
    if network.prefixlen == 0 and not ipaddress.ip_address(value.split('/')[0]).is_unspecified:
        raise exception.Invalid('Bad prefix for network in cidr %s' % value)
    return str(network)


@validation.body(_RULE)
def create_rule(req):
    context = req.context
    policy.authorize(context, group_policies.POLICY % 'rule:create')
    body = req.body['security_group_rule']
    parent = _group(context, body['parent_group_id'])
    remote = _group(context, body['group_id']) if body.get('group_id') is not None else None
    cidr = None if remote else _cidr(body.get('cidr'))
    ports = _ports_and_protocol(body)
    if ports is None and cidr is not None:
        raise exception.Invalid('Not enough parameters to build a valid rule.')
    protocol, low, high = ports or (None, None, None)
    values = {'security_group_id': parent['id'], 'direction': 'ingress',
              'ethertype': 'IPv6' if cidr and ':' in cidr else 'IPv4', 'protocol': protocol,
              'port_range_min': None if low == -1 else low,
              'port_range_max': None if high == -1 else high,
              'remote_ip_prefix': cidr, 'remote_group_id': remote['id'] if remote else None}
    with _proxied():
        try:
            created = groups_db.create_rule(context, parent['project_id'], values)
        except network_exceptions.SecurityGroupRuleExists:
            raise exception.Invalid('This rule already exists in group %s' % parent['id'])
    known = {parent['id']: parent}
    if remote:
        known[remote['id']] = remote
    return {'security_group_rule': views.rule(context, created, known)}


@handler.response(202)
def delete_rule(req, rule_id):
    context = req.context
    policy.authorize(context, group_policies.POLICY % 'rule:delete')
    backend.require_builtin()
    try:
        rule = groups_db.get_rule(context, rule_id)
    except network_exceptions.NotFound:
        raise exception.NotFound('Rule (%s) not found' % rule_id)
    _group(context, rule['security_group_id'])
    with _proxied():
        groups_db.delete_rule(context, rule_id)


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, group_policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


def server_index(req, server_id):
    instance = _server(req, server_id, 'list')
    return {'security_groups': views.groups(
        req.context, secgroups.of_server(req.context, instance['uuid']))}


@handler.response(202)
@validation.body({'type': 'object', 'properties': {'addSecurityGroup': _NAMED},
                  'required': ['addSecurityGroup'], 'additionalProperties': False})
def add_to_server(req, instance, argument):
    policy.authorize(req.context, group_policies.POLICY % 'add',
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    secgroups.add_to_server(req.context, instance['uuid'], argument['name'])


@handler.response(202)
@validation.body({'type': 'object', 'properties': {'removeSecurityGroup': _NAMED},
                  'required': ['removeSecurityGroup'], 'additionalProperties': False})
def remove_from_server(req, instance, argument):
    policy.authorize(req.context, group_policies.POLICY % 'remove',
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    secgroups.remove_from_server(req.context, instance['uuid'], argument['name'])


# Server actions (server_actions.ACTIONS): name -> (handler, min, max).
ACTIONS = {
    'addSecurityGroup': (add_to_server, None, None),
    'removeSecurityGroup': (remove_from_server, None, None),
}

ROUTES = [
    ('GET', '/os-security-groups', index, None, MAX_VERSION),
    ('POST', '/os-security-groups', create, None, MAX_VERSION),
    ('GET', '/os-security-groups/{group_id}', show, None, MAX_VERSION),
    ('PUT', '/os-security-groups/{group_id}', update, None, MAX_VERSION),
    ('DELETE', '/os-security-groups/{group_id}', delete, None, MAX_VERSION),
    ('POST', '/os-security-group-rules', create_rule, None, MAX_VERSION),
    ('DELETE', '/os-security-group-rules/{rule_id}', delete_rule, None, MAX_VERSION),
    ('GET', '/servers/{server_id}/os-security-groups', server_index),
]
