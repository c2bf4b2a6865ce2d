"""/v2.0/security-groups and /v2.0/security-group-rules over HTTP."""
import pytest

from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault


def _groups(cloud, token='demo:demo'):
    return call(cloud, 'GET', '/security-groups', token=token, status=200).json[
        'security_groups']


def _rule(cloud, group_id, status=201, token='demo:demo', **attributes):
    body = {'security_group_rule': dict({'security_group_id': group_id,
                                         'direction': 'ingress'}, **attributes)}
    return call(cloud, 'POST', '/security-group-rules', body, token, status)


def test_default_group_made_on_first_use(cloud):
    groups = _groups(cloud)
    assert [group['name'] for group in groups] == ['default']
    default = groups[0]
    assert default['project_id'] == 'demo' and default['stateful'] is True
    rules = {(rule['direction'], rule['ethertype'], rule['remote_group_id'])
             for rule in default['security_group_rules']}
    assert rules == {('egress', 'IPv4', None), ('egress', 'IPv6', None),
                     ('ingress', 'IPv4', default['id']), ('ingress', 'IPv6', default['id'])}
    assert _groups(cloud) == groups  # made once
    # Ports of the project get it.
    net = helpers.network(cloud)
    assert helpers.port(cloud, net['id'])['security_groups'] == [default['id']]
    fault(call(cloud, 'DELETE', '/security-groups/' + default['id']), 409,
          'SecurityGroupCannotRemoveDefault')
    fault(call(cloud, 'PUT', '/security-groups/' + default['id'],
               {'security_group': {'name': 'other'}}), 409, 'SecurityGroupCannotUpdateDefault')
    fault(call(cloud, 'POST', '/security-groups', {'security_group': {'name': 'default'}}),
          409, 'SecurityGroupDefaultAlreadyExists')


def test_group_lifecycle_and_ports(cloud):
    created = call(cloud, 'POST', '/security-groups',
                   {'security_group': {'name': 'web', 'description': 'http'}},
                   status=201).json['security_group']
    assert {rule['direction'] for rule in created['security_group_rules']} == {'egress'}
    path = '/security-groups/' + created['id']
    assert call(cloud, 'GET', path, status=200).json['security_group'] == created
    renamed = call(cloud, 'PUT', path, {'security_group': {'name': 'www'}},
                   status=200).json['security_group']
    assert renamed['name'] == 'www'
    net = helpers.network(cloud)
    port = helpers.port(cloud, net['id'], security_groups=[created['id']])
    assert port['security_groups'] == [created['id']]
    fault(call(cloud, 'DELETE', path), 409, 'SecurityGroupInUse')
    cleared = call(cloud, 'PUT', '/ports/' + port['id'], {'port': {'security_groups': []}},
                   status=200).json['port']
    assert cleared['security_groups'] == []
    call(cloud, 'DELETE', path, status=204)
    fault(call(cloud, 'GET', path), 404, 'SecurityGroupNotFound')
    body = {'port': {'network_id': net['id'], 'security_groups': [created['id']]}}
    fault(call(cloud, 'POST', '/ports', body), 404, 'SecurityGroupNotFound')
    body['port'].update(security_groups=[], port_security_enabled=False)
    assert call(cloud, 'POST', '/ports', body, status=201).json['port']['security_groups'] == []


def test_groups_of_other_projects(cloud):
    theirs = call(cloud, 'POST', '/security-groups', {'security_group': {'name': 'x'}},
                  token='other:other', status=201).json['security_group']
    assert theirs['id'] not in {group['id'] for group in _groups(cloud)}
    fault(call(cloud, 'GET', '/security-groups/' + theirs['id']), 404, 'SecurityGroupNotFound')
    fault(_rule(cloud, theirs['id'], status=None), 404, 'SecurityGroupNotFound')
    net = helpers.network(cloud)
    body = {'port': {'network_id': net['id'], 'security_groups': [theirs['id']]}}
    fault(call(cloud, 'POST', '/ports', body), 404, 'SecurityGroupNotFound')
    assert theirs['id'] in {group['id'] for group in _groups(cloud, 'admin:admin')}


def test_rules(cloud):
    group = _groups(cloud)[0]
    ssh = _rule(cloud, group['id'], protocol='tcp', port_range_min=22, port_range_max=22,
                remote_ip_prefix='10.0.0.1/8').json['security_group_rule']
    assert (ssh['protocol'], ssh['ethertype'], ssh['remote_ip_prefix']) == (
        'tcp', 'IPv4', '10.0.0.0/8')
    assert ssh['belongs_to_default_sg'] is True
    message = fault(_rule(cloud, group['id'], status=None, protocol='tcp', port_range_min=22,
                          port_range_max=22, remote_ip_prefix='10.0.0.0/8'),
                    409, 'SecurityGroupRuleExists')
    assert ssh['id'] in message
    ping = _rule(cloud, group['id'], protocol='icmp', port_range_min=8,
                 ethertype='IPv4').json['security_group_rule']
    assert (ping['port_range_min'], ping['port_range_max']) == (8, None)
    numbered = _rule(cloud, group['id'], protocol='132', port_range_min=1,
                     port_range_max=9).json['security_group_rule']
    assert numbered['protocol'] == '132'
    listed = call(cloud, 'GET', '/security-group-rules?security_group_id=%s&protocol=tcp'
                  % group['id']).json['security_group_rules']
    assert [rule['id'] for rule in listed] == [ssh['id']]
    call(cloud, 'GET', '/security-group-rules/' + ssh['id'], status=200)
    fault(call(cloud, 'GET', '/security-group-rules/' + ssh['id'], token='other:other'), 404,
          'SecurityGroupRuleNotFound')
    call(cloud, 'DELETE', '/security-group-rules/' + ssh['id'], status=204)
    fault(call(cloud, 'DELETE', '/security-group-rules/' + ssh['id']), 404,
          'SecurityGroupRuleNotFound')


@pytest.mark.parametrize('attributes, fault_type', [
    ({'protocol': 'tcp', 'port_range_min': 30, 'port_range_max': 20},
     'SecurityGroupInvalidPortRange'),
    ({'protocol': 'tcp', 'port_range_min': 0, 'port_range_max': 20},
     'SecurityGroupInvalidPortValue'),
    ({'port_range_min': 22, 'port_range_max': 22}, 'SecurityGroupProtocolRequiredWithPorts'),
    ({'protocol': 'icmp', 'port_range_min': 300}, 'SecurityGroupInvalidIcmpValue'),
    ({'protocol': 'icmp', 'port_range_max': 0}, 'SecurityGroupMissingIcmpType'),
    ({'protocol': 'bogus'}, 'SecurityGroupRuleInvalidProtocol'),
    ({'remote_ip_prefix': 'fd00::/64'}, 'SecurityGroupRuleParameterConflict'),
    ({'remote_ip_prefix': 'nonsense'}, 'HTTPBadRequest'),
    ({'direction': 'sideways'}, 'HTTPBadRequest'),
    ({'remote_ip_prefix': '10.0.0.0/8', 'remote_group_id': 'GROUP'},
     'SecurityGroupRemoteGroupAndRemoteIpPrefix'),
])
def test_bad_rules(cloud, attributes, fault_type):
    group = _groups(cloud)[0]
    if attributes.get('remote_group_id') == 'GROUP':
        attributes['remote_group_id'] = group['id']
    before = len(call(cloud, 'GET', '/security-group-rules').json['security_group_rules'])
    fault(_rule(cloud, group['id'], status=None, **attributes), 400, fault_type)
    after = len(call(cloud, 'GET', '/security-group-rules').json['security_group_rules'])
    assert after == before
