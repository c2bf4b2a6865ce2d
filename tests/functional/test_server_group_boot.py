"""Servers in server groups, booted through the whole in-process stack
(API, conductor, scheduler, one fake compute per host): the ``group``
hint, membership, the server_group_members quota, 2.71's server_groups,
the hard policies under parallel creates and multi-instance requests, and
the soft ones."""
import collections
import concurrent.futures

import pytest

from nova_common.cmd import conductor as conductor_cmd
from nova_common.cmd import scheduler as scheduler_cmd
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db import engines
from nova_common.db.models import api as api_models
from nova_common import service
from nova_compute import manager as compute_manager
from nova_compute import rpcapi as compute_rpcapi
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.cloud_helpers import wait_for

VERSION = '2.71'
HOSTS = ['sg-host1', 'sg-host2', 'sg-host3']
DEMO = 'demo:demo'


def _compute(host):
    manager = compute_manager.ComputeManager(host)
    return service.Service('nova-compute', compute_rpcapi.TOPIC, manager,
                           service.ConductorReporter(manager.conductor_api), host=host)


@pytest.fixture
def running(cloud):
    """The cloud with one compute service (one fake node) per host."""
    CONF.set_override('report_interval', 1)
    CONF.set_override('nodes', 1, group='fake_driver')
    CONF.set_override('memory_mb', 4096, group='fake_driver')
    CONF.set_override('periodic_task_interval', 1, group='scheduler')
    for host in HOSTS:
        cells.map_host(cloud.admin_context, host, cloud.cell1['uuid'])
    daemons = [conductor_cmd.build_service(), scheduler_cmd.build_service()]
    daemons += [_compute(host) for host in HOSTS]
    try:
        for daemon in daemons:
            daemon.start()
        wait_for(lambda: len(cloud.get('/v2.1/os-hypervisors').json['hypervisors'])
                 == len(HOSTS), what='the fake nodes')
        add_flavor_and_image(cloud)
        yield cloud
    finally:
        for daemon in reversed(daemons):
            daemon.stop()


def group(cloud, policy='anti-affinity', token=DEMO, **rules):
    body = {'server_group': {'name': 'g', 'policy': policy}}
    if rules:
        body['server_group']['rules'] = rules
    return cloud.post('/v2.1/os-server-groups', body, token=token, version='2.64',
                      status=200).json['server_group']['id']


def boot(cloud, group_id, name='vm', status=202, token=DEMO, version=VERSION, **extra):
    server = {'name': name, 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    server.update(extra)
    body = {'server': server}
    if group_id is not None:
        body['OS-SCH-HNT:scheduler_hints'] = {'group': group_id}
    return cloud.post('/v2.1/servers', body, token=token, version=version, status=status)


def show(cloud, uuid, version=VERSION):
    return cloud.get('/v2.1/servers/%s' % uuid, version=version).json['server']


def wait_status(cloud, uuid, wanted):
    return wait_for(lambda: show(cloud, uuid)['status'] == wanted and show(cloud, uuid),
                    what='server %s to be %s' % (uuid, wanted))


def members(cloud, group_id):
    return cloud.get('/v2.1/os-server-groups/%s' % group_id,
                     token=DEMO).json['server_group']['members']


def host_of(server):
    return server['OS-EXT-SRV-ATTR:host']


def member_rows():
    with engines.api_reader(nova_context.get_admin_context()) as session:
        return session.query(api_models.InstanceGroupMember).count()


def test_parallel_anti_affinity_creates_never_share_a_host(running):
    group_id = group(running)
    with concurrent.futures.ThreadPoolExecutor(len(HOSTS)) as pool:
        responses = list(pool.map(lambda i: boot(running, group_id, name='p%d' % i),
                                  range(len(HOSTS))))
    uuids = [resp.json['server']['id'] for resp in responses]
    hosts = [host_of(wait_status(running, uuid, 'ACTIVE')) for uuid in uuids]
    assert sorted(hosts) == HOSTS
    assert sorted(members(running, group_id)) == sorted(uuids)

    extra = boot(running, group_id, name='one-too-many').json['server']['id']
    fault = wait_status(running, extra, 'ERROR')['fault']['message']
    assert fault.startswith('No valid host was found.')
    assert 'ServerGroupAntiAffinityFilter removed 3' in fault
    # A server in ERROR stays a member until it is deleted.
    assert extra in members(running, group_id)
    running.delete('/v2.1/servers/%s' % extra, token=DEMO, status=204)
    assert extra not in members(running, group_id)


def _listed_hosts(cloud, group_id):
    """{server uuid: host} of the group's members, once ACTIVE."""
    return {uuid: host_of(wait_status(cloud, uuid, 'ACTIVE'))
            for uuid in members(cloud, group_id)}


def test_hard_policies_over_multi_instance_requests(running):
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 20}}, status=200)
    # One request for as many anti-affinity servers as there are hosts.
    spread = group(running)
    boot(running, spread, name='spread', min_count=3, max_count=3)
    assert sorted(_listed_hosts(running, spread).values()) == HOSTS
    # max_server_per_host 2: two more per host.
    paired = group(running, max_server_per_host=2)
    boot(running, paired, name='paired', min_count=6, max_count=6)
    assert collections.Counter(_listed_hosts(running, paired).values()) == {
        host: 2 for host in HOSTS}
    # Affinity: the second request follows the first.
    together = group(running, policy='affinity')
    boot(running, together, name='first')
    boot(running, together, name='then', min_count=2, max_count=2)
    assert len(set(_listed_hosts(running, together).values())) == 1


@pytest.fixture
def soft_weighers(request):
    """The cloud weighing only free RAM and the soft policies, the soft
    policies twice as strong (a weigher's figures are normalised to 0..1)."""
    CONF.set_override('weight_classes', ['RAMWeigher', 'ServerGroupSoftAffinityWeigher',
                                         'ServerGroupSoftAntiAffinityWeigher'],
                      group='filter_scheduler')
    CONF.set_override('soft_affinity_weight_multiplier', 2.0, group='filter_scheduler')
    CONF.set_override('soft_anti_affinity_weight_multiplier', 2.0, group='filter_scheduler')
    return request.getfixturevalue('running')


def _boot_one_by_one(cloud, group_id, count):
    uuids = [boot(cloud, group_id, name='s%d' % i).json['server']['id'] for i in range(count)]
    return [host_of(wait_status(cloud, uuid, 'ACTIVE')) for uuid in uuids]


def test_soft_policies_outweigh_free_ram(soft_weighers):
    # Free RAM alone would stack (negative multiplier): soft-anti-affinity
    # spreads, also within one request (its earlier servers count).
    CONF.set_override('ram_weight_multiplier', -1.0, group='filter_scheduler')
    apart = group(soft_weighers, 'soft-anti-affinity')
    boot(soft_weighers, apart, name='apart', min_count=3, max_count=3)
    assert sorted(_listed_hosts(soft_weighers, apart).values()) == HOSTS
    # Never refused: a fourth server still finds a host.
    assert _boot_one_by_one(soft_weighers, apart, 1)[0] in HOSTS
    # Free RAM alone would spread: soft-affinity stacks.
    CONF.set_override('ram_weight_multiplier', 1.0, group='filter_scheduler')
    hosts = _boot_one_by_one(soft_weighers, group(soft_weighers, 'soft-affinity'), 3)
    assert len(set(hosts)) == 1


def test_group_hint_membership_and_quota(running):
    group_id = group(running)
    uuid = boot(running, group_id).json['server']['id']
    assert show(running, uuid)['server_groups'] == [group_id]
    assert 'server_groups' not in show(running, uuid, version='2.70')
    plain = boot(running, None, name='plain').json['server']['id']
    assert show(running, plain)['server_groups'] == []
    wait_status(running, uuid, 'ACTIVE')
    running.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    assert members(running, group_id) == []

    # Bad hints: 400, nothing written.
    resp = boot(running, 'not-a-uuid', status=400)
    assert 'group' in resp.json['badRequest']['message']
    missing = '5f6a1d1e-0000-4000-8000-000000000000'
    resp = boot(running, missing, status=400)
    assert resp.json['badRequest']['message'] == (
        'Instance group %s could not be found.' % missing)
    theirs = group(running, token='other:other')
    resp = boot(running, theirs, status=400)
    assert resp.json['badRequest']['message'] == (
        'Instance group %s could not be found.' % theirs)
    assert member_rows() == 0

    # server_group_members counts a request's every server.
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'server_group_members': 2}},
                status=200)
    resp = boot(running, group_id, min_count=3, max_count=3, status=403)
    assert resp.json['forbidden']['message'] == 'Quota exceeded, too many servers in group'
    assert member_rows() == 0
    assert [s['id'] for s in running.get('/v2.1/servers', token=DEMO).json['servers']] == [
        plain]
    boot(running, group_id, min_count=2, max_count=2)
    boot(running, group_id, name='third', status=403)
    assert len(members(running, group_id)) == 2


def test_reschedule_keeps_the_policy(running):
    CONF.set_override('fail_spawn_on_nodes', [HOSTS[0]], group='fake_driver')
    group_id = group(running)
    boot(running, group_id, min_count=2, max_count=2)
    listed = running.get('/v2.1/servers/detail', token=DEMO, version=VERSION).json['servers']
    hosts = [host_of(wait_status(running, server['id'], 'ACTIVE')) for server in listed]
    assert sorted(hosts) == HOSTS[1:]
