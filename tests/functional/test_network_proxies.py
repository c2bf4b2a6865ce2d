"""os-networks as Nova answers it for a cloud without nova-network (no
networks, 410 for what nova-network took away, nothing from 2.36 on);
os-security-groups proxying the built-in network service as Nova proxies
Neutron's; a server's security groups (its ports' groups) listed, added,
removed and shown in the server bodies."""
from tests.functional import server_records as records
from tests.functional.cloud_helpers import add_flavor_and_image

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
MISSING = 'f7c9d2a0-0000-4000-8000-000000000000'


def test_networks_up_to_2_35(cloud):
    for version in ('2.1', '2.35'):
        assert cloud.get('/v2.1/os-networks', token=DEMO, version=version,
                         status=200).json == {'networks': []}
        message = cloud.get('/v2.1/os-networks/net1', token=DEMO, version=version,
                            status=404).json['itemNotFound']['message']
        assert message == 'Network net1 could not be found.'
    for method, path in (('POST', '/os-networks'), ('POST', '/os-networks/add'),
                         ('DELETE', '/os-networks/net1'),
                         ('POST', '/os-networks/net1/action')):
        body = {'network': {}} if method == 'POST' else None
        fault = cloud.request(method, '/v2.1' + path, body, token=ADMIN, version='2.35',
                              status=410).json
        assert fault['computeFault']['code'] == 410
    cloud.get('/v2.1/os-networks', token=DEMO, version='2.36', status=404)
    cloud.get('/v2.1/os-networks/net1', token=DEMO, version='2.36', status=404)


def _sg(cloud, name, token=DEMO, status=200, description='d'):
    body = {'security_group': {'name': name, 'description': description}}
    return cloud.post('/v2.1/os-security-groups', body, token=token, version='2.35',
                      status=status).json


def _rule(cloud, status=200, **rule):
    return cloud.post('/v2.1/os-security-group-rules', {'security_group_rule': rule},
                      token=DEMO, version='2.35', status=status).json


def test_security_groups_proxy_the_network_service_up_to_2_35(cloud):
    listed = cloud.get('/v2.1/os-security-groups', token=DEMO, version='2.35',
                       status=200).json['security_groups']
    # Listing made the project's default group, as Neutron does; its
    # ingress rules (from members of the group) shown in Nova's format.
    [default] = listed
    assert (default['name'], default['tenant_id']) == ('default', 'demo')
    assert [(r['ip_protocol'], r['from_port'], r['to_port'], r['group'], r['ip_range'])
            for r in default['rules']] == [(None, None, None,
                                            {'name': 'default', 'tenant_id': 'demo'}, {})] * 2
    web = _sg(cloud, 'web', description='web servers')['security_group']
    assert (web['name'], web['description'], web['rules']) == ('web', 'web servers', [])
    shown = cloud.get('/v2.1/os-security-groups/%s' % web['id'], token=DEMO,
                      version='2.35', status=200).json['security_group']
    assert shown == web
    # The same group through the network API: one store behind both.
    neutron = cloud.get('/network/v2.0/security-groups/%s' % web['id'], token=DEMO,
                        status=200).json['security_group']
    assert neutron['description'] == 'web servers'
    cloud.get('/v2.1/os-security-groups/%s' % web['id'], token='eve:other',
              version='2.35', status=404)

    rule = _rule(cloud, parent_group_id=web['id'], ip_protocol='tcp', from_port=22,
                 to_port=22, cidr='10.0.0.0/8')['security_group_rule']
    assert rule == {'id': rule['id'], 'parent_group_id': web['id'], 'ip_protocol': 'tcp',
                    'from_port': 22, 'to_port': 22, 'group': {},
                    'ip_range': {'cidr': '10.0.0.0/8'}}
    icmp = _rule(cloud, parent_group_id=web['id'], ip_protocol='icmp', from_port=-1,
                 to_port=-1)['security_group_rule']
    assert (icmp['from_port'], icmp['ip_range']) == (-1, {'cidr': '0.0.0.0/0'})
    remote = _rule(cloud, parent_group_id=web['id'], group_id=default['id'],
                   ip_protocol='udp', from_port=53, to_port=53)['security_group_rule']
    assert remote['group'] == {'name': 'default', 'tenant_id': 'demo'}
    neutron_rule = cloud.get('/network/v2.0/security-group-rules/%s' % rule['id'],
                             token=DEMO, status=200).json['security_group_rule']
    assert (neutron_rule['direction'], neutron_rule['port_range_min'],
            neutron_rule['remote_ip_prefix']) == ('ingress', 22, '10.0.0.0/8')
    message = _rule(cloud, 400, parent_group_id=web['id'], ip_protocol='tcp', from_port=22,
                    to_port=22, cidr='10.0.0.0/8')['badRequest']['message']
    assert message == 'This rule already exists in group %s' % web['id']
    for bad in ({'ip_protocol': 'tcp', 'from_port': 30, 'to_port': 20},
                {'ip_protocol': 'tcp', 'from_port': 0, 'to_port': 20},
                {'ip_protocol': 'gre', 'from_port': 1, 'to_port': 2},
                {'ip_protocol': 'tcp', 'from_port': 'x', 'to_port': 2},
                {'ip_protocol': 'icmp', 'from_port': 256, 'to_port': 0},
                {'ip_protocol': 'tcp', 'from_port': 1, 'to_port': 2, 'cidr': 'nonsense'},
                {'ip_protocol': 'tcp', 'from_port': 1, 'to_port': 2, 'cidr': '10.0.0.0/0'},
                {'cidr': '10.0.0.0/8'}):
        _rule(cloud, 400, parent_group_id=web['id'], **bad)
    _rule(cloud, 404, parent_group_id=MISSING, ip_protocol='tcp', from_port=1, to_port=2)
    whole = cloud.get('/v2.1/os-security-groups/%s' % web['id'], token=DEMO,
                      version='2.35', status=200).json['security_group']
    assert {r['id'] for r in whole['rules']} == {rule['id'], icmp['id'], remote['id']}
    cloud.delete('/v2.1/os-security-group-rules/%s' % icmp['id'], token=DEMO,
                 version='2.35', status=202)
    message = cloud.delete('/v2.1/os-security-group-rules/%s' % icmp['id'], token=DEMO,
                           version='2.35', status=404).json['itemNotFound']['message']
    assert message == 'Rule (%s) not found' % icmp['id']

    renamed = cloud.put('/v2.1/os-security-groups/%s' % web['id'],
                        {'security_group': {'name': 'www', 'description': 'x'}},
                        token=DEMO, version='2.35', status=200).json['security_group']
    assert (renamed['name'], renamed['description']) == ('www', 'x')
    cloud.put('/v2.1/os-security-groups/%s' % default['id'],
              {'security_group': {'name': 'other', 'description': 'x'}},
              token=DEMO, version='2.35', status=400)
    for bad in ({}, {'security_group': {'name': 'web'}},
                {'security_group': {'name': 'web', 'description': 'd', 'x': 1}},
                {'security_group': {'name': ' ', 'description': 'd'}}):
        cloud.put('/v2.1/os-security-groups/%s' % web['id'], bad, token=DEMO,
                  version='2.35', status=400)
    _sg(cloud, '', status=400)
    _sg(cloud, 'default', status=403)
    cloud.delete('/v2.1/os-security-groups/%s' % default['id'], token=DEMO,
                 version='2.35', status=400)
    cloud.delete('/v2.1/os-security-groups/%s' % web['id'], token=DEMO, version='2.35',
                 status=202)
    message = cloud.get('/v2.1/os-security-groups/%s' % web['id'], token=DEMO,
                        version='2.35', status=404).json['itemNotFound']['message']
    assert message == 'Security group %s does not exist' % web['id']
    cloud.get('/network/v2.0/security-groups/%s' % web['id'], token=DEMO, status=404)
    for method, path in (('GET', '/os-security-groups'), ('GET', '/os-security-groups/sg1'),
                         ('DELETE', '/os-security-group-rules/r1')):
        cloud.request(method, '/v2.1' + path, token=DEMO, version='2.36', status=404)


def test_a_group_in_use_and_over_quota(cloud):
    web = _sg(cloud, 'web')['security_group']
    network = cloud.post('/network/v2.0/networks', {'network': {'name': 'n'}}, token=DEMO,
                         status=201).json['network']
    cloud.post('/network/v2.0/ports', {'port': {'network_id': network['id'],
                                                'security_groups': [web['id']]}},
               token=DEMO, status=201)
    cloud.delete('/v2.1/os-security-groups/%s' % web['id'], token=DEMO, version='2.35',
                 status=400)
    cloud.put('/network/v2.0/quotas/demo', {'quota': {'security_group': 2}}, token=ADMIN,
              status=200)
    _sg(cloud, 'one-too-many', status=403)


def _port_of(cloud, server, **attributes):
    network = cloud.post('/network/v2.0/networks', {'network': {'name': 'n'}}, token=DEMO,
                         status=201).json['network']
    body = {'port': dict(network_id=network['id'], device_id=server['uuid'], **attributes)}
    return cloud.post('/network/v2.0/ports', body, token=DEMO, status=201).json['port']


def test_a_servers_security_groups_are_its_ports_groups(cloud):
    server = records.add_server(cloud)
    url = '/v2.1/servers/%s' % server['uuid']
    # No port: no group; the body shows none, as Nova's does.
    assert cloud.get(url + '/os-security-groups', token=DEMO, status=200).json == {
        'security_groups': []}
    assert 'security_groups' not in cloud.get(url, token=DEMO, status=200).json['server']
    message = cloud.post(url + '/action', {'addSecurityGroup': {'name': 'default'}},
                         token=DEMO, status=404).json['itemNotFound']['message']
    assert message == ('instance_id %s could not be found as device id on any ports'
                       % server['uuid'])

    port = _port_of(cloud, server)
    web = _sg(cloud, 'web')['security_group']
    for version in ('2.1', '2.100'):
        listed = cloud.get(url + '/os-security-groups', token=DEMO, version=version,
                           status=200).json['security_groups']
        assert [group['name'] for group in listed] == ['default']
    assert cloud.get(url, token=DEMO, status=200).json['server']['security_groups'] == [
        {'name': 'default'}]
    cloud.post(url + '/action', {'addSecurityGroup': {'name': 'web'}}, token=DEMO,
               version='2.100', status=202)
    cloud.post(url + '/action', {'addSecurityGroup': {'name': web['id']}}, token=DEMO,
               status=202)
    neutron = cloud.get('/network/v2.0/ports/%s' % port['id'], token=DEMO).json['port']
    assert sorted(neutron['security_groups']) == sorted(port['security_groups'] + [web['id']])
    detail = cloud.get('/v2.1/servers/detail', token=DEMO, status=200).json['servers']
    assert sorted(g['name'] for g in detail[0]['security_groups']) == ['default', 'web']
    cloud.post(url + '/action', {'removeSecurityGroup': {'name': 'default'}}, token=DEMO,
               status=202)
    assert cloud.get(url, token=DEMO).json['server']['security_groups'] == [{'name': 'web'}]
    message = cloud.post(url + '/action', {'removeSecurityGroup': {'name': 'default'}},
                         token=DEMO, status=404).json['itemNotFound']['message']
    assert message == ('Security group default not associated with the instance %s'
                       % server['uuid'])

    for action in ('addSecurityGroup', 'removeSecurityGroup'):
        message = cloud.post(url + '/action', {action: {'name': 'nope'}}, token=DEMO,
                             status=404).json['itemNotFound']['message']
        assert message == 'Security group nope is not found for project demo'
        for bad in ({action: {}}, {action: {'name': ''}}, {action: 'web'},
                    {action: {'name': 'web', 'x': 1}}):
            cloud.post(url + '/action', bad, token=DEMO, status=400)
        cloud.post('/v2.1/servers/%s/action' % MISSING, {action: {'name': 'web'}},
                   token=DEMO, status=404)
    _sg(cloud, 'web')
    message = cloud.post(url + '/action', {'addSecurityGroup': {'name': 'web'}}, token=DEMO,
                         status=409).json['conflictingRequest']['message']
    assert 'Multiple security_group matches found' in message
    cloud.get('/v2.1/servers/%s/os-security-groups' % MISSING, token=DEMO, status=404)
    cloud.get(url + '/os-security-groups', token='eve:other', status=404)


def test_a_port_without_port_security_takes_no_group(cloud):
    server = records.add_server(cloud)
    _port_of(cloud, server, port_security_enabled=False)
    message = cloud.post('/v2.1/servers/%s/action' % server['uuid'],
                         {'addSecurityGroup': {'name': 'default'}}, token=DEMO,
                         status=400).json['badRequest']['message']
    assert message.startswith('Network requires port_security_enabled')


def test_the_create_answer_shows_the_groups_asked_for(cloud):
    add_flavor_and_image(cloud)
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    created = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version='2.90',
                         status=202).json['server']
    assert created['security_groups'] == [{'name': 'default'}]
    server['security_groups'] = [{'name': 'web'}, {'name': 'ssh'}]
    message = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version='2.90',
                         status=400).json['badRequest']['message']
    assert message == "Unable to find security_group with name or id 'web'"
    for name in ('web', 'ssh'):
        _sg(cloud, name)
    created = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version='2.90',
                         status=202).json['server']
    assert created['security_groups'] == [{'name': 'web'}, {'name': 'ssh'}]
