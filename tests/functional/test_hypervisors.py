"""os-hypervisors across cells, and the compute node data layer under it."""
import oslo_messaging as messaging
import pytest

from nova_common.conf import CONF
from nova_common.db.api import cells
from nova_common.db.api import compute_nodes
from nova_common.db.api import services
from nova_common import rpc
from tests.functional import compute_records as records

UPTIME = ' 08:32:11 up 93 days, 18:25, 12 users,  load average: 0.20, 0.12, 0.14'


@pytest.fixture
def fleet(cloud):
    """cell1: compute1 (one node) and compute2 (disabled, one node); a
    scheduler in cell0."""
    records.add_service(cloud, cloud.cell0, 'ctl', 'nova-scheduler')
    compute1 = records.add_service(cloud, cloud.cell1, 'compute1')
    compute2 = records.add_service(cloud, cloud.cell1, 'compute2')
    with records.in_cell(cloud, cloud.cell1) as ctx:
        compute2 = services.update(ctx, compute2['id'], {'disabled': True,
                                                         'disabled_reason': 'repair'})
    return {
        'compute1': compute1, 'compute2': compute2,
        'node1': records.add_node(cloud, cloud.cell1, compute1),
        'node2': records.add_node(cloud, cloud.cell1, compute2, vcpus=4, vcpus_used=1,
                                  running_vms=3),
    }


class _ComputeEndpoint:
    target = messaging.Target(version='1.1')

    def __init__(self, uptime):
        self.uptime = uptime

    def get_host_uptime(self, context):
        if self.uptime is None:
            raise NotImplementedError()
        return self.uptime


@pytest.fixture
def compute_rpc(cloud):
    """Start an RPC server answering get_host_uptime for a host."""
    servers = []

    def start(host, uptime=UPTIME):
        target = messaging.Target(topic='compute', server=host)
        server = rpc.get_server(target, [_ComputeEndpoint(uptime)],
                                rpc.get_transport(cloud.cell1['transport_url']))
        server.start()
        servers.append(server)

    yield start
    for server in servers:
        server.stop()
        server.wait()


def _ids(resp):
    return [h['id'] for h in resp.json['hypervisors']]


# --- lists -------------------------------------------------------------------

def test_list_at_2_1(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors', status=200)
    assert resp.json == {'hypervisors': [
        {'id': fleet['node1']['id'], 'hypervisor_hostname': 'compute1', 'state': 'up',
         'status': 'enabled'},
        {'id': fleet['node2']['id'], 'hypervisor_hostname': 'compute2', 'state': 'up',
         'status': 'disabled'},
    ]}


def test_detail_at_2_1(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors/detail', status=200)
    assert resp.json['hypervisors'][1] == {
        'id': fleet['node2']['id'], 'hypervisor_hostname': 'compute2', 'state': 'up',
        'status': 'disabled', 'hypervisor_type': 'fake', 'hypervisor_version': 1000,
        'host_ip': '192.168.1.10',
        'service': {'id': fleet['compute2']['id'], 'host': 'compute2',
                    'disabled_reason': 'repair'},
        'vcpus': 4, 'memory_mb': 16384, 'local_gb': 100, 'vcpus_used': 1,
        'memory_mb_used': 2048, 'local_gb_used': 10, 'free_ram_mb': 14336,
        'free_disk_gb': 90, 'current_workload': 0, 'running_vms': 3,
        'disk_available_least': 0,
        'cpu_info': '{"arch": "x86_64", "model": "fake", "vendor": "fake"}',
    }
    assert 'hypervisors_links' not in resp.json


def test_cpu_info_is_an_object_from_2_28(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors/detail', version='2.28')
    assert resp.json['hypervisors'][0]['cpu_info'] == {
        'arch': 'x86_64', 'model': 'fake', 'vendor': 'fake'}
    with records.in_cell(cloud, cloud.cell1) as ctx:
        compute_nodes.upsert(ctx, 'compute1', 'compute1', {'cpu_info': None})
    resp = cloud.get('/v2.1/os-hypervisors/detail', version='2.28')
    assert resp.json['hypervisors'][0]['cpu_info'] == {}


def test_uuids_from_2_53(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors/detail', version='2.53')
    first = resp.json['hypervisors'][0]
    assert first['id'] == fleet['node1']['uuid']
    assert first['service']['id'] == fleet['compute1']['uuid']


def test_detail_at_2_88_drops_usage_and_adds_uptime(cloud, fleet, compute_rpc):
    compute_rpc('compute1')
    # compute2 is down, so it is not even asked.
    records.set_heartbeat_age(cloud, cloud.cell1, fleet['compute2'], 3600)
    resp = cloud.get('/v2.1/os-hypervisors/detail', version='2.88', status=200)
    first = resp.json['hypervisors'][0]
    assert first == {
        'id': fleet['node1']['uuid'], 'hypervisor_hostname': 'compute1', 'state': 'up',
        'status': 'enabled', 'hypervisor_type': 'fake', 'hypervisor_version': 1000,
        'host_ip': '192.168.1.10', 'uptime': UPTIME,
        'service': {'id': fleet['compute1']['uuid'], 'host': 'compute1',
                    'disabled_reason': None},
    }
    assert resp.json['hypervisors'][1]['uptime'] is None
    assert resp.json['hypervisors'][1]['state'] == 'down'
    summary = cloud.get('/v2.1/os-hypervisors', version='2.88').json['hypervisors'][0]
    assert 'uptime' not in summary


def test_uptime_is_null_when_the_compute_does_not_answer(cloud, fleet):
    # oslo.messaging registers rpc_response_timeout with its first client.
    rpc.get_client('compute', '1.0', timeout=None)
    CONF.set_override('rpc_response_timeout', 1)
    resp = cloud.get('/v2.1/os-hypervisors/%s' % fleet['node1']['uuid'], version='2.88',
                     status=200)
    assert resp.json['hypervisor']['uptime'] is None


def test_state_follows_the_service(cloud, fleet):
    records.set_heartbeat_age(cloud, cloud.cell1, fleet['compute1'], 120)
    resp = cloud.get('/v2.1/os-hypervisors')
    assert [h['state'] for h in resp.json['hypervisors']] == ['down', 'up']
    CONF.set_override('service_down_time', 300)
    resp = cloud.get('/v2.1/os-hypervisors')
    assert [h['state'] for h in resp.json['hypervisors']] == ['up', 'up']


def test_nodes_without_service_or_mapping_are_not_listed(cloud, fleet):
    unmapped = records.add_service(cloud, cloud.cell1, 'compute3', map_host=False)
    records.add_node(cloud, cloud.cell1, unmapped)
    with records.in_cell(cloud, cloud.cell1) as ctx:
        compute_nodes.upsert(ctx, 'ghost', 'ghost', {'vcpus': 1})
    cells.map_host(cloud.admin_context, 'ghost', cloud.cell1['uuid'])
    assert _ids(cloud.get('/v2.1/os-hypervisors')) == [fleet['node1']['id'],
                                                       fleet['node2']['id']]


def test_lists_are_admin_only(cloud, fleet):
    for path in ('/v2.1/os-hypervisors', '/v2.1/os-hypervisors/detail',
                 '/v2.1/os-hypervisors/statistics',
                 '/v2.1/os-hypervisors/%s' % fleet['node1']['id']):
        cloud.get(path, token='demo:demo', status=403)


# --- paging (2.33) -----------------------------------------------------------

def test_paging_with_limit_and_marker(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors?limit=1', version='2.33', status=200)
    assert _ids(resp) == [fleet['node1']['id']]
    assert resp.json['hypervisors_links'] == [{
        'rel': 'next',
        'href': 'http://localhost/v2.1/os-hypervisors?limit=1&marker=%d'
                % fleet['node1']['id']}]
    resp = cloud.get('/v2.1/os-hypervisors/detail?limit=1&marker=%d' % fleet['node1']['id'],
                     version='2.33', status=200)
    assert _ids(resp) == [fleet['node2']['id']]
    assert resp.json['hypervisors_links'][0]['href'] == (
        'http://localhost/v2.1/os-hypervisors/detail?limit=1&marker=%d'
        % fleet['node2']['id'])
    resp = cloud.get('/v2.1/os-hypervisors?marker=%d' % fleet['node2']['id'],
                     version='2.33', status=200)
    assert resp.json == {'hypervisors': []}


def test_paging_with_uuids_from_2_53(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors?limit=1', version='2.53')
    assert resp.json['hypervisors_links'][0]['href'].endswith(
        'marker=%s' % fleet['node1']['uuid'])
    resp = cloud.get('/v2.1/os-hypervisors?marker=%s' % fleet['node1']['uuid'],
                     version='2.53')
    assert _ids(resp) == [fleet['node2']['uuid']]


def test_max_limit_caps_the_page(cloud, fleet):
    CONF.set_override('max_limit', 1, group='api')
    resp = cloud.get('/v2.1/os-hypervisors?limit=5', version='2.33')
    assert len(resp.json['hypervisors']) == 1
    assert 'hypervisors_links' in resp.json


def test_paging_errors(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors?marker=999', version='2.33', status=400)
    assert resp.json['badRequest']['message'] == 'marker [999] not found'
    cloud.get('/v2.1/os-hypervisors?limit=-1', version='2.33', status=400)
    cloud.get('/v2.1/os-hypervisors?limit=x', version='2.33', status=400)
    # Before 2.33 paging does not exist: the parameters are ignored.
    assert len(cloud.get('/v2.1/os-hypervisors?limit=1', version='2.32').json[
        'hypervisors']) == 2


def test_unknown_parameters_refused_from_2_53(cloud, fleet):
    cloud.get('/v2.1/os-hypervisors?foo=1', version='2.52', status=200)
    cloud.get('/v2.1/os-hypervisors?foo=1', version='2.53', status=400)
    cloud.get('/v2.1/os-hypervisors/%s?foo=1' % fleet['node1']['uuid'], version='2.53',
              status=400)


# --- pattern and servers as query parameters (2.53) --------------------------

def test_hostname_pattern_and_servers(cloud, fleet):
    instance_id, instance_uuid = records.add_instance(cloud, cloud.cell1, 'compute1')
    resp = cloud.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=pute1&with_servers=1',
                     version='2.53', status=200)
    assert resp.json == {'hypervisors': [{
        'id': fleet['node1']['uuid'], 'hypervisor_hostname': 'compute1', 'state': 'up',
        'status': 'enabled',
        'servers': [{'name': 'instance-%08x' % instance_id, 'uuid': instance_uuid}]}]}
    resp = cloud.get('/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=compute',
                     version='2.53', status=200)
    assert len(resp.json['hypervisors']) == 2
    assert 'servers' not in resp.json['hypervisors'][0]


def test_empty_servers_list_from_2_75(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors?with_servers=true', version='2.74')
    assert 'servers' not in resp.json['hypervisors'][1]
    resp = cloud.get('/v2.1/os-hypervisors?with_servers=true', version='2.75')
    assert resp.json['hypervisors'][1]['servers'] == []


def test_pattern_errors(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=nothing',
                     version='2.53', status=404)
    assert resp.json['itemNotFound']['message'] == (
        "No hypervisor matching 'nothing' could be found.")
    resp = cloud.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=c&limit=1',
                     version='2.53', status=400)
    assert resp.json['badRequest']['message'] == (
        'Paging over hypervisors with the hypervisor_hostname_pattern query parameter '
        'is not supported.')
    cloud.get('/v2.1/os-hypervisors?with_servers=perhaps', version='2.53', status=400)


# --- show ----------------------------------------------------------------

def test_show(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors/%d' % fleet['node1']['id'], status=200)
    assert resp.json['hypervisor']['id'] == fleet['node1']['id']
    assert resp.json['hypervisor']['vcpus'] == 8
    resp = cloud.get('/v2.1/os-hypervisors/%s' % fleet['node1']['uuid'], version='2.53')
    assert resp.json['hypervisor']['service']['id'] == fleet['compute1']['uuid']


def test_show_with_servers(cloud, fleet):
    instance_id, instance_uuid = records.add_instance(cloud, cloud.cell1, 'compute1')
    records.add_instance(cloud, cloud.cell1, 'compute1', deleted=True)
    resp = cloud.get('/v2.1/os-hypervisors/%s?with_servers=yes' % fleet['node1']['uuid'],
                     version='2.53', status=200)
    assert resp.json['hypervisor']['servers'] == [
        {'name': 'instance-%08x' % instance_id, 'uuid': instance_uuid}]


def test_show_at_2_88(cloud, fleet, compute_rpc):
    compute_rpc('compute1')
    resp = cloud.get('/v2.1/os-hypervisors/%s' % fleet['node1']['uuid'], version='2.88',
                     status=200)
    assert resp.json['hypervisor']['uptime'] == UPTIME
    assert 'vcpus' not in resp.json['hypervisor']
    assert 'cpu_info' not in resp.json['hypervisor']


def test_show_bad_and_unknown_ids(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors/999', status=404)
    assert resp.json['itemNotFound']['message'] == "Hypervisor with ID '999' could not be found."
    resp = cloud.get('/v2.1/os-hypervisors/abc', status=404)
    assert resp.json['itemNotFound']['message'] == "Hypervisor with ID 'abc' could not be found."
    resp = cloud.get('/v2.1/os-hypervisors/%d' % fleet['node1']['id'], version='2.53',
                     status=400)
    assert resp.json['badRequest']['message'] == 'Invalid uuid %d' % fleet['node1']['id']
    unknown = '11111111-2222-3333-4444-555555555555'
    resp = cloud.get('/v2.1/os-hypervisors/%s' % unknown, version='2.53', status=404)
    assert resp.json['itemNotFound']['message'] == (
        "Hypervisor with ID '%s' could not be found." % unknown)


def test_show_of_a_node_without_compute_service_is_404(cloud, fleet):
    with records.in_cell(cloud, cloud.cell1) as ctx:
        ghost = compute_nodes.upsert(ctx, 'ghost', 'ghost', {'vcpus': 1})
    cloud.get('/v2.1/os-hypervisors/%d' % ghost['id'], status=404)
    cells.map_host(cloud.admin_context, 'ghost', cloud.cell1['uuid'])
    resp = cloud.get('/v2.1/os-hypervisors/%d' % ghost['id'], status=404)
    assert resp.json['itemNotFound']['message'] == (
        "Hypervisor with ID '%d' could not be found." % ghost['id'])
    with records.in_cell(cloud, cloud.cell1) as ctx:
        services.destroy(ctx, fleet['compute1']['id'])
    # Deleting the compute service took its node along.
    cloud.get('/v2.1/os-hypervisors/%d' % fleet['node1']['id'], status=404)


# --- the routes 2.53 and 2.88 removed -------------------------------------------

def test_search_and_servers_routes_before_2_53(cloud, fleet):
    instance_id, instance_uuid = records.add_instance(cloud, cloud.cell1, 'compute2')
    resp = cloud.get('/v2.1/os-hypervisors/compute/search', status=200)
    assert _ids(resp) == [fleet['node1']['id'], fleet['node2']['id']]
    assert 'servers' not in resp.json['hypervisors'][0]
    resp = cloud.get('/v2.1/os-hypervisors/compute/servers', status=200)
    assert 'servers' not in resp.json['hypervisors'][0]
    assert resp.json['hypervisors'][1]['servers'] == [
        {'name': 'instance-%08x' % instance_id, 'uuid': instance_uuid}]
    resp = cloud.get('/v2.1/os-hypervisors/nothing/search', status=404)
    assert resp.json['itemNotFound']['message'] == (
        "No hypervisor matching 'nothing' could be found.")
    cloud.get('/v2.1/os-hypervisors/nothing/servers', status=404)
    cloud.get('/v2.1/os-hypervisors/compute/search', version='2.53', status=404)
    cloud.get('/v2.1/os-hypervisors/compute/servers', version='2.53', status=404)


def test_search_of_an_unmapped_host_is_404(cloud, fleet):
    unmapped = records.add_service(cloud, cloud.cell1, 'lonely', map_host=False)
    records.add_node(cloud, cloud.cell1, unmapped)
    resp = cloud.get('/v2.1/os-hypervisors/lonely/search', status=404)
    assert resp.json['itemNotFound']['message'] == "Host 'lonely' is not mapped to any cell"


def test_statistics_until_2_87(cloud, fleet):
    resp = cloud.get('/v2.1/os-hypervisors/statistics', version='2.87', status=200)
    # compute2 is disabled: only compute1's node counts.
    assert resp.json == {'hypervisor_statistics': {
        'count': 1, 'vcpus': 8, 'memory_mb': 16384, 'local_gb': 100, 'vcpus_used': 2,
        'memory_mb_used': 2048, 'local_gb_used': 10, 'free_ram_mb': 14336,
        'free_disk_gb': 90, 'current_workload': 0, 'running_vms': 1,
        'disk_available_least': 0}}
    resp = cloud.get('/v2.1/os-hypervisors/statistics', version='2.88', status=404)
    assert resp.json['itemNotFound']['message'] == 'The resource could not be found.'


def test_uptime_route_until_2_87(cloud, fleet, compute_rpc):
    compute_rpc('compute1')
    resp = cloud.get('/v2.1/os-hypervisors/%d/uptime' % fleet['node1']['id'], status=200)
    assert resp.json == {'hypervisor': {
        'id': fleet['node1']['id'], 'hypervisor_hostname': 'compute1', 'state': 'up',
        'status': 'enabled', 'uptime': UPTIME}}
    cloud.get('/v2.1/os-hypervisors/%s/uptime' % fleet['node1']['uuid'], version='2.88',
              status=404)


def test_uptime_of_a_down_compute_is_400(cloud, fleet):
    records.set_heartbeat_age(cloud, cloud.cell1, fleet['compute1'], 3600)
    resp = cloud.get('/v2.1/os-hypervisors/%d/uptime' % fleet['node1']['id'], status=400)
    assert resp.json['badRequest']['message'] == (
        'Compute service of compute1 is unavailable at this time.')


def test_uptime_a_driver_cannot_tell_is_501(cloud, fleet, compute_rpc):
    compute_rpc('compute1', uptime=None)
    resp = cloud.get('/v2.1/os-hypervisors/%d/uptime' % fleet['node1']['id'], status=501)
    assert resp.json['notImplemented']['message'] == (
        'The requested functionality is not supported.')


# --- the data layer ----------------------------------------------------------

def test_upsert_creates_then_updates(cloud):
    with records.in_cell(cloud, cloud.cell1) as ctx:
        created = compute_nodes.upsert(ctx, 'h', 'node-a', {
            'uuid': '11111111-2222-3333-4444-555555555555', 'vcpus': 4,
            'hypervisor_hostname': 'node-a', 'not_a_column': 1})
        assert created['uuid'] == '11111111-2222-3333-4444-555555555555'
        updated = compute_nodes.upsert(ctx, 'h', 'node-a', {'vcpus': 8, 'uuid': 'other'})
        assert (updated['id'], updated['uuid'], updated['vcpus']) == (
            created['id'], created['uuid'], 8)
        second = compute_nodes.upsert(ctx, 'h', 'node-b', {'vcpus': 1})
        assert second['uuid'] != created['uuid']
        assert [n['hypervisor_hostname'] for n in compute_nodes.list(ctx, host='h')] == [
            'node-a', 'node-b']
        assert compute_nodes.get_by_uuid(ctx, second['uuid'])['id'] == second['id']
        assert compute_nodes.get_by_id(ctx, second['id'])['uuid'] == second['uuid']
        assert [n['id'] for n in compute_nodes.search_by_hypervisor_hostname(ctx, '-b')] == [
            second['id']]
