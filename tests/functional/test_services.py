"""os-services across cells, and the services data layer under it."""
import re

from oslo_utils import uuidutils
import pytest

from nova_common.conf import CONF
from nova_common.db.api import cells
from nova_common.db.api import compute_nodes
from nova_common.db.api import services
from nova_common import exception
from tests.functional import compute_records as records

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')


@pytest.fixture
def deployment(cloud):
    """cell0: a scheduler and a conductor; cell1: a conductor and two computes."""
    found = {
        'scheduler': records.add_service(cloud, cloud.cell0, 'ctl', 'nova-scheduler'),
        'super': records.add_service(cloud, cloud.cell0, 'ctl', 'nova-conductor'),
        'conductor': records.add_service(cloud, cloud.cell1, 'cell1-ctl', 'nova-conductor'),
        'compute1': records.add_service(cloud, cloud.cell1, 'compute1'),
        'compute2': records.add_service(cloud, cloud.cell1, 'compute2'),
    }
    return found


def _by_host_binary(resp):
    return {(s['host'], s['binary']): s for s in resp.json['services']}


def _service(cloud, cell, service):
    with records.in_cell(cloud, cell) as ctx:
        return services.get_by_id(ctx, service['id'])


# --- listing -------------------------------------------------------------

def test_list_shows_every_cell_at_2_1(cloud, deployment):
    resp = cloud.get('/v2.1/os-services', status=200)
    listed = _by_host_binary(resp)
    assert set(listed) == {('ctl', 'nova-scheduler'), ('ctl', 'nova-conductor'),
                           ('cell1-ctl', 'nova-conductor'), ('compute1', 'nova-compute'),
                           ('compute2', 'nova-compute')}
    compute = listed[('compute1', 'nova-compute')]
    assert TIMESTAMP.match(compute.pop('updated_at'))
    assert compute == {'id': deployment['compute1']['id'], 'binary': 'nova-compute',
                       'host': 'compute1', 'zone': 'nova', 'status': 'enabled',
                       'state': 'up', 'disabled_reason': None}
    assert listed[('ctl', 'nova-scheduler')]['zone'] == 'internal'


def test_forced_down_from_2_11_and_uuids_from_2_53(cloud, deployment):
    at_210 = _by_host_binary(cloud.get('/v2.1/os-services', version='2.10'))
    assert 'forced_down' not in at_210[('compute1', 'nova-compute')]
    at_211 = _by_host_binary(cloud.get('/v2.1/os-services', version='2.11'))
    assert at_211[('compute1', 'nova-compute')]['forced_down'] is False
    assert at_211[('compute1', 'nova-compute')]['id'] == deployment['compute1']['id']
    at_253 = _by_host_binary(cloud.get('/v2.1/os-services', version='2.53'))
    assert at_253[('compute1', 'nova-compute')]['id'] == deployment['compute1']['uuid']


def test_filters_by_host_and_binary(cloud, deployment):
    resp = cloud.get('/v2.1/os-services?host=ctl', status=200)
    assert sorted(s['binary'] for s in resp.json['services']) == [
        'nova-conductor', 'nova-scheduler']
    resp = cloud.get('/v2.1/os-services?binary=nova-compute&host=compute2', status=200)
    assert [s['host'] for s in resp.json['services']] == ['compute2']
    resp = cloud.get('/v2.1/os-services?host=nowhere', status=200)
    assert resp.json == {'services': []}


def test_unknown_query_parameters_refused_from_2_75(cloud, deployment):
    cloud.get('/v2.1/os-services?foo=bar', version='2.74', status=200)
    resp = cloud.get('/v2.1/os-services?foo=bar', version='2.75', status=400)
    assert resp.json['badRequest']['code'] == 400


def test_api_services_are_not_listed(cloud, deployment):
    with records.in_cell(cloud, cloud.cell0) as ctx:
        services.get_or_create(ctx, 'ctl', 'nova-osapi_compute', 'osapi_compute', 1)
    listed = _by_host_binary(cloud.get('/v2.1/os-services'))
    assert ('ctl', 'nova-osapi_compute') not in listed


def test_listing_is_admin_only(cloud, deployment):
    resp = cloud.get('/v2.1/os-services', token='demo:demo', status=403)
    assert resp.json['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-services:list to be performed.")


def test_state_follows_service_down_time(cloud, deployment):
    records.set_heartbeat_age(cloud, cloud.cell1, deployment['compute1'], 30)
    assert _by_host_binary(cloud.get('/v2.1/os-services'))[
        ('compute1', 'nova-compute')]['state'] == 'up'
    CONF.set_override('service_down_time', 20)
    listed = _by_host_binary(cloud.get('/v2.1/os-services'))
    assert listed[('compute1', 'nova-compute')]['state'] == 'down'
    assert listed[('compute2', 'nova-compute')]['state'] == 'up'


def test_a_service_that_never_reported_is_down(cloud):
    records.add_service(cloud, cloud.cell1, 'silent', up=False)
    listed = _by_host_binary(cloud.get('/v2.1/os-services'))
    assert listed[('silent', 'nova-compute')]['state'] == 'down'


@pytest.fixture
def broken_cell(cloud, tmp_path):
    """A third cell whose database cannot be opened, with a mapped host."""
    CONF.set_override('max_retries', 0, group='database')
    cell = cells.create_cell(cloud.admin_context, 'cell2',
                             'sqlite:///%s/missing/dir/cell2.db' % tmp_path, 'fake:/')
    cells.map_host(cloud.admin_context, 'lost-compute', cell['uuid'])
    return cell


def test_a_down_cell_is_skipped_before_2_69(cloud, deployment, broken_cell):
    listed = _by_host_binary(cloud.get('/v2.1/os-services', version='2.68', status=200))
    assert ('compute1', 'nova-compute') in listed
    assert ('lost-compute', 'nova-compute') not in listed


def test_a_down_cell_shows_its_hosts_as_unknown_from_2_69(cloud, deployment, broken_cell):
    listed = _by_host_binary(cloud.get('/v2.1/os-services', version='2.69', status=200))
    assert listed[('lost-compute', 'nova-compute')] == {
        'binary': 'nova-compute', 'host': 'lost-compute', 'status': 'UNKNOWN'}
    assert listed[('compute1', 'nova-compute')]['status'] == 'enabled'
    filtered = cloud.get('/v2.1/os-services?host=compute1', version='2.69').json
    assert [s['host'] for s in filtered['services']] == ['compute1']


# --- updates before 2.53 -------------------------------------------------

def test_disable_and_enable_by_host_and_binary(cloud, deployment):
    body = {'host': 'compute1', 'binary': 'nova-compute'}
    resp = cloud.put('/v2.1/os-services/disable', body=body, status=200)
    assert resp.json == {'service': {'host': 'compute1', 'binary': 'nova-compute',
                                     'status': 'disabled'}}
    assert _service(cloud, cloud.cell1, deployment['compute1'])['disabled'] is True

    resp = cloud.put('/v2.1/os-services/disable-log-reason',
                     body=dict(body, disabled_reason='maintenance'), status=200)
    assert resp.json['service'] == {'host': 'compute1', 'binary': 'nova-compute',
                                    'status': 'disabled', 'disabled_reason': 'maintenance'}
    listed = _by_host_binary(cloud.get('/v2.1/os-services'))
    assert listed[('compute1', 'nova-compute')]['status'] == 'disabled'
    assert listed[('compute1', 'nova-compute')]['disabled_reason'] == 'maintenance'

    resp = cloud.put('/v2.1/os-services/enable', body=body, status=200)
    assert resp.json == {'service': {'host': 'compute1', 'binary': 'nova-compute',
                                     'status': 'enabled'}}
    record = _service(cloud, cloud.cell1, deployment['compute1'])
    assert (record['disabled'], record['disabled_reason']) == (False, None)


def test_force_down_from_2_11(cloud, deployment):
    body = {'host': 'compute1', 'binary': 'nova-compute', 'forced_down': True}
    resp = cloud.put('/v2.1/os-services/force-down', body=body, version='2.11', status=200)
    assert resp.json == {'service': {'host': 'compute1', 'binary': 'nova-compute',
                                     'forced_down': True}}
    listed = _by_host_binary(cloud.get('/v2.1/os-services', version='2.11'))
    assert listed[('compute1', 'nova-compute')]['state'] == 'down'
    assert listed[('compute1', 'nova-compute')]['forced_down'] is True

    body['forced_down'] = 'false'
    resp = cloud.put('/v2.1/os-services/force-down', body=body, version='2.11', status=200)
    assert resp.json['service']['forced_down'] is False
    assert _by_host_binary(cloud.get('/v2.1/os-services'))[
        ('compute1', 'nova-compute')]['state'] == 'up'


def test_force_down_does_not_exist_before_2_11(cloud, deployment):
    body = {'host': 'compute1', 'binary': 'nova-compute'}
    resp = cloud.put('/v2.1/os-services/force-down', body=body, version='2.10', status=404)
    assert resp.json['itemNotFound']['message'] == 'Unknown action'
    cloud.put('/v2.1/os-services/force-down', body=dict(body, forced_down=True),
              version='2.10', status=400)


@pytest.mark.parametrize('path, body, version, status, message', [
    ('/v2.1/os-services/reboot', {'host': 'compute1', 'binary': 'nova-compute'}, None,
     404, 'Unknown action'),
    ('/v2.1/os-services/disable', {'host': 'ctl', 'binary': 'nova-scheduler'}, None,
     400, 'Updating a nova-scheduler service is not supported. Only nova-compute '
          'services can be updated.'),
    ('/v2.1/os-services/disable', {'host': 'nowhere', 'binary': 'nova-compute'}, None,
     404, "Host 'nowhere' is not mapped to any cell"),
    ('/v2.1/os-services/disable-log-reason', {'host': 'compute1', 'binary': 'nova-compute'},
     None, 400, 'Missing disabled reason field'),
    ('/v2.1/os-services/force-down', {'host': 'compute1', 'binary': 'nova-compute'}, '2.11',
     400, 'Missing forced_down field'),
])
def test_update_by_action_errors(cloud, deployment, path, body, version, status, message):
    resp = cloud.put(path, body=body, version=version, status=status)
    assert list(resp.json.values())[0]['message'] == message
    assert _service(cloud, cloud.cell1, deployment['compute1'])['disabled'] is False


def test_update_by_action_validates_the_body(cloud, deployment):
    cloud.put('/v2.1/os-services/disable', body={'host': 'compute1'}, status=400)
    cloud.put('/v2.1/os-services/disable', body={'host': 'bad host!', 'binary': 'x'},
              status=400)
    cloud.put('/v2.1/os-services/disable',
              body={'host': 'compute1', 'binary': 'nova-compute', 'status': 'x'}, status=400)


def test_mapped_host_without_that_binary_is_404(cloud, deployment):
    cells.map_host(cloud.admin_context, 'cell1-ctl', cloud.cell1['uuid'])
    resp = cloud.put('/v2.1/os-services/disable',
                     body={'host': 'compute1', 'binary': 'nova-compute'}, status=200)
    assert resp.status_int == 200
    with records.in_cell(cloud, cloud.cell1) as ctx:
        services.destroy(ctx, deployment['compute2']['id'])
    resp = cloud.put('/v2.1/os-services/disable',
                     body={'host': 'compute2', 'binary': 'nova-compute'}, status=404)
    assert resp.json['itemNotFound']['message'] == (
        'Could not find binary nova-compute on host compute2.')


def test_updates_are_admin_only(cloud, deployment):
    cloud.put('/v2.1/os-services/disable', token='demo:demo',
              body={'host': 'compute1', 'binary': 'nova-compute'}, status=403)
    cloud.put('/v2.1/os-services/%s' % deployment['compute1']['uuid'], token='demo:demo',
              body={'status': 'disabled'}, version='2.53', status=403)
    assert _service(cloud, cloud.cell1, deployment['compute1'])['disabled'] is False


# --- updates from 2.53 ---------------------------------------------------

def test_update_by_uuid(cloud, deployment):
    path = '/v2.1/os-services/%s' % deployment['compute1']['uuid']
    resp = cloud.put(path, body={'status': 'disabled', 'disabled_reason': 'broken disk'},
                     version='2.53', status=200)
    service = resp.json['service']
    assert TIMESTAMP.match(service.pop('updated_at'))
    assert service == {'id': deployment['compute1']['uuid'], 'binary': 'nova-compute',
                       'host': 'compute1', 'zone': 'nova', 'status': 'disabled',
                       'state': 'up', 'disabled_reason': 'broken disk',
                       'forced_down': False}

    resp = cloud.put(path, body={'forced_down': True}, version='2.53', status=200)
    assert (resp.json['service']['state'], resp.json['service']['forced_down']) == (
        'down', True)
    assert resp.json['service']['status'] == 'disabled'

    resp = cloud.put(path, body={'status': 'enabled', 'forced_down': False},
                     version='2.53', status=200)
    assert resp.json['service']['status'] == 'enabled'
    assert resp.json['service']['disabled_reason'] is None
    assert resp.json['service']['state'] == 'up'


@pytest.mark.parametrize('body, message', [
    ({'status': 'enabled', 'disabled_reason': 'x'},
     "Specifying 'disabled_reason' with status 'enabled' is invalid."),
    ({}, "No updates were requested. Fields 'status' or 'forced_down' should be specified."),
    ({'disabled_reason': 'x'},
     "No updates were requested. Fields 'status' or 'forced_down' should be specified."),
])
def test_update_by_uuid_refuses_meaningless_bodies(cloud, deployment, body, message):
    resp = cloud.put('/v2.1/os-services/%s' % deployment['compute1']['uuid'], body=body,
                     version='2.53', status=400)
    assert resp.json['badRequest']['message'] == message


def test_update_by_uuid_schema(cloud, deployment):
    path = '/v2.1/os-services/%s' % deployment['compute1']['uuid']
    cloud.put(path, body={'status': 'off'}, version='2.53', status=400)
    cloud.put(path, body={'forced_down': 'maybe'}, version='2.53', status=400)
    cloud.put(path, body={'status': 'disabled', 'host': 'x'}, version='2.53', status=400)
    cloud.put(path, body={'status': 'disabled', 'disabled_reason': ''}, version='2.53',
              status=400)
    assert _service(cloud, cloud.cell1, deployment['compute1'])['disabled'] is False


def test_update_by_uuid_bad_and_unknown_ids(cloud, deployment):
    resp = cloud.put('/v2.1/os-services/disable', version='2.53', status=400,
                     body={'status': 'disabled'})
    assert resp.json['badRequest']['message'] == 'Invalid uuid disable'
    unknown = '5c8e5e6e-1111-4d2c-9a55-000000000000'
    resp = cloud.put('/v2.1/os-services/%s' % unknown, body={'status': 'disabled'},
                     version='2.53', status=404)
    assert resp.json['itemNotFound']['message'] == 'Service %s could not be found.' % unknown
    resp = cloud.put('/v2.1/os-services/%s' % deployment['scheduler']['uuid'],
                     body={'status': 'disabled'}, version='2.53', status=400)
    assert 'nova-scheduler service is not supported' in resp.json['badRequest']['message']


def test_forcing_up_is_refused_while_evacuations_are_done(cloud, deployment):
    path = '/v2.1/os-services/%s' % deployment['compute1']['uuid']
    cloud.put(path, body={'forced_down': True}, version='2.53', status=200)
    records.add_migration(cloud, cloud.cell1, 'compute1', 'done', 'evacuation',
                          dest='compute2')
    resp = cloud.put(path, body={'forced_down': False}, version='2.53', status=400)
    assert resp.json['badRequest']['message'].startswith(
        'Unable to force up host compute1 as `done` evacuation migration records remain')
    assert _service(cloud, cloud.cell1, deployment['compute1'])['forced_down'] is True


# --- delete ----------------------------------------------------------------

def test_delete_compute_by_uuid_removes_nodes_and_host_mapping(cloud, deployment):
    records.add_node(cloud, cloud.cell1, deployment['compute1'])
    cloud.delete('/v2.1/os-services/%s' % deployment['compute1']['uuid'], version='2.53',
                 status=204)
    listed = _by_host_binary(cloud.get('/v2.1/os-services'))
    assert ('compute1', 'nova-compute') not in listed
    with records.in_cell(cloud, cloud.cell1) as ctx:
        assert compute_nodes.list(ctx, host='compute1') == []
    assert [m['host'] for m in cells.list_host_mappings(cloud.admin_context)] == ['compute2']
    cloud.delete('/v2.1/os-services/%s' % deployment['compute1']['uuid'], version='2.53',
                 status=404)


def test_delete_by_integer_id_before_2_53(cloud, deployment):
    # Ids repeat from cell to cell: id 3 exists only in cell1 (compute2).
    assert deployment['compute2']['id'] == 3
    cloud.delete('/v2.1/os-services/3', status=204)
    assert ('compute2', 'nova-compute') not in _by_host_binary(
        cloud.get('/v2.1/os-services'))
    resp = cloud.delete('/v2.1/os-services/1', status=400)
    assert resp.json['badRequest']['message'] == 'Service id 1 refers to multiple services.'
    resp = cloud.delete('/v2.1/os-services/42', status=404)
    assert resp.json['itemNotFound']['message'] == 'Service 42 not found.'
    resp = cloud.delete('/v2.1/os-services/abc', status=400)
    assert resp.json['badRequest']['message'] == (
        'Invalid input received: id must be an integer')


def test_delete_id_must_be_a_uuid_from_2_53(cloud, deployment):
    resp = cloud.delete('/v2.1/os-services/3', version='2.53', status=400)
    assert resp.json['badRequest']['message'] == 'Invalid uuid 3'


def test_delete_a_compute_hosting_instances_is_409(cloud, deployment):
    records.add_instance(cloud, cloud.cell1, 'compute1')
    resp = cloud.delete('/v2.1/os-services/%s' % deployment['compute1']['uuid'],
                        version='2.53', status=409)
    assert resp.json['conflictingRequest']['message'] == (
        'Unable to delete compute service that is hosting instances. Migrate or '
        'delete the instances first.')
    assert ('compute1', 'nova-compute') in _by_host_binary(cloud.get('/v2.1/os-services'))
    assert 'compute1' in [m['host'] for m in cells.list_host_mappings(cloud.admin_context)]


def test_deleted_instances_do_not_block_the_delete(cloud, deployment):
    records.add_instance(cloud, cloud.cell1, 'compute1', deleted=True)
    cloud.delete('/v2.1/os-services/%s' % deployment['compute1']['uuid'], version='2.53',
                 status=204)


def test_delete_a_compute_with_in_progress_migrations_is_409(cloud, deployment):
    records.add_node(cloud, cloud.cell1, deployment['compute1'])
    records.add_migration(cloud, cloud.cell1, 'compute1', 'migrating', dest='compute2')
    resp = cloud.delete('/v2.1/os-services/%s' % deployment['compute1']['uuid'],
                        version='2.53', status=409)
    assert 'in-progress migrations' in resp.json['conflictingRequest']['message']


def test_delete_a_non_compute_service(cloud, deployment):
    cloud.delete('/v2.1/os-services/%s' % deployment['scheduler']['uuid'], version='2.53',
                 status=204)
    assert ('ctl', 'nova-scheduler') not in _by_host_binary(cloud.get('/v2.1/os-services'))


def test_delete_is_admin_only(cloud, deployment):
    cloud.delete('/v2.1/os-services/%s' % deployment['compute1']['uuid'], version='2.53',
                 token='demo:demo', status=403)


def test_other_methods_are_405(cloud, deployment):
    cloud.get('/v2.1/os-services/%s' % deployment['compute1']['uuid'], status=405)


# --- the data layer ----------------------------------------------------------

def test_get_or_create_is_idempotent_and_refreshes_version(cloud):
    with records.in_cell(cloud, cloud.cell1) as ctx:
        first = services.get_or_create(ctx, 'h', 'nova-compute', 'compute', 1)
        again = services.get_or_create(ctx, 'h', 'nova-compute', 'compute', 2)
        assert again['id'] == first['id'] and again['uuid'] == first['uuid']
        assert again['version'] == 2
        assert uuidutils.is_uuid_like(first['uuid'])
        assert (first['report_count'], first['disabled'], first['forced_down']) == (
            0, False, False)


def test_heartbeat_counts_and_stamps(cloud):
    with records.in_cell(cloud, cloud.cell1) as ctx:
        service = services.get_or_create(ctx, 'h', 'nova-compute', 'compute', 1)
        beat = services.heartbeat(ctx, service['id'])
        beat = services.heartbeat(ctx, service['id'])
        assert beat['report_count'] == 2
        assert beat['last_seen_up'] is not None and beat['last_seen_up'].tzinfo is None


def test_heartbeat_of_a_deleted_service_is_not_found(cloud):
    with records.in_cell(cloud, cloud.cell1) as ctx:
        service = services.get_or_create(ctx, 'h', 'nova-compute', 'compute', 1)
        services.destroy(ctx, service['id'])
        with pytest.raises(exception.ServiceNotFound):
            services.heartbeat(ctx, service['id'])
        reborn = services.get_or_create(ctx, 'h', 'nova-compute', 'compute', 1)
        assert reborn['id'] != service['id']
        assert [s['id'] for s in services.list(ctx)] == [reborn['id']]


def test_lookups_and_their_not_found(cloud):
    with records.in_cell(cloud, cloud.cell1) as ctx:
        service = services.get_or_create(ctx, 'h', 'nova-compute', 'compute', 1)
        assert services.get_by_uuid(ctx, service['uuid'])['id'] == service['id']
        assert services.get_by_host_and_binary(ctx, 'h', 'nova-compute')['id'] == service['id']
        assert services.get_compute_by_host(ctx, 'h')['id'] == service['id']
        with pytest.raises(exception.HostBinaryNotFound):
            services.get_by_host_and_binary(ctx, 'h', 'nova-scheduler')
        with pytest.raises(exception.ComputeHostNotFound):
            services.get_compute_by_host(ctx, 'other')
        with pytest.raises(exception.ServiceNotFound):
            services.get_by_id(ctx, 999)
        with pytest.raises(exception.ServiceNotFound):
            services.update(ctx, 999, {'disabled': True})


def test_services_are_per_cell(cloud):
    with records.in_cell(cloud, cloud.cell0) as ctx:
        services.get_or_create(ctx, 'h', 'nova-scheduler', 'scheduler', 1)
    with records.in_cell(cloud, cloud.cell1) as ctx:
        assert services.list(ctx) == []
