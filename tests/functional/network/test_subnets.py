"""/v2.0/subnets over HTTP: defaults, IPv4 and IPv6, validation, overlap."""
import pytest

from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault


def test_ipv4_defaults(cloud):
    net = helpers.network(cloud)
    created = helpers.subnet(cloud, net['id'], name='sub1')
    assert created['gateway_ip'] == '10.42.0.1'
    assert created['allocation_pools'] == [{'start': '10.42.0.2', 'end': '10.42.0.254'}]
    assert created['enable_dhcp'] is True and created['dns_nameservers'] == []
    assert created['host_routes'] == [] and created['ip_version'] == 4
    assert created['project_id'] == 'demo' and created['subnetpool_id'] is None
    shown = call(cloud, 'GET', '/subnets/' + created['id'], status=200).json['subnet']
    assert shown == created
    network = call(cloud, 'GET', '/networks/' + net['id'], status=200).json['network']
    assert network['subnets'] == [created['id']]


def test_ipv6_and_explicit_attributes(cloud):
    net = helpers.network(cloud)
    v6 = helpers.subnet(cloud, net['id'], 'fd00:42::/64', ipv6_address_mode='dhcpv6-stateful',
                        ipv6_ra_mode='dhcpv6-stateful')
    assert v6['gateway_ip'] == 'fd00:42::1' and v6['ip_version'] == 6
    assert v6['allocation_pools'] == [{'start': 'fd00:42::2',
                                       'end': 'fd00:42::ffff:ffff:ffff:ffff'}]
    v4 = helpers.subnet(cloud, net['id'], '192.168.5.0/24', gateway_ip=None, enable_dhcp=False,
                        dns_nameservers=['192.0.2.53', '192.0.2.54'],
                        host_routes=[{'destination': '10.0.0.0/8', 'nexthop': '192.168.5.254'}],
                        allocation_pools=[{'start': '192.168.5.10', 'end': '192.168.5.20'}])
    assert v4['gateway_ip'] is None and v4['enable_dhcp'] is False
    assert v4['dns_nameservers'] == ['192.0.2.53', '192.0.2.54']
    assert v4['allocation_pools'] == [{'start': '192.168.5.10', 'end': '192.168.5.20'}]
    middle = helpers.subnet(cloud, helpers.network(cloud)['id'], '10.9.0.0/29',
                            gateway_ip='10.9.0.3')
    assert middle['allocation_pools'] == [{'start': '10.9.0.1', 'end': '10.9.0.2'},
                                          {'start': '10.9.0.4', 'end': '10.9.0.6'}]
    listed = call(cloud, 'GET', '/subnets?ip_version=6', status=200).json['subnets']
    assert [subnet['id'] for subnet in listed] == [v6['id']]
    updated = call(cloud, 'PUT', '/subnets/' + v4['id'],
                   {'subnet': {'name': 'renamed', 'dns_nameservers': []}},
                   status=200).json['subnet']
    assert updated['name'] == 'renamed' and updated['dns_nameservers'] == []


@pytest.mark.parametrize('attributes, fault_type', [
    ({'cidr': '10.0.0.1/24'}, 'HTTPBadRequest'),
    ({'cidr': 'nonsense'}, 'HTTPBadRequest'),
    ({'cidr': 'fd00::/64', 'ip_version': 4}, 'InvalidInput'),
    ({'ip_version': 5}, 'HTTPBadRequest'),
    ({'gateway_ip': '10.1.0.1'}, 'InvalidInput'),
    ({'gateway_ip': '10.42.0.5',
      'allocation_pools': [{'start': '10.42.0.2', 'end': '10.42.0.9'}]},
     'GatewayConflictWithAllocationPools'),
    ({'allocation_pools': [{'start': '10.42.0.2', 'end': '10.42.1.9'}]},
     'InvalidAllocationPool'),
    ({'allocation_pools': [{'start': '10.42.0.2', 'end': '10.42.0.9'},
                           {'start': '10.42.0.5', 'end': '10.42.0.20'}]},
     'OverlappingAllocationPools'),
    ({'dns_nameservers': ['192.0.2.1', '192.0.2.1']}, 'HTTPBadRequest'),
    ({'dns_nameservers': ['not-an-ip']}, 'HTTPBadRequest'),
    ({'dns_nameservers': ['192.0.2.%d' % i for i in range(6)]}, 'HTTPBadRequest'),
    ({'ipv6_ra_mode': 'slaac'}, 'InvalidInput'),
])
def test_bad_subnets_are_refused(cloud, attributes, fault_type):
    net = helpers.network(cloud)
    body = {'subnet': dict({'network_id': net['id'], 'cidr': '10.42.0.0/24', 'ip_version': 4},
                           **attributes)}
    fault(call(cloud, 'POST', '/subnets', body), 400, fault_type)
    assert call(cloud, 'GET', '/subnets', token='admin:admin').json['subnets'] == []


def test_overlapping_subnets_on_one_network_are_refused(cloud):
    net = helpers.network(cloud)
    helpers.subnet(cloud, net['id'], '10.42.0.0/24')
    body = {'subnet': {'network_id': net['id'], 'cidr': '10.42.0.128/25', 'ip_version': 4}}
    message = fault(call(cloud, 'POST', '/subnets', body), 400, 'InvalidInput')
    assert 'overlaps with another subnet' in message
    # The same range on another network is fine.
    helpers.subnet(cloud, helpers.network(cloud)['id'], '10.42.0.0/24')


def test_subnet_of_unknown_or_foreign_network(cloud):
    body = {'subnet': {'network_id': 'no-such', 'cidr': '10.0.0.0/24', 'ip_version': 4}}
    fault(call(cloud, 'POST', '/subnets', body), 404, 'NetworkNotFound')
    theirs = helpers.network(cloud, token='other:other')
    body['subnet']['network_id'] = theirs['id']
    fault(call(cloud, 'POST', '/subnets', body), 404, 'NetworkNotFound')
    shared = helpers.network(cloud, token='admin:admin', shared=True)
    body['subnet']['network_id'] = shared['id']
    fault(call(cloud, 'POST', '/subnets', body), 403, 'PolicyNotAuthorized')
    on_shared = helpers.subnet(cloud, shared['id'], token='admin:admin')
    call(cloud, 'GET', '/subnets/' + on_shared['id'], status=200)
    fault(call(cloud, 'GET', '/subnets/' + helpers.subnet(
        cloud, theirs['id'], token='other:other')['id']), 404, 'SubnetNotFound')


def test_subnet_in_use_is_not_deleted(cloud):
    net = helpers.network(cloud)
    sub = helpers.subnet(cloud, net['id'])
    port = helpers.port(cloud, net['id'])
    fault(call(cloud, 'DELETE', '/subnets/' + sub['id']), 409, 'SubnetInUse')
    call(cloud, 'DELETE', '/ports/' + port['id'], status=204)
    call(cloud, 'DELETE', '/subnets/' + sub['id'], status=204)
    fault(call(cloud, 'GET', '/subnets/' + sub['id']), 404, 'SubnetNotFound')
