"""GET /servers, /servers/detail, /servers/{id} and PUT /servers/{id}
through the real API, over build requests, cell0 and two cells."""
import datetime
import hashlib
import time

from oslo_utils import timeutils
import pytest

from nova_common.conf import CONF
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from nova_common.db.api import services
from tests.functional import compute_records
from tests.functional import server_records as records

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'other:other'


def _ids(resp):
    return [server['id'] for server in resp.json['servers']]


def _link(path):
    return [{'rel': 'self', 'href': 'http://localhost/v2.1/%s' % path},
            {'rel': 'bookmark', 'href': 'http://localhost/%s' % path}]


def _image():
    return {'id': records.IMAGE_ID, 'links': [
        {'rel': 'bookmark', 'href': 'http://localhost/images/%s' % records.IMAGE_ID}]}


@pytest.fixture
def server(cloud):
    """An ACTIVE server of project demo on host compute1 (up) in cell1."""
    compute_records.add_service(cloud, cloud.cell1, 'compute1')
    return records.add_server(
        cloud, minutes=5, host='compute1', node='compute1-node', display_name='web-1',
        hostname='web-1', metadata={'role': 'web'}, tags=['blue', 'prod'],
        key_name='mykey', availability_zone='nova', access_ip_v4='10.0.0.5',
        launched_at=records.at(6), user_data='aGVsbG8=',
        system_metadata={'image_os_distro': 'fedora', 'locked_reason': 'maintenance'},
        zone='nova', hints={'same_host': ['48e6a9f6-30af-47e0-bc04-acaed113bb4e']})


# --- show -------------------------------------------------------------------------

def test_show_at_2_1_as_admin_is_nova_body(cloud, server):
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], status=200).json['server']
    assert body.pop('updated') == body.pop('created') == '2024-01-01T12:05:00Z'
    assert body == {
        'id': server['uuid'], 'name': 'web-1', 'status': 'ACTIVE',
        'tenant_id': 'demo', 'user_id': 'demo', 'metadata': {'role': 'web'},
        'hostId': hashlib.sha224(b'democompute1').hexdigest(),
        'image': _image(),
        'flavor': {'id': '1', 'links': [{'rel': 'bookmark',
                                         'href': 'http://localhost/flavors/1'}]},
        'addresses': {}, 'accessIPv4': '10.0.0.5', 'accessIPv6': '',
        'links': _link('servers/%s' % server['uuid']),
        'OS-DCF:diskConfig': 'MANUAL', 'progress': 0,
        'OS-EXT-AZ:availability_zone': 'nova', 'config_drive': '', 'key_name': 'mykey',
        'OS-SRV-USG:launched_at': '2024-01-01T12:06:00.000000',
        'OS-SRV-USG:terminated_at': None,
        'OS-EXT-STS:task_state': None, 'OS-EXT-STS:vm_state': 'active',
        'OS-EXT-STS:power_state': 1,
        'os-extended-volumes:volumes_attached': [],
        'OS-EXT-SRV-ATTR:host': 'compute1',
        'OS-EXT-SRV-ATTR:hypervisor_hostname': 'compute1-node',
        'OS-EXT-SRV-ATTR:instance_name': 'instance-%08x' % server['id'],
    }


def test_show_as_owner_hides_admin_attributes(cloud, server):
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO, version='2.3',
                     status=200).json['server']
    assert not [key for key in body if key.startswith('OS-EXT-SRV-ATTR')]
    assert body['OS-EXT-STS:vm_state'] == 'active'
    assert 'locked' not in body and 'host_status' not in body


def test_admin_attributes_from_2_3(cloud, server):
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], version='2.3').json['server']
    assert body['OS-EXT-SRV-ATTR:reservation_id'] == server['reservation_id']
    assert body['OS-EXT-SRV-ATTR:launch_index'] == 0
    assert body['OS-EXT-SRV-ATTR:hostname'] == 'web-1'
    assert body['OS-EXT-SRV-ATTR:user_data'] == 'aGVsbG8='
    for key in ('kernel_id', 'ramdisk_id', 'root_device_name'):
        assert body['OS-EXT-SRV-ATTR:%s' % key] is None


def test_show_at_2_47_embeds_the_flavor(cloud, server):
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO, version='2.47',
                     status=200).json['server']
    assert body['flavor'] == {'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0, 'swap': 0,
                              'original_name': 'm1.tiny',
                              'extra_specs': {'hw:cpu_policy': 'shared'}}
    assert body['locked'] is False
    assert body['description'] is None
    assert body['tags'] == ['blue', 'prod']
    assert 'trusted_image_certificates' not in body


@pytest.mark.parametrize('version, present, absent', [
    ('2.69', ['trusted_image_certificates'], ['server_groups', 'locked_reason']),
    ('2.71', ['server_groups'], ['locked_reason']),
    ('2.73', ['locked_reason'], ['OS-EXT-SRV-ATTR:hostname', 'pinned_availability_zone']),
    ('2.90', ['OS-EXT-SRV-ATTR:hostname'], ['pinned_availability_zone']),
    ('2.96', ['pinned_availability_zone'], ['scheduler_hints']),
    ('2.100', ['scheduler_hints'], []),
])
def test_show_fields_per_microversion(cloud, server, version, present, absent):
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO, version=version,
                     status=200).json['server']
    for key in present:
        assert key in body, key
    for key in absent:
        assert key not in body, key


def test_show_at_2_100(cloud, server):
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO, version='2.100',
                     status=200).json['server']
    assert body['locked_reason'] == 'maintenance'
    assert body['server_groups'] == []
    assert body['OS-EXT-SRV-ATTR:hostname'] == 'web-1'
    assert body['pinned_availability_zone'] == 'nova'
    assert body['scheduler_hints'] == {'same_host': ['48e6a9f6-30af-47e0-bc04-acaed113bb4e']}
    assert body['image'] == dict(_image(), properties={'os_distro': 'fedora'})
    assert body['trusted_image_certificates'] is None


def test_host_status_for_admins_from_2_16(cloud, server):
    url = '/v2.1/servers/%s' % server['uuid']
    assert cloud.get(url, version='2.16').json['server']['host_status'] == 'UP'
    assert 'host_status' not in cloud.get(url, version='2.15').json['server']
    assert 'host_status' not in cloud.get(url, token=DEMO, version='2.16').json['server']
    with records.in_cell(cloud) as ctx:
        service = services.get_by_host_and_binary(ctx, 'compute1', 'nova-compute')
    compute_records.set_heartbeat_age(cloud, cloud.cell1, service, 3600)
    assert cloud.get(url, version='2.16').json['server']['host_status'] == 'UNKNOWN'
    with records.in_cell(cloud) as ctx:
        services.update(ctx, service['id'], {'disabled': True})
    assert cloud.get(url, version='2.16').json['server']['host_status'] == 'MAINTENANCE'
    with records.in_cell(cloud) as ctx:
        services.update(ctx, service['id'], {'forced_down': True})
    assert cloud.get(url, version='2.16').json['server']['host_status'] == 'DOWN'


def test_build_request_shows_as_build(cloud):
    pending = records.add_build_request(cloud, tags=['new'])
    body = cloud.get('/v2.1/servers/%s' % pending['uuid'], token=DEMO, version='2.26',
                     status=200).json['server']
    assert body['status'] == 'BUILD'
    assert body['progress'] == 0
    assert body['OS-EXT-STS:task_state'] == 'scheduling'
    assert body['hostId'] == ''
    assert body['tags'] == ['new']


def test_cell0_server_is_error_with_its_fault(cloud):
    failed = records.add_server(cloud, cloud.cell0, vm_state='error', power_state=0)
    with records.in_cell(cloud, cloud.cell0) as ctx:
        instances.add_fault(ctx, failed['uuid'], 500,
                            'No valid host was found. 2 hosts: RamFilter removed 2',
                            details='Traceback ...')
    url = '/v2.1/servers/%s' % failed['uuid']
    fault = cloud.get(url, token=DEMO, status=200).json['server']['fault']
    assert fault.pop('created')
    assert fault == {'code': 500,
                     'message': 'No valid host was found. 2 hosts: RamFilter removed 2'}
    assert cloud.get(url).json['server']['fault']['details'] == 'Traceback ...'
    assert cloud.get(url).json['server']['status'] == 'ERROR'


def test_fault_details_shown_to_owner_when_not_500(cloud):
    failed = records.add_server(cloud, vm_state='error')
    with records.in_cell(cloud) as ctx:
        instances.add_fault(ctx, failed['uuid'], 400, 'bad image', details='image is gone')
    body = cloud.get('/v2.1/servers/%s' % failed['uuid'], token=DEMO).json['server']
    assert body['fault']['details'] == 'image is gone'


@pytest.mark.parametrize('server_id', ['not-a-uuid', '00000000-0000-0000-0000-00000000abcd'])
def test_unknown_or_malformed_id_is_404(cloud, server_id):
    resp = cloud.get('/v2.1/servers/%s' % server_id, token=DEMO, status=404)
    assert resp.json['itemNotFound']['message'] == 'Instance %s could not be found.' % server_id


def test_server_of_another_project_is_404_not_403(cloud, server):
    url = '/v2.1/servers/%s' % server['uuid']
    cloud.get(url, token=OTHER, status=404)
    cloud.put(url, body={'server': {'name': 'x'}}, token=OTHER, status=404)
    cloud.get(url, token=ADMIN, status=200)


def test_deleted_server_is_404(cloud, server):
    with records.in_cell(cloud) as ctx:
        instances.soft_delete(ctx, server['uuid'])
    cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO, status=404)


# --- lists -----------------------------------------------------------------------

@pytest.fixture
def spread(cloud):
    """Servers of demo in cell1, a second cell, cell0 and build requests,
    created one minute apart (newest last), plus one of project other."""
    cell2 = records.add_cell(cloud, 'cell2')
    placed = [
        records.add_server(cloud, minutes=1, display_name='alpha', vm_state='stopped'),
        records.add_server(cloud, cell2, minutes=2, display_name='bravo', tags=['a', 'b']),
        records.add_server(cloud, cloud.cell0, minutes=3, display_name='charlie',
                           vm_state='error'),
        records.add_build_request(cloud, minutes=4, display_name='delta', tags=['a']),
        records.add_server(cloud, minutes=5, display_name='echo', host='h1', tags=['b']),
        records.add_server(cloud, cell2, minutes=6, display_name='foxtrot', host='h2',
                           flavor=dict(records.FLAVOR, flavorid='2'), locked=True),
        records.add_build_request(cloud, minutes=7, display_name='golf'),
    ]
    foreign = records.add_server(cloud, minutes=8, project='other', user='other',
                                 display_name='hotel')
    return {'cell2': cell2, 'demo': placed, 'other': foreign}


def _uuids(servers):
    return [server['uuid'] for server in servers]


def test_list_is_newest_first_across_cells_and_build_requests(cloud, spread):
    resp = cloud.get('/v2.1/servers', token=DEMO, status=200)
    assert _ids(resp) == _uuids(reversed(spread['demo']))
    assert resp.json['servers'][0] == {'id': spread['demo'][-1]['uuid'], 'name': 'golf',
                                       'links': _link('servers/%s' % spread['demo'][-1]['uuid'])}
    assert 'servers_links' not in resp.json


def test_detail_shows_full_bodies_without_server_groups(cloud, spread):
    servers = cloud.get('/v2.1/servers/detail', token=DEMO, version='2.100').json['servers']
    statuses = {server['name']: server['status'] for server in servers}
    assert statuses == {'alpha': 'SHUTOFF', 'bravo': 'ACTIVE', 'charlie': 'ERROR',
                        'delta': 'BUILD', 'echo': 'ACTIVE', 'foxtrot': 'ACTIVE',
                        'golf': 'BUILD'}
    assert all('server_groups' not in server for server in servers)
    assert all('scheduler_hints' in server for server in servers)


def test_paging_by_marker_across_cells(cloud, spread):
    seen, url, pages = [], '/v2.1/servers?limit=2', 0
    while url:
        resp = cloud.get(url, token=DEMO, status=200)
        seen += _ids(resp)
        pages += 1
        links = resp.json.get('servers_links')
        url = links[0]['href'].replace('http://localhost', '') if links else None
        assert len(resp.json['servers']) == 2 or not links
    assert seen == _uuids(reversed(spread['demo']))
    # 7 servers: three full pages with a next link, then the last one.
    assert pages == 4


@pytest.mark.parametrize('sort', ['sort_key=display_name&sort_dir=asc',
                                  'sort_key=display_name&sort_dir=desc',
                                  'sort_key=vm_state&sort_dir=asc&sort_key=display_name',
                                  'sort_key=host&sort_dir=asc'])
def test_paging_follows_any_sort_order(cloud, spread, sort):
    token = ADMIN if 'host' in sort else DEMO
    query = sort + ('&all_tenants=1&project_id=demo' if token == ADMIN else '')
    full = _ids(cloud.get('/v2.1/servers?%s' % query, token=token, status=200))
    assert sorted(full) == sorted(_uuids(spread['demo']))
    seen, marker = [], None
    while True:
        page_url = '/v2.1/servers?%s&limit=3' % query + ('&marker=%s' % marker if marker else '')
        page = _ids(cloud.get(page_url, token=token, status=200))
        seen += page
        if len(page) < 3:
            break
        marker = page[-1]
    assert seen == full


def test_sort_by_name(cloud, spread):
    names = [s['name'] for s in cloud.get('/v2.1/servers?sort_key=display_name&sort_dir=asc',
                                          token=DEMO).json['servers']]
    assert names == sorted(names)
    assert len(names) == 7


def test_sorting_by_host_is_for_admins(cloud, spread):
    resp = cloud.get('/v2.1/servers?sort_key=host', token=DEMO, status=403)
    assert resp.json['forbidden']['message'] == 'Only administrators can sort servers by host'


def test_ignored_sort_keys_before_2_75_and_refused_after(cloud, spread):
    resp = cloud.get('/v2.1/servers?sort_key=vcpus', token=DEMO, status=200)
    assert _ids(resp) == _uuids(reversed(spread['demo']))
    cloud.get('/v2.1/servers?sort_key=vcpus', token=DEMO, version='2.75', status=400)
    cloud.get('/v2.1/servers?sort_key=nonsense', token=DEMO, status=400)
    cloud.get('/v2.1/servers?sort_dir=sideways', token=DEMO, status=400)


def test_unknown_marker_is_400(cloud, spread):
    resp = cloud.get('/v2.1/servers?marker=nope', token=DEMO, status=400)
    assert resp.json['badRequest']['message'] == 'marker [nope] not found'
    # Another project's server is no marker for demo.
    cloud.get('/v2.1/servers?marker=%s' % spread['other']['uuid'], token=DEMO, status=400)


def test_limit_is_capped_by_max_limit(cloud, spread):
    CONF.set_override('max_limit', 3, group='api')
    resp = cloud.get('/v2.1/servers?limit=100', token=DEMO, status=200)
    assert len(resp.json['servers']) == 3
    assert 'marker=%s' % resp.json['servers'][-1]['id'] in resp.json['servers_links'][0]['href']
    cloud.get('/v2.1/servers?limit=-1', token=DEMO, status=400)


def test_project_isolation_and_all_tenants(cloud, spread):
    assert spread['other']['uuid'] not in _ids(cloud.get('/v2.1/servers', token=DEMO))
    assert _ids(cloud.get('/v2.1/servers', token=OTHER)) == [spread['other']['uuid']]
    everything = _ids(cloud.get('/v2.1/servers?all_tenants=1', token=ADMIN))
    assert set(everything) == set(_uuids(spread['demo']) + [spread['other']['uuid']])
    only_other = _ids(cloud.get('/v2.1/servers?all_tenants=1&project_id=other', token=ADMIN))
    assert only_other == [spread['other']['uuid']]
    by_tenant = _ids(cloud.get('/v2.1/servers?all_tenants=1&tenant_id=other', token=ADMIN))
    assert by_tenant == [spread['other']['uuid']]
    # Without all_tenants an admin lists its own project only.
    assert _ids(cloud.get('/v2.1/servers?project_id=other', token=ADMIN)) == []
    cloud.get('/v2.1/servers?all_tenants=1', token=DEMO, status=403)
    cloud.get('/v2.1/servers/detail?all_tenants=true', token=DEMO, status=403)
    cloud.get('/v2.1/servers?all_tenants=maybe', token=ADMIN, status=400)


OWNER_FILTERS = [
    ('name=^[a-c]', ['charlie', 'bravo', 'alpha']),
    ('name=ot', ['foxtrot']),
    ('status=ACTIVE', ['foxtrot', 'echo', 'bravo']),
    ('status=build', ['golf', 'delta']),
    ('status=ERROR&status=SHUTOFF', ['charlie', 'alpha']),
    ('flavor=2', ['foxtrot']),
    ('flavor=42', []),
    ('image=%s' % records.IMAGE_ID, ['golf', 'foxtrot', 'echo', 'delta', 'charlie',
                                     'bravo', 'alpha']),
    ('reservation_id=nothing-like-it', []),
    ('ip=10.0.0.1', []),
    # host is for administrators: ignored for others.
    ('host=h1', ['golf', 'foxtrot', 'echo', 'delta', 'charlie', 'bravo', 'alpha']),
]

ADMIN_FILTERS = [
    ('host=h1', ['echo']),
    ('node=^h', []),
    ('vm_state=stopped', ['alpha']),
    ('locked=true', ['foxtrot']),
    ('project_id=other', ['hotel']),
]

TAG_FILTERS = [
    ('tags=a', ['delta', 'bravo']),
    ('tags=a,b', ['bravo']),
    ('tags-any=a,b', ['echo', 'delta', 'bravo']),
    ('not-tags=a,b', ['golf', 'foxtrot', 'echo', 'delta', 'charlie', 'alpha']),
    ('not-tags-any=a,b', ['golf', 'foxtrot', 'charlie', 'alpha']),
]


def _names(cloud, url, **kwargs):
    return [server['name'] for server in cloud.get(url, status=200, **kwargs).json['servers']]


def test_filters_as_owner(cloud, spread):
    for query, names in OWNER_FILTERS:
        assert _names(cloud, '/v2.1/servers?%s' % query, token=DEMO) == names, query


def test_admin_only_filters(cloud, spread):
    for query, names in ADMIN_FILTERS:
        url = '/v2.1/servers?all_tenants=1&%s' % query
        assert _names(cloud, url, token=ADMIN, version='2.73') == names, query


def test_tag_filters_from_2_26(cloud, spread):
    for query, names in TAG_FILTERS:
        url = '/v2.1/servers?%s' % query
        assert _names(cloud, url, token=DEMO, version='2.26') == names, query
        assert len(_names(cloud, url, token=DEMO, version='2.25')) == 7, query


def test_locked_filter_from_2_73(cloud, spread):
    locked = cloud.get('/v2.1/servers?locked=true', token=DEMO, version='2.73').json
    assert [server['name'] for server in locked['servers']] == ['foxtrot']
    cloud.get('/v2.1/servers?locked=perhaps', token=DEMO, version='2.73', status=400)
    assert len(cloud.get('/v2.1/servers?locked=true', token=DEMO, version='2.72')
               .json['servers']) == 7


def test_invalid_status(cloud, spread):
    assert cloud.get('/v2.1/servers?status=NOPE', token=DEMO, version='2.37',
                     status=200).json == {'servers': []}
    resp = cloud.get('/v2.1/servers?status=NOPE', token=DEMO, version='2.38', status=400)
    assert resp.json['badRequest']['message'] == 'Invalid status value'


def test_invalid_regex_and_joined_table_filters_are_400(cloud, spread):
    cloud.get('/v2.1/servers?name=(unclosed', token=DEMO, status=400)
    resp = cloud.get('/v2.1/servers?all_tenants=1&metadata=x', token=ADMIN, status=400)
    assert resp.json['badRequest']['message'] == 'Invalid filter field: metadata.'


def test_unknown_parameters_ignored_before_2_75(cloud, spread):
    assert len(cloud.get('/v2.1/servers?foo=bar', token=DEMO, status=200)
               .json['servers']) == 7
    cloud.get('/v2.1/servers?foo=bar', token=DEMO, version='2.75', status=400)


def test_changes_since_includes_deleted_servers(cloud, spread):
    echo = spread['demo'][4]
    just_before = (timeutils.utcnow() - datetime.timedelta(seconds=1)).isoformat() + 'Z'
    with records.in_cell(cloud) as ctx:
        instances.soft_delete(ctx, echo['uuid'])
    assert echo['uuid'] not in _ids(cloud.get('/v2.1/servers', token=DEMO))
    recent = cloud.get('/v2.1/servers/detail?changes-since=%s' % just_before,
                       token=DEMO).json['servers']
    assert [(s['id'], s['status']) for s in recent] == [(echo['uuid'], 'DELETED')]
    older = cloud.get('/v2.1/servers?changes-since=2024-01-01T12:04:30Z', token=DEMO).json
    assert [server['name'] for server in older['servers']] == ['golf', 'foxtrot', 'echo']
    before = cloud.get('/v2.1/servers?changes-before=2024-01-01T12:02:30Z', token=DEMO,
                       version='2.66').json
    assert [server['name'] for server in before['servers']] == ['bravo', 'alpha']
    cloud.get('/v2.1/servers?changes-since=yesterday', token=DEMO, status=400)
    cloud.get('/v2.1/servers?changes-since=2024-01-02T00:00:00Z'
              '&changes-before=2024-01-01T00:00:00Z', token=DEMO, version='2.66', status=400)


def test_deleted_servers_are_listed_for_admins_only(cloud, spread):
    alpha = spread['demo'][0]
    with records.in_cell(cloud) as ctx:
        instances.soft_delete(ctx, alpha['uuid'])
    deleted = cloud.get('/v2.1/servers?all_tenants=1&status=deleted', token=ADMIN).json
    assert [s['id'] for s in deleted['servers']] == [alpha['uuid']]
    resp = cloud.get('/v2.1/servers?status=deleted', token=DEMO, status=403)
    assert resp.json['forbidden']['message'] == 'Only administrators may list deleted instances'


# --- cells that do not answer ---------------------------------------------------------

@pytest.fixture
def down_cell(cloud, tmp_path):
    """cell3, whose database cannot be opened, mapping two servers of demo
    (one with a request spec) and one of other."""
    CONF.set_override('max_retries', 0, group='database')
    cell = records.add_cell(cloud, 'cell3', 'sqlite:///%s/missing/dir/cell3.db' % tmp_path)
    lost = []
    for project in ('demo', 'demo', 'other'):
        wanted = records.instance_values(project=project, user=project)
        instance_mappings.create(cloud.admin_context, wanted['uuid'], project, project,
                                 cell_uuid=cell['uuid'])
        lost.append(wanted)
    request_specs.create(cloud.admin_context,
                         records.spec_for(lost[0], zone='nova'))
    return {'cell': cell, 'lost': lost}


def test_down_cell_is_skipped_before_2_69(cloud, server, down_cell):
    assert _ids(cloud.get('/v2.1/servers', token=DEMO, version='2.68', status=200)) == [
        server['uuid']]


def test_down_cell_fails_the_list_when_not_skipping(cloud, server, down_cell):
    CONF.set_override('list_records_by_skipping_down_cells', False, group='api')
    resp = cloud.get('/v2.1/servers', token=DEMO, version='2.68', status=503)
    assert down_cell['cell']['uuid'] in resp.json['serviceUnavailable']['message']
    cloud.get('/v2.1/servers', token=DEMO, version='2.69', status=200)


def test_down_cell_gives_partial_records_from_2_69(cloud, server, down_cell):
    lost = down_cell['lost']
    listed = cloud.get('/v2.1/servers', token=DEMO, version='2.69', status=200).json['servers']
    partial = [s for s in listed if s['id'] != server['uuid']]
    assert sorted(s['id'] for s in partial) == sorted([lost[0]['uuid'], lost[1]['uuid']])
    assert partial[0] == {'id': partial[0]['id'], 'status': 'UNKNOWN',
                          'links': _link('servers/%s' % partial[0]['id'])}
    detail = cloud.get('/v2.1/servers/detail', token=DEMO, version='2.69').json['servers']
    record = next(s for s in detail if s['id'] == lost[1]['uuid'])
    assert set(record) == {'id', 'status', 'tenant_id', 'created', 'links'}
    assert (record['status'], record['tenant_id']) == ('UNKNOWN', 'demo')
    everyone = cloud.get('/v2.1/servers?all_tenants=1', token=ADMIN, version='2.69').json
    assert lost[2]['uuid'] in [s['id'] for s in everyone['servers']]


def test_show_in_down_cell(cloud, down_cell):
    lost = down_cell['lost']
    url = '/v2.1/servers/%s' % lost[0]['uuid']
    resp = cloud.get(url, token=DEMO, version='2.68', status=503)
    assert 'is not responding' in resp.json['serviceUnavailable']['message']
    body = cloud.get(url, token=DEMO, version='2.71', status=200).json['server']
    assert body.pop('created')
    assert body == {'id': lost[0]['uuid'], 'status': 'UNKNOWN', 'tenant_id': 'demo',
                    'user_id': 'demo', 'links': _link('servers/%s' % lost[0]['uuid']),
                    'image': _image(),
                    'flavor': {'vcpus': 1, 'ram': 512, 'disk': 1, 'ephemeral': 0,
                               'swap': 0, 'original_name': 'm1.tiny',
                               'extra_specs': {'hw:cpu_policy': 'shared'}},
                    'OS-EXT-AZ:availability_zone': 'nova', 'OS-EXT-STS:power_state': 0,
                    'server_groups': []}
    # Without a request spec nothing is known of it.
    cloud.get('/v2.1/servers/%s' % lost[1]['uuid'], token=DEMO, version='2.69', status=404)
    cloud.get(url, token=OTHER, version='2.69', status=404)
    cloud.get(url, token=OTHER, version='2.68', status=404)


def test_cell_that_hangs_is_cut_by_the_timeout(cloud, server):
    """A MySQL cell on a port nobody listens on: the engine retries, and
    the scatter timeout answers without it."""
    CONF.set_override('max_retries', 3, group='database')
    CONF.set_override('retry_interval', 1, group='database')
    CONF.set_override('cell_timeout', 0.3, group='cells')
    cell = records.add_cell(cloud, 'mysql-cell', 'mysql+pymysql://nova:nova@127.0.0.1:9/nova')
    wanted = records.instance_values()
    instance_mappings.create(cloud.admin_context, wanted['uuid'], 'demo', 'demo',
                             cell_uuid=cell['uuid'])
    started = time.monotonic()
    listed = cloud.get('/v2.1/servers', token=DEMO, version='2.69', status=200).json
    # The engine keeps retrying for 3 s; the answer does not wait for it.
    assert time.monotonic() - started < 2.5
    assert {s['id']: s.get('status') for s in listed['servers']} == {
        server['uuid']: None, wanted['uuid']: 'UNKNOWN'}


# --- update ---------------------------------------------------------------------

def test_update_name_at_2_1_answers_the_short_body(cloud, server):
    resp = cloud.put('/v2.1/servers/%s' % server['uuid'],
                     body={'server': {'name': 'renamed', 'accessIPv6': '80fe::'}},
                     token=DEMO, status=200)
    body = resp.json['server']
    assert body['name'] == 'renamed'
    assert body['accessIPv6'] == '80fe::'
    assert set(body) == {'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata',
                         'hostId', 'image', 'flavor', 'created', 'updated', 'addresses',
                         'accessIPv4', 'accessIPv6', 'links', 'OS-DCF:diskConfig', 'progress'}
    assert cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO).json['server'][
        'name'] == 'renamed'


def test_update_from_2_75_answers_what_show_does(cloud, server):
    url = '/v2.1/servers/%s' % server['uuid']
    updated = cloud.put(url, body={'server': {'description': 'the web server'}},
                        token=DEMO, version='2.75', status=200).json['server']
    shown = cloud.get(url, token=DEMO, version='2.75').json['server']
    assert updated.pop('updated') and shown.pop('updated')
    assert updated == shown
    assert updated['description'] == 'the web server'


def test_update_at_2_90_sets_the_hostname(cloud, server):
    url = '/v2.1/servers/%s' % server['uuid']
    body = cloud.put(url, body={'server': {'hostname': 'new-host'}}, token=DEMO,
                     version='2.90', status=200).json['server']
    assert body['OS-EXT-SRV-ATTR:hostname'] == 'new-host'
    cloud.put(url, body={'server': {'hostname': 'new-host'}}, token=DEMO, version='2.89',
              status=400)
    cloud.put(url, body={'server': {'hostname': 'bad host!'}}, token=DEMO, version='2.90',
              status=400)
    fqdn = cloud.put(url, body={'server': {'hostname': 'web.example.com'}}, token=DEMO,
                     version='2.94', status=200).json['server']
    assert fqdn['OS-EXT-SRV-ATTR:hostname'] == 'web.example.com'


@pytest.mark.parametrize('version, server_body', [
    ('2.1', {'description': 'too early'}),
    ('2.19', {'name': ''}),
    ('2.19', {'name': ' padded'}),
    ('2.19', {'name': 'x' * 256}),
    ('2.19', {'description': 'x' * 256}),
    ('2.19', {'accessIPv4': '300.1.1.1'}),
    ('2.19', {'accessIPv6': 'not-an-ip'}),
    ('2.19', {'OS-DCF:diskConfig': 'SOMETIMES'}),
    ('2.19', {'flavorRef': '1'}),
])
def test_update_refuses_bad_bodies(cloud, server, version, server_body):
    cloud.put('/v2.1/servers/%s' % server['uuid'], body={'server': server_body},
              token=DEMO, version=version, status=400)
    assert cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO).json['server'][
        'name'] == 'web-1'


def test_update_a_build_request(cloud):
    pending = records.add_build_request(cloud)
    body = cloud.put('/v2.1/servers/%s' % pending['uuid'],
                     body={'server': {'name': 'while-building'}}, token=DEMO,
                     version='2.19', status=200).json['server']
    assert (body['name'], body['status']) == ('while-building', 'BUILD')
    listed = cloud.get('/v2.1/servers', token=DEMO).json['servers']
    assert [s['name'] for s in listed] == ['while-building']
