"""os-networks and os-security-groups as Nova answers them for a cloud
whose servers have no network service behind them: empty lists, 404 for
any id, 410 for what nova-network took away, nothing from 2.36 on; a
server's security groups; and security_groups in the server bodies."""
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


def test_security_groups_up_to_2_35(cloud):
    assert cloud.get('/v2.1/os-security-groups', token=DEMO, version='2.35',
                     status=200).json == {'security_groups': []}
    message = cloud.get('/v2.1/os-security-groups/sg1', token=DEMO, version='2.35',
                        status=404).json['itemNotFound']['message']
    assert message == 'Security group sg1 not found.'
    cloud.delete('/v2.1/os-security-groups/sg1', token=DEMO, version='2.35', status=404)
    group = {'security_group': {'name': 'web', 'description': 'web servers'}}
    cloud.put('/v2.1/os-security-groups/sg1', group, token=DEMO, version='2.35', status=404)
    for bad in ({}, {'security_group': {'name': 'web'}},
                {'security_group': {'name': 'web', 'description': 'd', 'x': 1}}):
        cloud.put('/v2.1/os-security-groups/sg1', bad, token=DEMO, version='2.35',
                  status=400)
    rule = {'security_group_rule': {'parent_group_id': 'sg1', 'ip_protocol': 'tcp',
                                    'from_port': 22, 'to_port': 22, 'cidr': '0.0.0.0/0'}}
    assert cloud.post('/v2.1/os-security-group-rules', rule, token=DEMO, version='2.35',
                      status=404).json['itemNotFound']['message'] == (
        'Security group sg1 not found.')
    for bad in ({}, {'security_group_rule': {}},
                {'security_group_rule': {'parent_group_id': 'sg1', 'port': 1}}):
        cloud.post('/v2.1/os-security-group-rules', bad, token=DEMO, version='2.35',
                   status=400)
    cloud.delete('/v2.1/os-security-group-rules/r1', token=DEMO, version='2.35', status=404)
    for method, path in (('GET', '/os-security-groups'), ('GET', '/os-security-groups/sg1'),
                         ('DELETE', '/os-security-group-rules/r1')):
        cloud.request(method, '/v2.1' + path, token=DEMO, version='2.36', status=404)


def test_a_servers_security_groups(cloud):
    server = records.add_server(cloud)
    url = '/v2.1/servers/%s' % server['uuid']
    for version in ('2.1', '2.100'):
        assert cloud.get(url + '/os-security-groups', token=DEMO, version=version,
                         status=200).json == {'security_groups': []}
    cloud.get('/v2.1/servers/%s/os-security-groups' % MISSING, token=DEMO, status=404)
    cloud.get(url + '/os-security-groups', token='eve:other', status=404)
    for action in ('addSecurityGroup', 'removeSecurityGroup'):
        message = cloud.post(url + '/action', {action: {'name': 'web'}}, token=DEMO,
                             version='2.100', status=404).json['itemNotFound']['message']
        assert message == 'Security group web not found.'
        for bad in ({action: {}}, {action: {'name': ''}}, {action: 'web'},
                    {action: {'name': 'web', 'x': 1}}):
            cloud.post(url + '/action', bad, token=DEMO, status=400)
        cloud.post('/v2.1/servers/%s/action' % MISSING, {action: {'name': 'web'}},
                   token=DEMO, status=404)
    # No port, no group: the body shows none, as Nova's does.
    assert 'security_groups' not in cloud.get(url, token=DEMO, status=200).json['server']


def test_the_create_answer_shows_the_groups_asked_for(cloud):
    add_flavor_and_image(cloud)
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    created = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version='2.90',
                         status=202).json['server']
    assert created['security_groups'] == [{'name': 'default'}]
    server['security_groups'] = [{'name': 'web'}, {'name': 'ssh'}]
    created = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version='2.90',
                         status=202).json['server']
    assert created['security_groups'] == [{'name': 'web'}, {'name': 'ssh'}]
