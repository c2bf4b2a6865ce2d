"""nova-metadata-api's application over a server booted through the whole
boot path (fake driver): both trees' content for a server with a key
pair, user data, metadata and a port; the proxy headers (400, 403, 404);
the password a guest posts once (409 after), as os-server-password sees
it."""
import pytest

from nova_common.conf import CONF
from nova_metadata import content
from nova_metadata import source
from tests.functional.metadata import helpers
from tests.functional.test_keypairs import PUBLIC_KEY
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture


@pytest.fixture
def served(running):  # noqa: F811
    helpers.configure()
    net = helpers.network(running)
    server = helpers.boot(running, net)
    return running, server, net, helpers.MetadataClient()


def test_openstack_tree(served):
    cloud, server, net, client = served
    assert client.text('/openstack', server).split('\n') == content.OPENSTACK_VERSIONS + [
        'latest']
    assert client.text('/openstack/latest', server).split('\n') == [
        'meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json',
        'vendor_data2.json']
    meta = client.json('/openstack/latest/meta_data.json', server)
    assert meta.pop('random_seed')
    assert meta == {
        'uuid': server['id'], 'name': 'vm one', 'hostname': 'vm1', 'launch_index': 0,
        'availability_zone': 'nova', 'project_id': 'demo', 'meta': {'role': 'web'},
        'public_keys': {'k1': PUBLIC_KEY},
        'keys': [{'name': 'k1', 'type': 'ssh', 'data': PUBLIC_KEY}],
        'devices': [], 'dedicated_cpus': []}
    # An older version has only what that version had.
    old = client.json('/openstack/2012-08-10/meta_data.json', server)
    assert set(old) == {'uuid', 'name', 'hostname', 'launch_index', 'availability_zone',
                        'meta', 'public_keys'}
    assert client.request('/openstack/latest/user_data', server).body == helpers.USER_DATA
    assert client.json('/openstack/latest/vendor_data.json', server) == {}
    assert client.json('/openstack/latest/vendor_data2.json', server) == {}

    [address] = server['addresses']['net1']
    network_data = client.json('/openstack/latest/network_data.json', server)
    [link] = network_data['links']
    assert link['ethernet_mac_address'] == address['OS-EXT-IPS-MAC:mac_addr']
    assert link['id'] == 'tap' + link['vif_id'][:11] and link['mtu'] == 1500
    assert network_data['networks'] == [{
        'id': 'network0', 'type': 'ipv4', 'link': link['id'], 'network_id': net['id'],
        'ip_address': address['addr'], 'netmask': '255.255.255.0',
        'routes': [{'network': '0.0.0.0', 'netmask': '0.0.0.0', 'gateway': '10.42.0.1'}],
        'services': [{'type': 'dns', 'address': '10.42.0.53'}]}]
    assert network_data['services'] == [{'type': 'dns', 'address': '10.42.0.53'}]

    client.request('/openstack/2099-01-01/meta_data.json', server, status=404)
    client.request('/openstack/latest/nothing', server, status=404)
    client.request('/openstack/latest/meta_data.json', server, method='PUT', status=405)


def test_ec2_tree(served):
    cloud, server, _net, client = served
    assert client.text('/').split('\n') == content.EC2_VERSIONS + ['latest']
    assert client.text('/latest', server) == 'meta-data/\nuser-data'
    listing = client.text('/latest/meta-data/', server).split('\n')
    for key in ('ami-id', 'hostname', 'instance-id', 'local-hostname', 'local-ipv4',
                'placement/', 'public-keys/', 'instance-type', 'security-groups'):
        assert key in listing
    instance_id = client.text('/latest/meta-data/instance-id', server)
    assert instance_id.startswith('i-') and len(instance_id) == 10
    assert client.text('/latest/meta-data/hostname', server) == 'vm1'
    assert client.text('/latest/meta-data/local-hostname', server) == 'vm1'
    [address] = server['addresses']['net1']
    assert client.text('/latest/meta-data/local-ipv4', server) == address['addr']
    assert client.text('/latest/meta-data/public-keys/', server) == '0=k1'
    assert client.text('/latest/meta-data/public-keys/0/', server) == 'openssh-key'
    assert client.text('/latest/meta-data/public-keys/0/openssh-key', server) == PUBLIC_KEY
    assert client.text('/latest/meta-data/placement/availability-zone', server) == 'nova'
    assert client.text('/latest/meta-data/instance-type', server) == 'small'
    assert client.text('/latest/meta-data/security-groups', server) == 'default'
    assert client.text('/latest/meta-data/ami-id', server).startswith('ami-')
    assert client.request('/latest/user-data', server).body == helpers.USER_DATA
    # The oldest version has no local-hostname yet.
    assert 'local-hostname' not in client.text('/1.0/meta-data/', server).split('\n')
    client.request('/2001-01-01/meta-data/', server, status=404)
    client.request('/latest/meta-data/nothing', server, status=404)


def test_proxy_headers_are_checked(served):
    cloud, server, _net, client = served
    path = '/openstack/latest/meta_data.json'
    assert 'X-Instance-ID header is missing' in client.request(path, status=400).text
    for missing, words in (('X-Instance-ID-Signature', 'X-Instance-ID-Signature header'),
                           ('X-Tenant-ID', 'X-Tenant-ID header')):
        response = client.app.request(path, headers={
            name: value for name, value in {
                'X-Instance-ID': server['id'], 'X-Tenant-ID': 'demo',
                'X-Instance-ID-Signature': 'x'}.items() if name != missing},
            expect_errors=True)
        assert response.status_int == 400 and words in response.text
    forged = client.request(path, server, secret='guessed', status=403)
    assert 'Invalid proxy request signature.' in forged.text
    # Another server's id with a signature made without the secret: 403.
    other = dict(server, id='5c0f8f5e-0000-4000-8000-000000000000')
    client.request(path, other, secret='', status=403)
    # Signed, but no such server; or not of the tenant the proxy says: 404.
    client.request(path, other, status=404)
    client.request(path, server, tenant='eve', status=404)
    # No secret configured: nothing is verified, everything is 403.
    CONF.set_override('metadata_proxy_shared_secret', '', group='metadata')
    client.request(path, server, secret='', status=403)


def test_password_is_posted_once(served):
    cloud, server, _net, client = served
    path = '/openstack/latest/password'
    api = '/v2.1/servers/%s/os-server-password' % server['id']
    assert client.request(path, server).body == b''
    client.request(path, server, method='POST', body=b'x' * 1021, status=400)
    client.request(path, server, method='POST', body=b'secret-1', status=200)
    assert client.request(path, server).body == b'secret-1'
    assert cloud.get(api, token=helpers.DEMO, status=200).json == {'password': 'secret-1'}
    client.request(path, server, method='POST', body=b'secret-2', status=409)
    assert cloud.get(api, token=helpers.DEMO, status=200).json == {'password': 'secret-1'}
    cloud.delete(api, token=helpers.DEMO, status=204)
    long_password = 'p' * 600
    client.request(path, server, method='POST', body=long_password.encode(), status=200)
    assert cloud.get(api, token=helpers.DEMO, status=200).json == {'password': long_password}
    client.request(path, server, method='DELETE', status=400)
    client.request('/2009-04-04/password', server, status=404)


def test_database_failure_is_503_with_novas_message(served, monkeypatch):
    _cloud, server, _net, client = served

    def broken(context, instance):
        raise RuntimeError('API database unreachable')

    monkeypatch.setattr(source, 'gather', broken)
    response = client.request('/openstack/latest/meta_data.json', server, status=503)
    assert 'An unknown error has occurred.' in response.text
    assert 'unreachable' not in response.text
