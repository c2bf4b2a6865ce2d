"""Servers on the built-in network service, the whole boot path in one
process (the ``running`` cloud of test_boot_path): the requested networks
checked at the API, ports made and bound by the super-conductor on the
chosen host, addresses in the server body and under /ips, ports deleted
(or, when the user brought them, unbound) with the server, and no port
left by a build that failed or a request that was refused."""
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import ledger
from nova_common.db import engines
from nova_common.network import api as network_api
from nova_network.db import models
from tests.functional.cloud_helpers import wait_for
from tests.functional.network import helpers
from tests.functional.test_boot_path import boot
from tests.functional.test_boot_path import leftovers
from tests.functional.test_boot_path import NODES
from tests.functional.test_boot_path import running  # noqa: F401 - pytest fixture
from tests.functional.test_boot_path import VERSION
from tests.functional.test_boot_path import wait_status


def _net(cloud, name='net1', cidr='10.42.0.0/24', token='demo:demo'):
    network = helpers.network(cloud, token=token, name=name)
    helpers.subnet(cloud, network['id'], cidr=cidr, token=token)
    return network


def _ports(cloud):
    """{port id: (device_id, device_owner, binding host)} of every port."""
    with engines.api_reader(nova_context.get_admin_context()) as session:
        return {row.id: (row.device_id, row.device_owner, row.binding_host_id)
                for row in session.query(models.Port)}


def _delete_and_wait(cloud, uuid):
    cloud.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    wait_for(lambda: cloud.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to disappear')


def test_network_uuid_gets_a_bound_port_and_addresses(running):  # noqa: F811
    network = _net(running)
    uuid = boot(running, networks=[{'uuid': network['id']}]).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    [(port_id, (device_id, owner, host))] = _ports(running).items()
    assert (device_id, owner, host) == (uuid, 'compute:nova', server['OS-EXT-SRV-ATTR:host'])
    [address] = server['addresses']['net1']
    assert address['addr'].startswith('10.42.0.')
    assert address['version'] == 4 and address['OS-EXT-IPS:type'] == 'fixed'
    assert helpers.MAC.match(address['OS-EXT-IPS-MAC:mac_addr'])

    listed = running.get('/v2.1/servers/detail', token='demo:demo', version=VERSION).json
    assert listed['servers'][0]['addresses'] == server['addresses']
    ips = running.get('/v2.1/servers/%s/ips' % uuid, token='demo:demo', status=200).json
    assert ips == {'addresses': {'net1': [{'version': 4, 'addr': address['addr']}]}}
    one = running.get('/v2.1/servers/%s/ips/net1' % uuid, token='demo:demo', status=200).json
    assert one == {'net1': ips['addresses']['net1']}
    running.get('/v2.1/servers/%s/ips/other' % uuid, token='demo:demo', status=404)
    running.get('/v2.1/servers/%s/ips' % uuid, token='eve:other', status=404)

    _delete_and_wait(running, uuid)
    assert _ports(running) == {}
    assert leftovers(running) == (0, 0, 0, 0)


def test_fixed_ip_is_the_address_of_the_port(running):  # noqa: F811
    network = _net(running)
    uuid = boot(running, networks=[{'uuid': network['id'],
                                    'fixed_ip': '10.42.0.77'}]).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert [a['addr'] for a in server['addresses']['net1']] == ['10.42.0.77']
    message = boot(running, networks=[{'uuid': network['id'], 'fixed_ip': '10.42.0.77'}],
                   status=400).json['badRequest']['message']
    assert message == 'Fixed IP address 10.42.0.77 is already in use.'
    boot(running, networks=[{'uuid': network['id'], 'fixed_ip': '10.9.9.9'}], status=400)
    boot(running, networks=[{'uuid': network['id'], 'fixed_ip': 'nonsense'}], status=400)
    boot(running, networks=[{'uuid': network['id'], 'fixed_ip': '10.42.0.78'}],
         min_count=2, status=400)
    _delete_and_wait(running, uuid)
    assert _ports(running) == {}


def test_port_the_user_brought_is_bound_then_unbound(running):  # noqa: F811
    network = _net(running)
    port = helpers.port(running, network['id'])
    uuid = boot(running, networks=[{'port': port['id']}]).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert _ports(running)[port['id']] == (uuid, 'compute:nova',
                                           server['OS-EXT-SRV-ATTR:host'])
    assert server['addresses']['net1'][0]['addr'] == port['fixed_ips'][0]['ip_address']
    message = boot(running, networks=[{'port': port['id']}],
                   status=409).json['conflictingRequest']['message']
    assert message == 'Port %s is still in use.' % port['id']
    _delete_and_wait(running, uuid)
    assert _ports(running) == {port['id']: ('', '', '')}


def test_unknown_or_foreign_network_and_port_are_refused(running):  # noqa: F811
    theirs = _net(running, token='eve:other')
    their_port = helpers.port(running, theirs['id'], token='eve:other')
    missing = '6c0b1b8e-1111-4222-8333-444455556666'
    for networks, message in (
            ([{'uuid': missing}], 'Network %s could not be found.' % missing),
            ([{'uuid': theirs['id']}], 'Network %s could not be found.' % theirs['id']),
            ([{'port': missing}], 'Port %s could not be found.' % missing),
            ([{'port': their_port['id']}], 'Port %s could not be found.' % their_port['id'])):
        answer = boot(running, networks=networks, status=400).json
        assert answer['badRequest']['message'] == message
    assert leftovers(running) == (0, 0, 0, 0)
    assert set(_ports(running)) == {their_port['id']}


def test_auto_takes_the_one_visible_network(running):  # noqa: F811
    CONF.set_override('auto_allocate_subnet_pool', '', group='network')
    message = boot(running, networks='auto', status=400).json['badRequest']['message']
    assert message == 'Unable to automatically allocate a network for project demo'
    _net(running, name='only')
    uuid = boot(running, networks='auto').json['server']['id']
    assert list(wait_status(running, uuid, 'ACTIVE')['addresses']) == ['only']
    _net(running, name='second', cidr='10.43.0.0/24')
    boot(running, networks='auto', status=409)
    _delete_and_wait(running, uuid)


def test_no_valid_host_leaves_no_port(running):  # noqa: F811
    network = _net(running)
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 4096, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    uuid = boot(running, flavor='huge', networks=[{'uuid': network['id']}]).json['server']['id']
    assert wait_status(running, uuid, 'ERROR')['addresses'] == {}
    assert _ports(running) == {}
    running.delete('/v2.1/servers/%s' % uuid, token='demo:demo', status=204)
    assert leftovers(running) == (0, 0, 0, 0)


def test_port_allocation_failure_buries_the_server_and_keeps_nothing(running):  # noqa: F811
    network = helpers.network(running, name='tiny')
    helpers.subnet(running, network['id'], cidr='10.44.0.0/30')
    first = boot(running, networks=[{'uuid': network['id']}]).json['server']['id']
    wait_status(running, first, 'ACTIVE')
    second = boot(running, networks=[{'uuid': network['id']}]).json['server']['id']
    server = wait_status(running, second, 'ERROR')
    assert 'Failed to allocate the network(s)' in server['fault']['message']
    assert [device for device, _owner, _host in _ports(running).values()] == [first]
    assert not ledger.allocations_for(nova_context.get_admin_context(), second)
    _delete_and_wait(running, second)
    _delete_and_wait(running, first)
    assert _ports(running) == {}


def test_reschedule_keeps_the_one_port_and_rebind_moves_its_binding(running):  # noqa: F811
    """A reschedule (here between nodes of one host) keeps the server's one
    port; rebind moves its binding to the host given."""
    CONF.set_override('fail_spawn_on_nodes', NODES[:2], group='fake_driver')
    network = _net(running)
    uuid = boot(running, networks=[{'uuid': network['id']}]).json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] == NODES[2]
    [port_id] = _ports(running)
    network_api.rebind(nova_context.get_admin_context(), uuid, 'other-host')
    assert _ports(running) == {port_id: (uuid, 'compute:nova', 'other-host')}
    _delete_and_wait(running, uuid)
    assert _ports(running) == {}
