"""/v2.0/quotas: defaults from [network] quota_*, per-project limits set by
admins, and 409 OverQuota when a create would go over (nothing created)."""
from nova_common.conf import CONF
from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault


def test_defaults_come_from_config(cloud):
    CONF.set_override('quota_port', 7, group='network')
    quota = call(cloud, 'GET', '/quotas/demo', status=200).json['quota']
    assert quota == {'network': 100, 'subnet': 100, 'port': 7, 'security_group': 10,
                     'security_group_rule': 100}
    assert call(cloud, 'GET', '/quotas/demo/default', status=200).json['quota'] == quota


def test_admins_set_limits_and_creates_are_refused_over_them(cloud):
    fault(call(cloud, 'PUT', '/quotas/demo', {'quota': {'network': 1}}), 403,
          'PolicyNotAuthorized')
    fault(call(cloud, 'GET', '/quotas/other'), 403, 'PolicyNotAuthorized')
    set_to = call(cloud, 'PUT', '/quotas/demo', {'quota': {'network': 1, 'port': 1}},
                  token='admin:admin', status=200).json['quota']
    assert (set_to['network'], set_to['port'], set_to['subnet']) == (1, 1, 100)
    net = helpers.network(cloud)
    message = fault(call(cloud, 'POST', '/networks', {'network': {'name': 'second'}}), 409,
                    'OverQuota')
    assert "['network']" in message
    helpers.subnet(cloud, net['id'])
    helpers.port(cloud, net['id'])
    fault(call(cloud, 'POST', '/ports', {'port': {'network_id': net['id']}}), 409, 'OverQuota')
    details = call(cloud, 'GET', '/quotas/demo/details', status=200).json['quota']
    assert details['network'] == {'limit': 1, 'used': 1, 'reserved': 0}
    assert details['port'] == {'limit': 1, 'used': 1, 'reserved': 0}
    listed = call(cloud, 'GET', '/quotas', token='admin:admin', status=200).json['quotas']
    assert [(quota['project_id'], quota['network']) for quota in listed] == [('demo', 1)]
    # Other projects keep the defaults.
    helpers.network(cloud, token='other:other')
    helpers.network(cloud, token='other:other')
    call(cloud, 'DELETE', '/quotas/demo', token='admin:admin', status=204)
    helpers.network(cloud)
    assert call(cloud, 'GET', '/quotas', token='admin:admin').json['quotas'] == []


def test_unlimited_and_bad_limits(cloud):
    call(cloud, 'PUT', '/quotas/demo', {'quota': {'security_group': -1}}, token='admin:admin',
         status=200)
    for index in range(12):
        call(cloud, 'POST', '/security-groups', {'security_group': {'name': 'g%d' % index}},
             status=201)
    for body in ({'quota': {'network': -2}}, {'quota': {'router': 1}},
                 {'quota': {'network': 'many'}}, {'quota': {}}):
        fault(call(cloud, 'PUT', '/quotas/demo', body, token='admin:admin'), 400,
              'HTTPBadRequest')
