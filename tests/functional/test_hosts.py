"""os-hosts (up to 2.42): list, show, enable/disable, and what it does not
support."""
from nova_common import context as nova_context
from nova_common.db.api import services
from tests.functional import compute_records
from tests.functional import server_records

ADMIN = 'admin:admin'


def _cloud_with_host(cloud):
    service = compute_records.add_service(cloud, cloud.cell1, 'compute1')
    compute_records.add_service(cloud, cloud.cell0, 'controller', binary='nova-scheduler')
    compute_records.add_node(cloud, cloud.cell1, service)
    server_records.add_server(cloud, project='demo', host='compute1', node='compute1')
    server_records.add_server(cloud, project='other', host='compute1', node='compute1')
    return service


def test_list_and_zone_filter(cloud):
    _cloud_with_host(cloud)
    hosts = cloud.get('/v2.1/os-hosts', token=ADMIN, status=200).json['hosts']
    assert {'host_name': 'compute1', 'service': 'compute', 'zone': 'nova'} in hosts
    assert {'host_name': 'controller', 'service': 'scheduler', 'zone': 'internal'} in hosts
    internal = cloud.get('/v2.1/os-hosts?zone=internal', token=ADMIN).json['hosts']
    assert [host['host_name'] for host in internal] == ['controller']
    cloud.get('/v2.1/os-hosts', token=ADMIN, version='2.43', status=404)
    cloud.get('/v2.1/os-hosts', token='demo:demo', status=403)


def test_show_resources(cloud):
    _cloud_with_host(cloud)
    resources = [entry['resource'] for entry in
                 cloud.get('/v2.1/os-hosts/compute1', token=ADMIN, status=200).json['host']]
    by_project = {resource['project']: resource for resource in resources}
    assert by_project['(total)']['cpu'] == 8
    assert by_project['(used_now)']['memory_mb'] == 2048
    assert by_project['(used_max)'] == {'host': 'compute1', 'project': '(used_max)',
                                        'cpu': 2, 'memory_mb': 1024, 'disk_gb': 2}
    assert by_project['demo']['cpu'] == 1 and by_project['other']['cpu'] == 1
    fault = cloud.get('/v2.1/os-hosts/nowhere', token=ADMIN, status=404).json
    assert 'nowhere' in fault['itemNotFound']['message']


def test_update_status_and_unsupported_actions(cloud):
    service = _cloud_with_host(cloud)
    body = cloud.put('/v2.1/os-hosts/compute1', {'status': 'disable'}, token=ADMIN,
                     status=200).json
    assert body == {'host': 'compute1', 'status': 'disabled'}
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cell_context:
        assert services.get_by_id(cell_context, service['id'])['disabled']
    cloud.put('/v2.1/os-hosts/compute1', {'status': 'enable'}, token=ADMIN, status=200)
    cloud.put('/v2.1/os-hosts/compute1', {'maintenance_mode': 'enable'}, token=ADMIN,
              status=501)
    cloud.put('/v2.1/os-hosts/compute1', {'status': 'sideways'}, token=ADMIN, status=400)
    cloud.put('/v2.1/os-hosts/compute1', {}, token=ADMIN, status=400)
    cloud.put('/v2.1/os-hosts/nowhere', {'status': 'enable'}, token=ADMIN, status=404)
    fault = cloud.get('/v2.1/os-hosts/compute1/reboot', token=ADMIN, status=501).json
    assert fault['notImplemented']['message'] == 'Action is not supported'
    cloud.get('/v2.1/os-hosts/nowhere/startup', token=ADMIN, status=404)
