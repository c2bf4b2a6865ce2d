"""/v2.0/ports over HTTP: addresses, MACs, bindings, security groups,
ownership, and the faults of bad requests (nothing half-created)."""
from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault


def _net_with_subnet(cloud, token='demo:demo', **network_attributes):
    net = helpers.network(cloud, token=token, **network_attributes)
    return net, helpers.subnet(cloud, net['id'], token=token)


def _port_count(cloud):
    return len(call(cloud, 'GET', '/ports', token='admin:admin').json['ports'])


def test_port_lifecycle(cloud):
    net, sub = _net_with_subnet(cloud)
    created = helpers.port(cloud, net['id'], name='p1', device_id='vm-1',
                           device_owner='compute:nova')
    assert created['fixed_ips'] == [{'subnet_id': sub['id'], 'ip_address': '10.42.0.2'}]
    assert helpers.MAC.match(created['mac_address'])
    assert created['status'] == 'DOWN' and created['admin_state_up'] is True
    assert (created['device_id'], created['device_owner']) == ('vm-1', 'compute:nova')
    assert len(created['security_groups']) == 1
    assert 'binding:host_id' not in created  # only admins see the binding
    second = helpers.port(cloud, net['id'])
    assert second['fixed_ips'][0]['ip_address'] == '10.42.0.3'
    assert second['mac_address'] != created['mac_address']
    assert second['security_groups'] == created['security_groups']
    path = '/ports/' + created['id']
    assert call(cloud, 'GET', path, status=200).json['port'] == created
    by_device = call(cloud, 'GET', '/ports?device_id=vm-1', status=200).json['ports']
    assert [port['id'] for port in by_device] == [created['id']]
    by_ip = call(cloud, 'GET', '/ports?fixed_ips=ip_address%3D10.42.0.3').json['ports']
    assert [port['id'] for port in by_ip] == [second['id']]
    updated = call(cloud, 'PUT', path, {'port': {'device_id': '', 'device_owner': '',
                                                 'name': 'renamed'}},
                   status=200).json['port']
    assert (updated['device_id'], updated['name']) == ('', 'renamed')
    call(cloud, 'DELETE', path, status=204)
    fault(call(cloud, 'GET', path), 404, 'PortNotFound')
    # Its address is free again.
    assert helpers.port(cloud, net['id'])['fixed_ips'][0]['ip_address'] == '10.42.0.2'


def test_chosen_addresses_and_their_faults(cloud):
    net, sub = _net_with_subnet(cloud)
    chosen = helpers.port(cloud, net['id'], fixed_ips=[{'ip_address': '10.42.0.77'}])
    assert chosen['fixed_ips'] == [{'subnet_id': sub['id'], 'ip_address': '10.42.0.77'}]
    by_subnet = helpers.port(cloud, net['id'], fixed_ips=[{'subnet_id': sub['id']}])
    assert by_subnet['fixed_ips'][0]['ip_address'] == '10.42.0.2'
    before = _port_count(cloud)

    def refused(fixed_ips, status, fault_type):
        body = {'port': {'network_id': net['id'], 'fixed_ips': fixed_ips}}
        return fault(call(cloud, 'POST', '/ports', body), status, fault_type)

    assert '10.42.0.77' in refused([{'ip_address': '10.42.0.77'}], 409,
                                   'IpAddressAlreadyAllocated')
    refused([{'ip_address': '10.42.0.1'}], 409, 'IpAddressAlreadyAllocated')  # the gateway
    refused([{'ip_address': '10.99.0.5'}], 400, 'InvalidIpForNetwork')
    refused([{'subnet_id': sub['id'], 'ip_address': '10.99.0.5'}], 400, 'InvalidIpForSubnet')
    refused([{'ip_address': '10.42.0.255'}], 400, 'InvalidIpForSubnet')  # broadcast
    refused([{'ip_address': 'x'}], 400, 'HTTPBadRequest')
    refused([{'subnet_id': 'no-such'}], 400, 'InvalidInput')
    refused([{'ip_address': '10.42.0.50'}, {'ip_address': '10.42.0.50'}], 409,
            'IpAddressAlreadyAllocated')
    assert _port_count(cloud) == before
    none = helpers.port(cloud, net['id'], fixed_ips=[])
    assert none['fixed_ips'] == []


def test_addresses_run_out(cloud):
    net = helpers.network(cloud)
    helpers.subnet(cloud, net['id'], '10.5.0.0/30')  # one usable address besides the gateway
    helpers.port(cloud, net['id'])
    fault(call(cloud, 'POST', '/ports', {'port': {'network_id': net['id']}}), 409,
          'IpAddressGenerationFailure')


def test_one_address_per_ip_version(cloud):
    net, v4 = _net_with_subnet(cloud)
    v6 = helpers.subnet(cloud, net['id'], 'fd00:1::/64')
    port = helpers.port(cloud, net['id'])
    assert port['fixed_ips'] == [{'subnet_id': v4['id'], 'ip_address': '10.42.0.2'},
                                 {'subnet_id': v6['id'], 'ip_address': 'fd00:1::2'}]


def test_mac_address_clash(cloud):
    net, _sub = _net_with_subnet(cloud)
    first = helpers.port(cloud, net['id'], mac_address='FA:16:3E:00:00:01')
    assert first['mac_address'] == 'fa:16:3e:00:00:01'
    before = _port_count(cloud)
    body = {'port': {'network_id': net['id'], 'mac_address': 'fa:16:3e:00:00:01'}}
    fault(call(cloud, 'POST', '/ports', body), 409, 'MacAddressInUse')
    body['port']['mac_address'] = '01:00:5e:00:00:01'  # multicast
    fault(call(cloud, 'POST', '/ports', body), 400, 'HTTPBadRequest')
    assert _port_count(cloud) == before
    # The same MAC on another network is fine.
    other, _sub = _net_with_subnet(cloud)
    helpers.port(cloud, other['id'], mac_address='fa:16:3e:00:00:01')


def test_network_with_ports_is_not_deleted(cloud):
    net, _sub = _net_with_subnet(cloud)
    port = helpers.port(cloud, net['id'])
    message = fault(call(cloud, 'DELETE', '/networks/' + net['id']), 409, 'NetworkInUse')
    assert net['id'] in message
    call(cloud, 'GET', '/networks/' + net['id'], status=200)
    call(cloud, 'DELETE', '/ports/' + port['id'], status=204)
    call(cloud, 'DELETE', '/networks/' + net['id'], status=204)
    assert call(cloud, 'GET', '/subnets', token='admin:admin').json['subnets'] == []


def test_binding_is_for_admins(cloud):
    net, _sub = _net_with_subnet(cloud)
    body = {'port': {'network_id': net['id'], 'binding:host_id': 'compute-1'}}
    message = fault(call(cloud, 'POST', '/ports', body), 403, 'PolicyNotAuthorized')
    assert 'create_port:binding:host_id' in message
    bound = call(cloud, 'POST', '/ports', dict(body, port=dict(body['port'], project_id='demo')),
                 token='admin:admin', status=201).json['port']
    assert bound['binding:host_id'] == 'compute-1' and bound['binding:vif_type'] == 'bridge'
    assert bound['project_id'] == 'demo'
    seen_by_owner = call(cloud, 'GET', '/ports/' + bound['id'], status=200).json['port']
    assert 'binding:host_id' not in seen_by_owner
    fault(call(cloud, 'PUT', '/ports/' + bound['id'], {'port': {'binding:host_id': 'x'}}),
          403, 'PolicyNotAuthorized')
    unbound = call(cloud, 'PUT', '/ports/' + bound['id'], {'port': {'binding:host_id': ''}},
                   token='admin:admin', status=200).json['port']
    assert unbound['binding:vif_type'] == 'unbound'


def test_ports_of_other_projects(cloud):
    net, _sub = _net_with_subnet(cloud)
    mine = helpers.port(cloud, net['id'])
    fault(call(cloud, 'GET', '/ports/' + mine['id'], token='other:other'), 404, 'PortNotFound')
    fault(call(cloud, 'DELETE', '/ports/' + mine['id'], token='other:other'), 404,
          'PortNotFound')
    fault(call(cloud, 'PUT', '/ports/' + mine['id'], {'port': {'name': 'x'}},
               token='other:other'), 404, 'PortNotFound')
    assert call(cloud, 'GET', '/ports', token='other:other').json['ports'] == []
    # Another project's private network: not found.
    fault(call(cloud, 'POST', '/ports', {'port': {'network_id': net['id']}},
               token='other:other'), 404, 'NetworkNotFound')


def test_ports_on_a_shared_network(cloud):
    shared, sub = _net_with_subnet(cloud, token='admin:admin', shared=True)
    theirs = helpers.port(cloud, shared['id'], token='other:other')
    assert theirs['project_id'] == 'other' and theirs['fixed_ips']
    helpers.port(cloud, shared['id'], fixed_ips=[{'subnet_id': sub['id']}])
    # Choosing the address is for the network's owner.
    body = {'port': {'network_id': shared['id'], 'fixed_ips': [{'ip_address': '10.42.0.99'}]}}
    fault(call(cloud, 'POST', '/ports', body), 403, 'PolicyNotAuthorized')
    # The owner of the network sees every port on it; others only theirs.
    assert len(call(cloud, 'GET', '/ports', token='admin:admin').json['ports']) == 2
    assert helpers.ids(call(cloud, 'GET', '/ports', token='other:other'), 'ports') == [
        theirs['id']]


def test_port_update_readdresses(cloud):
    net, sub = _net_with_subnet(cloud)
    port = helpers.port(cloud, net['id'])
    path = '/ports/' + port['id']
    moved = call(cloud, 'PUT', path, {'port': {'fixed_ips': [{'ip_address': '10.42.0.40'}]}},
                 status=200).json['port']
    assert moved['fixed_ips'] == [{'subnet_id': sub['id'], 'ip_address': '10.42.0.40'}]
    kept = call(cloud, 'PUT', path, {'port': {'fixed_ips': [{'subnet_id': sub['id']}]}},
                status=200).json['port']
    assert kept['fixed_ips'] == moved['fixed_ips']
    other = helpers.port(cloud, net['id'])
    fault(call(cloud, 'PUT', '/ports/' + other['id'],
               {'port': {'fixed_ips': [{'ip_address': '10.42.0.40'}]}}), 409,
          'IpAddressAlreadyAllocated')
    assert call(cloud, 'GET', '/ports/' + other['id']).json['port']['fixed_ips'] == \
        other['fixed_ips']


def test_null_strings_and_missing_attributes(cloud):
    net, _sub = _net_with_subnet(cloud)
    port = helpers.port(cloud, net['id'], device_id=None, device_owner=None)
    assert (port['device_id'], port['device_owner']) == ('', '')
    message = fault(call(cloud, 'POST', '/ports', {'port': {'name': 'x'}}), 400,
                    'HTTPBadRequest')
    assert message == "Failed to parse request. Required attribute 'network_id' not specified"
    fault(call(cloud, 'POST', '/ports', {'port': {'network_id': 'no-such'}}), 404,
          'NetworkNotFound')
