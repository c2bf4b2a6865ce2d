"""network_info: what a compute host is told about a server's ports
(nova_common/network/model.py, conductor RPC network_info), and the fake
driver's guest getting one NIC per port."""
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db import engines
from nova_common.network import model
from nova_conductor import network_info as conductor_network_info
from nova_network.db import models
from nova_network.db import networks as networks_db
from nova_network.db import ports as ports_db
from tests.functional.network import helpers
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.functional.test_power_actions import VERSION
from tests.functional.test_power_actions import wait_settled
from tests.functional.test_power_actions import DEMO

INSTANCE = '3f0e1a5c-8a6d-4b2e-9c1f-0a1b2c3d4e5f'
OTHER_INSTANCE = '4a1b2c3d-8a6d-4b2e-9c1f-0a1b2c3d4e5f'


def _dhcp_ports(network_id):
    with engines.api_reader(nova_context.get_admin_context()) as session:
        return [(row.device_id, row.binding_host_id) for row in session.query(models.Port)
                .filter_by(network_id=network_id, device_owner=model.DHCP_OWNER)]


def _server_port(network_id, device_id):
    return ports_db.create(nova_context.get_admin_context(), 'demo', {
        'network_id': network_id, 'device_id': device_id, 'device_owner': 'compute:nova'})


def test_network_info_of_a_server(cloud):
    network = helpers.network(cloud, name='net1')
    subnet = helpers.subnet(cloud, network['id'], cidr='10.42.0.0/24',
                            dns_nameservers=['10.0.0.53'])
    port = _server_port(network['id'], INSTANCE)
    neighbour = _server_port(network['id'], OTHER_INSTANCE)
    context = nova_context.get_admin_context()

    [vif] = model.network_info(context, INSTANCE, 'host-a')

    address = port['fixed_ips'][0]['ip_address']
    assert vif['id'] == port['id'] and vif['address'] == port['mac_address']
    assert vif['devname'] == 'tap' + port['id'][:11] and len(vif['devname']) == 14
    assert vif['hostname'] == 'host-' + address.replace('.', '-')
    assert vif['fixed_ips'] == [{'subnet_id': subnet['id'], 'ip_address': address}]
    assert vif['port_security_enabled'] is True
    net = vif['network']
    assert (net['id'], net['label'], net['bridge']) == (
        network['id'], 'net1', 'brq' + network['id'][:11])
    stored = helpers.call(cloud, 'GET', '/networks/' + network['id'], token='admin:admin',
                          status=200).json['network']
    assert net['segmentation'] == {'type': 'vxlan',
                                   'id': stored['provider:segmentation_id']}
    assert 1 <= net['segmentation']['id'] < 2 ** 24
    [sub] = net['subnets']
    assert (sub['cidr'], sub['gateway'], sub['dns'], sub['enable_dhcp']) == (
        '10.42.0.0/24', '10.42.0.1', ['10.0.0.53'], True)
    # The host's DHCP port: made once, bound to the host, its own address.
    assert _dhcp_ports(network['id']) == [('dhcp-host-a', 'host-a')]
    assert sub['dhcp_server'].startswith('10.42.0.')
    assert sub['dhcp_server'] not in (address, neighbour['fixed_ips'][0]['ip_address'],
                                      '10.42.0.1')
    again = model.network_info(context, INSTANCE, 'host-a')
    assert again[0]['network']['subnets'][0]['dhcp_server'] == sub['dhcp_server']
    assert len(_dhcp_ports(network['id'])) == 1
    # The default group: all egress, ingress from its members (both ports).
    [group] = vif['security_groups']
    assert sorted((rule['direction'], rule['ethertype'], rule['remote_group_id'])
                  for rule in group['rules']) == [
        ('egress', 'IPv4', None), ('egress', 'IPv6', None),
        ('ingress', 'IPv4', group['id']), ('ingress', 'IPv6', group['id'])]
    assert sorted(vif['remote_groups'][group['id']]) == sorted(
        [address, neighbour['fixed_ips'][0]['ip_address']])

    # Another host serving DHCP gets a DHCP port of its own; one that does
    # not (the fake driver's) gets none.
    other = model.network_info(context, INSTANCE, 'host-b')
    assert other[0]['network']['subnets'][0]['dhcp_server'] != sub['dhcp_server']
    quiet = model.network_info(context, INSTANCE, 'host-c', serves_dhcp=False)
    assert quiet[0]['network']['subnets'][0]['dhcp_server'] is None
    assert sorted(_dhcp_ports(network['id'])) == [('dhcp-host-a', 'host-a'),
                                                  ('dhcp-host-b', 'host-b')]

    # The DHCP ports go with the network once the servers' ports are gone.
    assert model.network_info(context, 'no-such-instance', 'host-a') == []
    ports_db.delete(context, port['id'])
    ports_db.delete(context, neighbour['id'])
    networks_db.delete(context, network['id'])
    assert _dhcp_ports(network['id']) == []


def test_a_conductor_without_the_api_database_tells_nothing(cloud):
    network = helpers.network(cloud, name='net1')
    helpers.subnet(cloud, network['id'])
    _server_port(network['id'], INSTANCE)
    CONF.set_override('connection', '', group='api_database')
    try:
        assert conductor_network_info.network_info(
            nova_context.get_admin_context(), INSTANCE, 'host-a') == []
    finally:
        CONF.clear_override('connection', group='api_database')
    assert _dhcp_ports(network['id']) == []


def test_fake_guest_gets_a_nic_per_port(running):  # noqa: F811
    network = helpers.network(running, name='net1')
    helpers.subnet(running, network['id'])
    server = {'name': 'vm', 'imageRef': running.image_id, 'flavorRef': 'small',
              'networks': [{'uuid': network['id']}]}
    uuid = running.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                        status=202).json['server']['id']
    wait_settled(running, uuid, 'ACTIVE')
    [port] = helpers.call(running, 'GET', '/ports?device_id=%s' % uuid).json['ports']
    guest = running.compute.manager.driver.guests[uuid]
    assert guest['interfaces'] == [(port['mac_address'], 'tap' + port['id'][:11],
                                    'brq' + network['id'][:11])]
    # The fake driver's host serves no DHCP: no DHCP port was made for it.
    assert _dhcp_ports(network['id']) == []
