"""/v2.0/security-group-rules: create, list, show, delete (rules are not
updated, as in Neutron). Protocols by name or number; for TCP, UDP and
the like a port range, for ICMP a type (port_range_min) and code
(port_range_max); a remote CIDR or a remote group, not both."""
import ipaddress

from nova_network.api import common
from nova_network.db import security_groups as groups_db
from nova_network import exceptions
from nova_network import listing
from nova_network import policy
from nova_network.schemas import security_groups as schemas

PROTOCOL_NUMBERS = {
    'ah': 51, 'dccp': 33, 'egp': 8, 'esp': 50, 'gre': 47, 'hopopt': 0, 'icmp': 1,
    'igmp': 2, 'ipip': 4, 'ipv6-encap': 41, 'ipv6-frag': 44, 'ipv6-icmp': 58, 'icmpv6': 58,
    'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, 'ospf': 89, 'pgm': 113, 'rsvp': 46,
    'sctp': 132, 'tcp': 6, 'udp': 17, 'udplite': 136, 'vrrp': 112,
}
PORT_PROTOCOLS = {6, 17, 33, 132, 136}
ICMP_PROTOCOLS = {1, 58}


def _protocol(value):
    """(stored protocol, its number or None for any)."""
    if value is None or value in ('', 'any'):
        return None, None
    text = str(value).lower()
    if text in PROTOCOL_NUMBERS:
        return text, PROTOCOL_NUMBERS[text]
    if text.isdigit() and 0 <= int(text) <= 255:
        return str(int(text)), int(text)
    raise exceptions.SecurityGroupRuleInvalidProtocol(
        protocol=value, values=sorted(set(PROTOCOL_NUMBERS)))


def _check_ports(number, low, high):
    if low is None and high is None:
        return
    if number is None:
        raise exceptions.SecurityGroupProtocolRequiredWithPorts()
    if number in PORT_PROTOCOLS:
        for port in (low, high):
            if port is not None and not 1 <= port <= 65535:
                raise exceptions.SecurityGroupInvalidPortValue(port=port)
        if low is None or high is None or low > high:
            raise exceptions.SecurityGroupInvalidPortRange()
    elif number in ICMP_PROTOCOLS:
        for field, attr, value in (('type', 'port_range_min', low),
                                   ('code', 'port_range_max', high)):
            if value is not None and not 0 <= value <= 255:
                raise exceptions.SecurityGroupInvalidIcmpValue(field=field, attr=attr,
                                                               value=value)
        if low is None:
            raise exceptions.SecurityGroupMissingIcmpType(value=high)
    else:
        raise exceptions.InvalidInput(error_message='Port ranges apply to TCP, UDP, DCCP, '
                                                    'SCTP, UDP-Lite and ICMP only')


def _validated(body):
    values = dict(body, ethertype=body.get('ethertype', 'IPv4'))
    values['protocol'], number = _protocol(body.get('protocol'))
    _check_ports(number, body.get('port_range_min'), body.get('port_range_max'))
    if body.get('remote_ip_prefix') and body.get('remote_group_id'):
        raise exceptions.SecurityGroupRemoteGroupAndRemoteIpPrefix()
    prefix = body.get('remote_ip_prefix')
    if prefix:
        try:
            network = ipaddress.ip_network(prefix, strict=False)
        except ValueError:
            raise exceptions.HTTPBadRequest("Invalid input for remote_ip_prefix. Reason: '%s' "
                                            "is not a valid IP subnet." % prefix)
        if 'IPv%d' % network.version != values['ethertype']:
            raise exceptions.SecurityGroupRuleParameterConflict(
                ethertype=values['ethertype'], cidr=prefix)
        values['remote_ip_prefix'] = str(network)
    else:
        values['remote_ip_prefix'] = None
    return values


def target(rule, group):
    return dict(rule, **{'security_group:project_id': group['project_id'],
                         'security_group:tenant_id': group['project_id']})


def create(req):
    body = req.resource('security_group_rule', schemas.create_rule)
    project_id = common.owner_project(req, body)
    group = groups_db.get(req.context, body['security_group_id'])
    if not policy.visible(req.context, 'security_group', group):
        raise exceptions.SecurityGroupNotFound(id=body['security_group_id'])
    rule_target = target(dict(body, project_id=project_id, tenant_id=project_id), group)
    policy.enforce(req.context, 'create_security_group_rule', rule_target, body)
    values = _validated(body)
    if values.get('remote_group_id'):
        remote = groups_db.get(req.context, values['remote_group_id'])
        if not policy.visible(req.context, 'security_group', remote):
            raise exceptions.SecurityGroupNotFound(id=values['remote_group_id'])
    return 201, {'security_group_rule': groups_db.create_rule(req.context, project_id,
                                                              values)}


def _group_of(req, rule, groups):
    group_id = rule['security_group_id']
    if group_id not in groups:
        groups[group_id] = groups_db.get(req.context, group_id)
    return groups[group_id]


def index(req):
    params = listing.parse(req, groups_db.RULE_ATTRIBUTES)
    rules, has_more = groups_db.list_rules(req.context, params, common.list_scope(req))
    groups = {}
    shown = [rule for rule in rules if policy.visible(
        req.context, 'security_group_rule', target(rule, _group_of(req, rule, groups)))]
    return listing.collection(req, 'security_group_rules', shown, params, has_more)


def show(req, rule_id):
    rule = groups_db.get_rule(req.context, rule_id)
    if not policy.visible(req.context, 'security_group_rule',
                          target(rule, _group_of(req, rule, {}))):
        raise exceptions.SecurityGroupRuleNotFound(id=rule_id)
    return {'security_group_rule': listing.shown(req, rule)}


def delete(req, rule_id):
    rule = groups_db.get_rule(req.context, rule_id)
    policy.enforce(req.context, 'delete_security_group_rule',
                   target(rule, _group_of(req, rule, {})),
                   not_found=exceptions.SecurityGroupRuleNotFound(id=rule_id))
    groups_db.delete_rule(req.context, rule_id)


ROUTES = [
    ('GET', '/security-group-rules', index),
    ('POST', '/security-group-rules', create),
    ('GET', '/security-group-rules/{rule_id}', show),
    ('DELETE', '/security-group-rules/{rule_id}', delete),
]
