"""os-security-groups and os-security-group-rules (up to 2.35): the
compute API's deprecated proxy to the network service's security groups,
and a server's security groups (every version), answering as Nova does for
a cloud whose servers have no ports (this compute API talks to no network
service): no security groups anywhere, so lists are empty and anything
that names a group is 404 once its body is valid.

A server's body shows no ``security_groups`` (Nova shows the groups of its
ports); the answer to a create shows the groups asked for, or
``default``, as Nova's does.
"""
from nova_api.compute import lookup
from nova_api import handler
from nova_api import validation
from nova_common import exception
from nova_common.policies import security_groups as group_policies
from nova_common import policy

MAX_VERSION = '2.35'

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


def _not_found(group):
    return exception.NotFound('Security group %s not found.' % group)


def index(req):
    policy.authorize(req.context, group_policies.POLICY % 'get')
    return {'security_groups': []}


def show(req, group_id):
    policy.authorize(req.context, group_policies.POLICY % 'show')
    raise _not_found(group_id)


@validation.body(_GROUP)
def update(req, group_id):
    policy.authorize(req.context, group_policies.POLICY % 'update')
    raise _not_found(group_id)


def delete(req, group_id):
    policy.authorize(req.context, group_policies.POLICY % 'delete')
    raise _not_found(group_id)


@validation.body(_RULE)
def create_rule(req):
    policy.authorize(req.context, group_policies.POLICY % 'rule:create')
    raise _not_found(req.body['security_group_rule']['parent_group_id'])


def delete_rule(req, rule_id):
    policy.authorize(req.context, group_policies.POLICY % 'rule:delete')
    raise exception.NotFound('Rule (%s) not found' % rule_id)


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, group_policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


def server_index(req, server_id):
    _server(req, server_id, 'list')
    return {'security_groups': []}


@handler.response(202)
@validation.body({'type': 'object', 'properties': {'addSecurityGroup': _NAMED},
                  'required': ['addSecurityGroup'], 'additionalProperties': False})
def add_to_server(req, instance, argument):
    policy.authorize(req.context, group_policies.POLICY % 'add',
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    raise _not_found(argument['name'])


@handler.response(202)
@validation.body({'type': 'object', 'properties': {'removeSecurityGroup': _NAMED},
                  'required': ['removeSecurityGroup'], 'additionalProperties': False})
def remove_from_server(req, instance, argument):
    policy.authorize(req.context, group_policies.POLICY % 'remove',
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    raise _not_found(argument['name'])


# Server actions (server_actions.ACTIONS): name -> (handler, min, max).
ACTIONS = {
    'addSecurityGroup': (add_to_server, None, None),
    'removeSecurityGroup': (remove_from_server, None, None),
}

ROUTES = [
    ('GET', '/os-security-groups', index, None, MAX_VERSION),
    ('GET', '/os-security-groups/{group_id}', show, None, MAX_VERSION),
    ('PUT', '/os-security-groups/{group_id}', update, None, MAX_VERSION),
    ('DELETE', '/os-security-groups/{group_id}', delete, None, MAX_VERSION),
    ('POST', '/os-security-group-rules', create_rule, None, MAX_VERSION),
    ('DELETE', '/os-security-group-rules/{rule_id}', delete_rule, None, MAX_VERSION),
    ('GET', '/servers/{server_id}/os-security-groups', server_index),
]
