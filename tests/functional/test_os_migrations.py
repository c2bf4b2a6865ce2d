"""GET /os-migrations and /servers/{id}/migrations through the real API on
migration records written into the functional cloud's cell: the fields
per microversion (2.23 type and links, 2.59 uuid and paging, 2.80 user
and project), the filters, changes-since, the admin-only policy, and the
server's in-progress live migrations (none of other types)."""
import pytest

from nova_common import context as nova_context
from nova_common.db.api import migrations
from tests.functional import server_records as records

ADMIN = 'admin:admin'


def _add(cloud, minutes, **values):
    record = {'instance_uuid': values.pop('instance_uuid', 'i-1'), 'source_compute': 'host1',
              'dest_compute': 'host2', 'source_node': 'node1', 'dest_node': 'node2',
              'dest_host': 'host2', 'status': 'finished', 'migration_type': 'resize',
              'old_instance_type_id': 1, 'new_instance_type_id': 2,
              'user_id': 'demo', 'project_id': 'demo',
              'created_at': records.at(minutes), 'updated_at': records.at(minutes)}
    record.update(values)
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
        return migrations.create(cctx, record)


@pytest.fixture
def migrated(cloud):
    """Three migrations, a minute apart: a finished resize, a cold
    migration in error (from host3) and a running live migration of a
    server that exists."""
    uuid = records.add_server(cloud)['uuid']
    return [_add(cloud, 0),
            _add(cloud, 1, status='error', migration_type='migration',
                 source_compute='host3', user_id='eve', project_id='other'),
            _add(cloud, 2, status='running', migration_type='live-migration',
                 instance_uuid=uuid)]


def _list(cloud, query='', version='2.80', status=200, token=ADMIN):
    return cloud.get('/v2.1/os-migrations' + query, version=version, token=token,
                     status=status).json


def test_fields_per_microversion(cloud, migrated):
    old = _list(cloud, version='2.1')['migrations']
    assert [m['id'] for m in old] == [m['id'] for m in reversed(migrated)]
    assert set(old[0]) == {'id', 'source_node', 'dest_node', 'source_compute', 'dest_compute',
                           'dest_host', 'status', 'instance_uuid', 'old_instance_type_id',
                           'new_instance_type_id', 'created_at', 'updated_at'}
    assert old[2]['created_at'] == '2024-01-01T12:00:00.000000'
    typed = _list(cloud, version='2.23')['migrations']
    assert [m['migration_type'] for m in typed] == ['live-migration', 'migration', 'resize']
    assert typed[0]['links'][0] == {
        'rel': 'self', 'href': 'http://localhost/v2.1/servers/%s/migrations/%d'
        % (migrated[2]['instance_uuid'], migrated[2]['id'])}
    assert 'links' not in typed[1] and 'uuid' not in typed[1]
    newest = _list(cloud)['migrations'][0]
    assert newest['uuid'] == migrated[2]['uuid']
    assert (newest['user_id'], newest['project_id']) == ('demo', 'demo')
    assert 'user_id' not in _list(cloud, version='2.79')['migrations'][0]


def test_filters_and_paging(cloud, migrated):
    def ids(query, version='2.80'):
        return [m['id'] for m in _list(cloud, query, version)['migrations']]
    assert ids('?status=error') == [migrated[1]['id']]
    assert ids('?host=host3') == [migrated[1]['id']]
    assert ids('?migration_type=resize') == [migrated[0]['id']]
    assert ids('?instance_uuid=i-1') == [migrated[1]['id'], migrated[0]['id']]
    assert ids('?user_id=eve') == [migrated[1]['id']]
    assert ids('?project_id=demo') == [migrated[2]['id'], migrated[0]['id']]
    assert ids('?changes-since=2024-01-01T12:01:00Z') == [migrated[2]['id'], migrated[1]['id']]
    assert ids('?changes-before=2024-01-01T12:00:30Z', '2.66') == [migrated[0]['id']]
    page = _list(cloud, '?limit=2')
    assert [m['id'] for m in page['migrations']] == [migrated[2]['id'], migrated[1]['id']]
    assert page['migrations_links'][0]['rel'] == 'next'
    assert 'marker=%s' % migrated[1]['uuid'] in page['migrations_links'][0]['href']
    rest = _list(cloud, '?limit=2&marker=%s' % migrated[1]['uuid'])
    assert [m['id'] for m in rest['migrations']] == [migrated[0]['id']]
    assert 'migrations_links' not in rest


def test_bad_queries_and_policy(cloud, migrated):
    assert _list(cloud, '?marker=nope', status=400)['badRequest']['message'] == \
        'Marker nope could not be found.'
    _list(cloud, '?limit=-1', status=400)
    _list(cloud, '?user_id=x', version='2.79', status=400)
    _list(cloud, '?changes-since=yesterday', status=400)
    _list(cloud, '?changes-since=2024-01-02T00:00:00Z&changes-before=2024-01-01T00:00:00Z',
          version='2.66', status=400)
    # Unknown parameters are ignored before 2.59, as in Nova.
    assert len(_list(cloud, '?foo=1', version='2.58')['migrations']) == 3
    _list(cloud, token='demo:demo', status=403)


def test_server_migrations_are_in_progress_live_ones(cloud, migrated):
    live = migrated[2]
    path = '/v2.1/servers/%s/migrations' % live['instance_uuid']
    found = cloud.get(path, version='2.80').json['migrations']
    assert [m['id'] for m in found] == [live['id']]
    assert found[0]['server_uuid'] == live['instance_uuid']
    assert found[0]['memory_total_bytes'] is None and found[0]['uuid'] == live['uuid']
    shown = cloud.get('%s/%d' % (path, live['id']), version='2.23').json['migration']
    assert shown['status'] == 'running' and 'uuid' not in shown
    _add(cloud, 3, status='finished', migration_type='live-migration',
         instance_uuid=live['instance_uuid'])
    assert len(cloud.get(path, version='2.23').json['migrations']) == 1
    assert cloud.get('%s/%d' % (path, migrated[0]['id']), version='2.23',
                     status=404).json['itemNotFound']['message'] == (
        'In-progress live migration %d is not found for server %s.'
        % (migrated[0]['id'], live['instance_uuid']))
    cloud.get(path, version='2.22', status=404)
    cloud.get(path, version='2.23', token='demo:demo', status=403)
