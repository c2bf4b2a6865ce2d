"""addFixedIp / removeFixedIp (deprecated, up to 2.43): one more fixed IP
on the server's port on a network, or one fewer (nova_common.network.
fixed_ips). The server's lock is checked (409); the answer is 202."""
from nova_api.compute import state_checks
from nova_api import handler
from nova_api import validation
from nova_common.network import fixed_ips
from nova_common.policies import multinic as policies
from nova_common import policy

MAX_VERSION = '2.43'

_ADD = {
    'type': 'object',
    'properties': {'addFixedIp': {
        'type': 'object',
        'properties': {'networkId': {'type': ['string', 'integer']}},
        'required': ['networkId'],
        'additionalProperties': False}},
    'required': ['addFixedIp'],
    'additionalProperties': False,
}
_REMOVE = {
    'type': 'object',
    'properties': {'removeFixedIp': {
        'type': 'object',
        'properties': {'address': {'type': 'string',
                                   'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}},
        'required': ['address'],
        'additionalProperties': False}},
    'required': ['removeFixedIp'],
    'additionalProperties': False,
}


def _authorize(req, instance, rule):
    policy.authorize(req.context, policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    state_checks.check_lock(req.context, instance)


@handler.response(202)
@validation.body(_ADD)
def add_fixed_ip(req, instance, argument):
    _authorize(req, instance, 'add')
    fixed_ips.add(req.context, instance['uuid'], argument['networkId'])


@handler.response(202)
@validation.body(_REMOVE)
def remove_fixed_ip(req, instance, argument):
    _authorize(req, instance, 'remove')
    fixed_ips.remove(req.context, instance['uuid'], argument['address'])


# Server actions (server_actions.ACTIONS): name -> (handler, min, max).
ACTIONS = {
    'addFixedIp': (add_fixed_ip, None, MAX_VERSION),
    'removeFixedIp': (remove_fixed_ip, None, MAX_VERSION),
}
