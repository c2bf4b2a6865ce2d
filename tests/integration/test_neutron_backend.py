"""[network] backend = neutron: nova-api and the super-conductor reach the
network service over the Networking v2.0 API through keystoneauth. The
service here is the built-in one, served by a second nova-api with an API
database of its own (the first nova-api's network tables stay empty, so
every port below went over HTTP): networks on create, ports made and
bound by the super-conductor, addresses, a port the user brought unbound
on delete, and the refusals of a create."""
import openstack as openstack_sdk
import pytest

from tests.integration import conftest
from tests.integration import harness

HOST = 'neutron-compute'


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    deployment = conftest.Deployment(tmp_path_factory.mktemp('neutron'), rabbitmq, mariadb)
    with deployment:
        deployment.set_up_cells()
        network_port = harness.free_port()
        deployment.network_endpoint = 'http://127.0.0.1:%d/network' % network_port
        network_sections = deployment.top_sections()
        network_sections['DEFAULT'] = dict(network_sections['DEFAULT'],
                                           osapi_compute_listen_port=network_port)
        network_sections['api_database'] = {
            'connection': mariadb.create_database('netapi')}
        network_config = deployment.write_config('nova-network-api.conf', network_sections)
        harness.nova_manage(network_config, 'api_db', 'sync')
        network_api = deployment.start('nova-api', network_config, name='network-api')

        sections = deployment.top_sections()
        sections['network'] = {'backend': 'neutron'}
        # noauth2 on both sides: the service "token" is an admin's.
        sections['neutron'] = {'endpoint_override': deployment.network_endpoint,
                               'auth_type': 'admin_token', 'token': 'admin:admin',
                               'endpoint': deployment.network_endpoint}
        top = deployment.write_config('nova-top-neutron.conf', sections)
        api = deployment.start('nova-api', top)
        deployment.start('nova-conductor', top, name='super-conductor')
        deployment.start('nova-scheduler', top)
        deployment.start('nova-conductor', deployment.cell_conductor_config,
                         name='cell1-conductor')
        deployment.start('nova-compute', deployment.compute_config(
            HOST, fake_driver={'nodes': 1, 'memory_mb': 4096},
            compute={'resource_update_interval': 2}, network={'plug_vifs': 'false'}))
        harness.wait_for_api(deployment.endpoint, api)
        harness.wait_for_api(deployment.network_endpoint.rsplit('/', 1)[0], network_api)
        yield deployment


@pytest.fixture(scope='module')
def clients(cloud):
    compute = cloud.sdk()
    network = openstack_sdk.connection.Connection(
        auth_type='none', network_endpoint_override=cloud.network_endpoint)
    cloud.wait_for_nodes(compute, [HOST])
    return compute, network


def _boot(cloud, compute, image, flavor, networks, status=202):
    response = compute.compute.post('/servers', json={'server': {
        'name': 'vm', 'imageRef': image.id, 'flavorRef': flavor.id, 'networks': networks}},
        microversion='2.42')
    assert response.status_code == status, response.text
    return response.json()


def test_servers_on_a_network_served_by_another_nova_api(cloud, clients, mariadb):
    compute, network = clients
    image = cloud.raw_image(compute, 'neutron-backend')
    flavor = compute.compute.create_flavor(name='neutron.small', ram=256, vcpus=1, disk=1)
    net = network.network.create_network(name='net1')
    network.network.create_subnet(network_id=net.id, ip_version=4, cidr='10.42.0.0/24')
    brought = network.network.create_port(network_id=net.id, name='p1')

    created = _boot(cloud, compute, image, flavor, [{'uuid': net.id, 'tag': 'eth0'}])
    server = compute.compute.wait_for_server(compute.compute.get_server(
        created['server']['id']), status='ACTIVE', wait=120, interval=1)
    [address] = server.addresses['net1']
    assert address['addr'].startswith('10.42.0.')
    [port] = list(network.network.ports(device_id=server.id))
    assert (port.binding_host_id, port.binding_profile) == (HOST, {'tag': 'eth0'})
    assert port.fixed_ips[0]['ip_address'] == address['addr']

    with_port = _boot(cloud, compute, image, flavor, [{'port': brought.id}])
    second = compute.compute.wait_for_server(compute.compute.get_server(
        with_port['server']['id']), status='ACTIVE', wait=120, interval=1)
    assert network.network.get_port(brought.id).device_id == second.id
    in_use = _boot(cloud, compute, image, flavor, [{'port': brought.id}], status=409)
    assert in_use['conflictingRequest']['message'] == 'Port %s is still in use.' % brought.id
    missing = '6c0b1b8e-1111-4222-8333-444455556666'
    unknown = _boot(cloud, compute, image, flavor, [{'uuid': missing}], status=400)
    assert unknown['badRequest']['message'] == 'Network %s could not be found.' % missing

    # The compute's nova-api kept nothing of the network in its own database.
    assert mariadb.query(cloud.api_db, 'SELECT COUNT(*) FROM ports')[0][0] == 0

    for each in (server, second):
        compute.compute.delete_server(each)
        compute.compute.wait_for_delete(each, wait=60)
    assert [p.id for p in network.network.ports()] == [brought.id]
    assert network.network.get_port(brought.id).device_id == ''
    network.network.delete_port(brought)
    network.network.delete_network(net)
    compute.compute.delete_flavor(flavor)
