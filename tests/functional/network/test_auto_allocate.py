"""Get-me-a-network ("networks": "auto"): a network with a subnet from
[network] auto_allocate_subnet_pool made once per project (also when
creates race), reused afterwards; 409 when the project sees several
networks. Before 2.37 a create without networks takes the one network
the project sees, none when it sees none, and 409 when it sees several."""
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db import engines
from nova_common.network import auto_allocate
from nova_network.db import models
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.network import helpers
from tests.functional.network import test_ipam_concurrency
from tests.functional.network.test_ipam_concurrency import ctx  # noqa: F401 - fixture
from tests.functional.network.test_ipam_concurrency import mariadb_ctx  # noqa: F401
from tests.functional.network.test_ipam_concurrency import sqlite_ctx  # noqa: F401

DEMO = 'demo:demo'


def _create(cloud, version, status=202, token=DEMO, **extra):
    server = dict({'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small'}, **extra)
    return cloud.post('/v2.1/servers', {'server': server}, token=token, version=version,
                      status=status)


def _networks(cloud, token=DEMO):
    return helpers.call(cloud, 'GET', '/networks', token=token, status=200).json['networks']


def _requested(cloud, uuid):
    return build_requests.get(nova_context.get_admin_context(), uuid)['instance']['networks']


def test_auto_makes_the_projects_network_once(cloud):
    add_flavor_and_image(cloud)
    first = _create(cloud, '2.37', networks='auto').json['server']['id']
    [network] = _networks(cloud)
    assert (network['name'], network['project_id']) == ('auto_allocated_network', 'demo')
    [subnet] = helpers.call(cloud, 'GET', '/subnets', status=200).json['subnets']
    assert (subnet['cidr'], subnet['gateway_ip']) == ('10.128.0.0/24', '10.128.0.1')
    assert _requested(cloud, first) == [{'network_id': network['id']}]
    second = _create(cloud, '2.37', networks='auto').json['server']['id']
    assert _requested(cloud, second) == [{'network_id': network['id']}]
    assert len(_networks(cloud)) == 1
    # Another project gets its own network, from the next subnet of the pool.
    _create(cloud, '2.37', token='eve:other', networks='auto')
    [theirs] = _networks(cloud, token='eve:other')
    assert theirs['id'] != network['id']
    [their_subnet] = helpers.call(cloud, 'GET', '/subnets', token='eve:other',
                                  status=200).json['subnets']
    assert their_subnet['cidr'] == '10.128.1.0/24'
    # A second network the project sees makes "auto" ambiguous.
    helpers.network(cloud, name='mine')
    message = _create(cloud, '2.37', networks='auto',
                      status=409).json['conflictingRequest']['message']
    assert message == 'Multiple possible networks found, use a Network ID to be more specific.'


def test_racing_autos_make_one_network(ctx):  # noqa: F811 - SQLite and MariaDB
    def auto(_index):
        context = nova_context.RequestContext(user_id='demo', project_id='demo')
        return auto_allocate.network_for(context, 'demo')

    results, errors = test_ipam_concurrency._concurrently(6, auto)
    assert errors == {} and len(set(results.values())) == 1
    with engines.api_reader(ctx) as session:
        assert session.query(models.Network).count() == 1
        assert session.query(models.Subnet).count() == 1
        assert session.query(models.AutoAllocatedTopology).count() == 1


def test_an_exhausted_pool_or_quota_is_400_and_leaves_nothing(cloud):
    add_flavor_and_image(cloud)
    CONF.set_override('auto_allocate_subnet_pool', '10.128.0.0/24', group='network')
    _create(cloud, '2.37', networks='auto')
    message = _create(cloud, '2.37', token='eve:other', networks='auto',
                      status=400).json['badRequest']['message']
    assert message == 'Unable to automatically allocate a network for project other'
    assert _networks(cloud, token='eve:other') == []
    cloud.put('/network/v2.0/quotas/third', {'quota': {'network': 0}}, status=200)
    _create(cloud, '2.37', token='third:third', networks='auto', status=400)
    assert _networks(cloud, token='third:third') == []
    # The project's network deleted, the next auto makes another.
    [network] = _networks(cloud)
    helpers.call(cloud, 'DELETE', '/networks/%s' % network['id'], status=204)
    uuid = _create(cloud, '2.37', networks='auto').json['server']['id']
    [again] = _networks(cloud)
    assert again['id'] != network['id']
    assert _requested(cloud, uuid) == [{'network_id': again['id']}]


def test_before_2_37_no_networks_takes_the_one_network(cloud):
    add_flavor_and_image(cloud)
    uuid = _create(cloud, '2.36').json['server']['id']
    assert _requested(cloud, uuid) == 'none'
    assert _networks(cloud) == []
    network = helpers.network(cloud, name='only')
    uuid = _create(cloud, '2.36').json['server']['id']
    assert _requested(cloud, uuid) == [{'network_id': network['id']}]
    helpers.network(cloud, name='second')
    _create(cloud, '2.36', status=409)
    _create(cloud, '2.37', status=400)
