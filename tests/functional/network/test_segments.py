"""Network segments: allocation from the [network] ranges, Neutron's
provider extension (admins only, validated, 409 for a segment in use, 503
when no segment is free), and the segment in what a host is told."""
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.network import model
from nova_network import app as network_app
from nova_network.db import ports as ports_db
from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault

ADMIN = 'admin:admin'
PROVIDER = ('provider:network_type', 'provider:physical_network', 'provider:segmentation_id')


@pytest.fixture
def ranges():
    CONF.set_override('vni_ranges', ['100:102'], group='network')
    CONF.set_override('network_vlan_ranges', ['physnet1:100:101', 'physnet2'],
                      group='network')
    CONF.set_override('flat_networks', ['physnet1', 'physnet3'], group='network')


def _as_admin(cloud, network_id):
    return call(cloud, 'GET', '/networks/' + network_id, token=ADMIN, status=200).json['network']


def _provider(network):
    return tuple(network[name] for name in PROVIDER)


def _admin_network(cloud, **provider):
    body = {'network': dict({'name': 'provider'}, **{
        'provider:' + name: value for name, value in provider.items()})}
    return call(cloud, 'POST', '/networks', body, token=ADMIN)


def test_tenant_networks_get_free_vnis_until_none_is_left(cloud, ranges):
    created = [helpers.network(cloud, name='net%d' % index) for index in range(3)]
    assert sorted(_as_admin(cloud, network['id'])['provider:segmentation_id']
                  for network in created) == [100, 101, 102]
    assert {_provider(_as_admin(cloud, network['id']))[:2] for network in created} == {
        ('vxlan', None)}
    message = fault(call(cloud, 'POST', '/networks', {'network': {'name': 'net3'}}),
                    503, 'NoNetworkAvailable')
    assert message == ('Unable to create the network. No tenant network is available for '
                       'allocation.')
    # Nothing half-made: the refused network is not there.
    assert len(call(cloud, 'GET', '/networks', status=200).json['networks']) == 3
    freed = _as_admin(cloud, created[1]['id'])['provider:segmentation_id']
    call(cloud, 'DELETE', '/networks/' + created[1]['id'], status=204)
    again = helpers.network(cloud, name='net4')
    assert _as_admin(cloud, again['id'])['provider:segmentation_id'] == freed


def test_tenant_network_types_fall_back_in_order(cloud, ranges):
    CONF.set_override('tenant_network_types', ['vlan', 'vxlan'], group='network')
    made = [_provider(_as_admin(cloud, helpers.network(cloud)['id'])) for _ in range(3)]
    assert made == [('vlan', 'physnet1', 100), ('vlan', 'physnet1', 101),
                    ('vxlan', None, 100)]


def test_non_admins_neither_see_nor_set_provider_attributes(cloud, ranges):
    network = helpers.network(cloud, name='mine')
    assert not set(PROVIDER) & set(network)
    shown = call(cloud, 'GET', '/networks/' + network['id'], status=200).json['network']
    assert not set(PROVIDER) & set(shown)
    listed = call(cloud, 'GET', '/networks', status=200).json['networks']
    assert listed and not any(set(PROVIDER) & set(item) for item in listed)
    asked = call(cloud, 'GET', '/networks/%s?fields=provider:segmentation_id&fields=id'
                 % network['id'], status=200).json['network']
    assert asked == {'id': network['id']}
    for name, value in (('network_type', 'vxlan'), ('physical_network', 'physnet1'),
                        ('segmentation_id', 101)):
        body = {'network': {'name': 'n', 'provider:' + name: value}}
        message = fault(call(cloud, 'POST', '/networks', body), 403, 'PolicyNotAuthorized')
        assert message == '(rule:create_network:provider:%s) is disallowed by policy' % name
    fault(call(cloud, 'PUT', '/networks/' + network['id'],
               {'network': {'provider:segmentation_id': 102}}), 403, 'PolicyNotAuthorized')
    # Filtering by what one may not see is refused, not a way to find out.
    fault(call(cloud, 'GET', '/networks?provider:segmentation_id=100'), 400, 'HTTPBadRequest')
    # An admin sees them, filters by them and lists them among the extensions.
    assert _provider(_as_admin(cloud, network['id'])) == ('vxlan', None, 100)
    found = call(cloud, 'GET', '/networks?provider:network_type=vxlan'
                 '&provider:segmentation_id=100', token=ADMIN, status=200)
    assert helpers.ids(found, 'networks') == [network['id']]
    assert call(cloud, 'GET', '/networks?provider:network_type=vlan', token=ADMIN,
                status=200).json['networks'] == []
    extension = call(cloud, 'GET', '/extensions/provider', status=200).json['extension']
    assert extension['name'] == 'Provider Network'


def test_admins_choose_segments_and_one_in_use_is_a_conflict(cloud, ranges):
    vlan = _admin_network(cloud, network_type='vlan', physical_network='physnet1',
                          segmentation_id=150)
    assert vlan.status_int == 201, vlan.text
    assert _provider(vlan.json['network']) == ('vlan', 'physnet1', 150)
    cases = [
        ({'network_type': 'vlan', 'physical_network': 'physnet1', 'segmentation_id': 150},
         'VlanIdInUse', 'Unable to create the network. The VLAN 150 on physical network '
                        'physnet1 is in use.'),
        ({'network_type': 'flat', 'physical_network': 'physnet1'}, None, None),
        ({'network_type': 'flat', 'physical_network': 'physnet1'},
         'FlatNetworkInUse', 'Unable to create the flat network. Physical network physnet1 '
                             'is in use.'),
        ({'network_type': 'vxlan', 'segmentation_id': 5000}, None, None),
        ({'network_type': 'vxlan', 'segmentation_id': 5000},
         'TunnelIdInUse', 'Unable to create the network. The tunnel ID 5000 is in use.'),
    ]
    for provider, fault_type, message in cases:
        response = _admin_network(cloud, **provider)
        if fault_type is None:
            assert response.status_int == 201, response.text
            shown = response.json['network']
            assert shown['provider:network_type'] == provider['network_type']
            assert shown['provider:segmentation_id'] == provider.get('segmentation_id')
        else:
            assert fault(response, 409, fault_type) == message
    # The same VLAN id on another physical network is another segment.
    other = _admin_network(cloud, network_type='vlan', physical_network='physnet2',
                           segmentation_id=150)
    assert _provider(other.json['network']) == ('vlan', 'physnet2', 150)
    # Partial: allocated from the ranges (of any physical network when none is named).
    partial = _admin_network(cloud, network_type='vlan')
    assert _provider(partial.json['network']) == ('vlan', 'physnet1', 100)
    partial = _admin_network(cloud, network_type='vxlan')
    assert _provider(partial.json['network']) == ('vxlan', None, 100)
    # physnet2 has no tenant range: nothing to allocate from.
    fault(_admin_network(cloud, network_type='vlan', physical_network='physnet2'), 503,
          'NoNetworkAvailable')


@pytest.mark.parametrize('provider, message', [
    ({'network_type': 'gre'}, "network_type value 'gre' not supported"),
    ({'physical_network': 'physnet1'}, 'network_type required'),
    ({'network_type': 'vlan', 'physical_network': 'physnet1', 'segmentation_id': 4095},
     'segmentation_id out of range (1 through 4094)'),
    ({'network_type': 'vlan', 'physical_network': 'physnet1', 'segmentation_id': 0},
     'segmentation_id out of range (1 through 4094)'),
    ({'network_type': 'vlan', 'physical_network': 'physnet9', 'segmentation_id': 10},
     "physical_network 'physnet9' unknown for VLAN provider network"),
    ({'network_type': 'vlan', 'segmentation_id': 10},
     'segmentation_id requires physical_network for VLAN provider network'),
    ({'network_type': 'flat'}, 'physical_network required for flat provider network'),
    ({'network_type': 'flat', 'physical_network': 'physnet2'},
     "physical_network 'physnet2' unknown for flat provider network"),
    ({'network_type': 'flat', 'physical_network': 'physnet1', 'segmentation_id': 3},
     'provider:segmentation_id prohibited for flat provider network'),
    ({'network_type': 'vxlan', 'physical_network': 'physnet1'},
     'provider:physical_network specified for vxlan network'),
    ({'network_type': 'vxlan', 'segmentation_id': 2 ** 24},
     'segmentation_id out of range (1 through 16777215)'),
])
def test_bad_provider_attributes_are_refused(cloud, ranges, provider, message):
    response = _admin_network(cloud, **provider)
    assert fault(response, 400, 'InvalidInput') == 'Invalid input for operation: %s.' % message
    assert call(cloud, 'GET', '/networks', token=ADMIN, status=200).json['networks'] == []


def test_segmentation_id_may_be_text_as_the_cli_sends_it(cloud, ranges):
    network = _admin_network(cloud, network_type='vlan', physical_network='physnet1',
                             segmentation_id='160')
    assert network.status_int == 201, network.text
    assert network.json['network']['provider:segmentation_id'] == 160
    for value in ('abc', '1.5', True):
        message = fault(_admin_network(cloud, network_type='vlan',
                                       physical_network='physnet1', segmentation_id=value),
                        400, 'HTTPBadRequest')
        assert message.startswith('Invalid input for provider:segmentation_id. Reason: ')


def test_a_segment_stays_what_it_was_created_with(cloud, ranges):
    network = _admin_network(cloud, network_type='vlan', physical_network='physnet1',
                             segmentation_id=120).json['network']
    path = '/networks/' + network['id']
    same = call(cloud, 'PUT', path, {'network': {'provider:segmentation_id': 120,
                                                 'name': 'renamed'}},
                token=ADMIN, status=200).json['network']
    assert (same['name'], same['provider:segmentation_id']) == ('renamed', 120)
    message = fault(call(cloud, 'PUT', path, {'network': {'provider:segmentation_id': 121}},
                         token=ADMIN), 400, 'InvalidInput')
    assert message == ('Invalid input for operation: Plugin does not support updating '
                       'provider attributes.')
    # Deleting the network frees its segment.
    call(cloud, 'DELETE', path, token=ADMIN, status=204)
    again = _admin_network(cloud, network_type='vlan', physical_network='physnet1',
                           segmentation_id=120)
    assert again.status_int == 201, again.text


def test_a_host_is_told_the_stored_segment(cloud, ranges):
    context = nova_context.get_admin_context()
    vlan = _admin_network(cloud, network_type='vlan', physical_network='physnet1',
                          segmentation_id=130).json['network']
    flat = _admin_network(cloud, network_type='flat', physical_network='physnet3').json[
        'network']
    tenant = helpers.network(cloud)
    instance = '5b1b2c3d-8a6d-4b2e-9c1f-0a1b2c3d4e5f'
    for network in (vlan, flat, tenant):
        ports_db.create(context, 'demo', {'network_id': network['id'], 'device_id': instance,
                                          'device_owner': 'compute:nova'})
    segments = {vif['network']['id']: vif['network']['segmentation']
                for vif in model.network_info(context, instance, 'host-a')}
    assert segments == {
        vlan['id']: {'type': 'vlan', 'id': 130, 'physical_network': 'physnet1'},
        flat['id']: {'type': 'flat', 'id': None, 'physical_network': 'physnet3'},
        tenant['id']: {'type': 'vxlan', 'id': 100},
    }


@pytest.mark.parametrize('option, value', [('vni_ranges', ['20:10']),
                                           ('network_vlan_ranges', ['physnet1:1:5000'])])
def test_a_range_that_cannot_be_used_stops_the_api_at_start(option, value):
    CONF.set_override(option, value, group='network')
    with pytest.raises(ValueError, match='range'):
        network_app.build()
