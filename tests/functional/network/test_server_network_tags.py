"""Device tags on a server's networks (2.32 to 2.36, and from 2.42 on, as
in Nova) kept in the ports' binding:profile, and the security groups a
create asks for put on the ports made for the server."""
from tests.functional.cloud_helpers import wait_for
from tests.functional.network import helpers
from tests.functional.test_boot_path import running  # noqa: F401 - pytest fixture
from tests.functional.test_boot_path import wait_status

DEMO = 'demo:demo'


def _create(cloud, version, networks, status=202, **extra):
    server = dict({'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
                   'networks': networks}, **extra)
    return cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=version,
                      status=status)


def _server_port(cloud, uuid):
    ports = cloud.get('/network/v2.0/ports?device_id=%s' % uuid, token='admin:admin',
                      status=200).json['ports']
    assert len(ports) == 1, ports
    return ports[0]


def _delete(cloud, uuid):
    cloud.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    wait_for(lambda: cloud.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to disappear')


def test_network_tags_by_microversion(running):  # noqa: F811
    network = helpers.network(running, name='net1')
    helpers.subnet(running, network['id'])
    tagged = [{'uuid': network['id'], 'tag': 'nic1'}]
    for version in ('2.31', '2.37', '2.41'):
        _create(running, version, tagged, status=400)
    for bad_tag in ('a/b', 'a,b', 'x' * 61, ''):
        _create(running, '2.42', [{'uuid': network['id'], 'tag': bad_tag}], status=400)
    for version in ('2.32', '2.42', '2.100'):
        uuid = _create(running, version, tagged).json['server']['id']
        wait_status(running, uuid, 'ACTIVE')
        assert _server_port(running, uuid)['binding:profile'] == {'tag': 'nic1'}
        _delete(running, uuid)
    # A member does not see binding:profile, as in Neutron.
    port = helpers.port(running, network['id'])
    assert 'binding:profile' not in helpers.call(running, 'GET', '/ports/%s' % port['id'],
                                                 status=200).json['port']


def test_a_brought_port_keeps_its_tag_until_the_server_goes(running):  # noqa: F811
    network = helpers.network(running, name='net1')
    helpers.subnet(running, network['id'])
    port = helpers.port(running, network['id'])
    uuid = _create(running, '2.42', [{'port': port['id'], 'tag': 'data'}]).json['server']['id']
    wait_status(running, uuid, 'ACTIVE')
    assert _server_port(running, uuid)['binding:profile'] == {'tag': 'data'}
    _delete(running, uuid)
    after = helpers.call(running, 'GET', '/ports/%s' % port['id'], token='admin:admin',
                         status=200).json['port']
    assert (after['device_id'], after['binding:profile']) == ('', {})


def test_the_groups_asked_for_go_on_the_ports(running):  # noqa: F811
    network = helpers.network(running, name='net1')
    helpers.subnet(running, network['id'])
    web = helpers.call(running, 'POST', '/security-groups',
                       {'security_group': {'name': 'web'}}, status=201).json['security_group']
    uuid = _create(running, '2.90', [{'uuid': network['id']}],
                   security_groups=[{'name': 'web'}, {'name': 'web'}]).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert _server_port(running, uuid)['security_groups'] == [web['id']]
    shown = running.get('/v2.1/servers/%s' % uuid, token=DEMO, status=200).json['server']
    assert shown['security_groups'] == [{'name': 'web'}]
    assert server['addresses']['net1']
    # Without groups asked for, the port gets the project's default group.
    other = _create(running, '2.90', [{'uuid': network['id']}]).json['server']['id']
    wait_status(running, other, 'ACTIVE')
    shown = running.get('/v2.1/servers/%s' % other, token=DEMO, status=200).json['server']
    assert shown['security_groups'] == [{'name': 'default'}]
    message = _create(running, '2.90', [{'uuid': network['id']}], status=400,
                      security_groups=[{'name': 'nope'}]).json['badRequest']['message']
    assert message == "Unable to find security_group with name or id 'nope'"
    for server_id in (uuid, other):
        _delete(running, server_id)


def test_only_admins_write_binding_profile(cloud):
    network = helpers.network(cloud, name='net1')
    body = {'port': {'network_id': network['id'], 'binding:profile': {'tag': 'x'}}}
    message = helpers.fault(helpers.call(cloud, 'POST', '/ports', body), 403,
                            'PolicyNotAuthorized')
    assert message == '(rule:create_port:binding:profile) is disallowed by policy'
    port = helpers.port(cloud, network['id'])
    helpers.call(cloud, 'PUT', '/ports/%s' % port['id'],
                 {'port': {'binding:profile': {'tag': 'y'}}}, status=403)
    updated = helpers.call(cloud, 'PUT', '/ports/%s' % port['id'],
                           {'port': {'binding:profile': {'tag': 'y'}}}, token='admin:admin',
                           status=200).json['port']
    assert updated['binding:profile'] == {'tag': 'y'}
    helpers.call(cloud, 'PUT', '/ports/%s' % port['id'],
                 {'port': {'binding:profile': 'nope'}}, token='admin:admin', status=400)
