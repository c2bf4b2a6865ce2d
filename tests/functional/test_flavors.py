"""Flavors, flavor access and flavor extra specs through the real API."""
import pytest

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'other:other'


def _create(cloud, status=200, version=None, token=ADMIN, **fields):
    flavor = {'name': 'm1.small', 'ram': 2048, 'vcpus': 1, 'disk': 20}
    flavor.update(fields)
    return cloud.post('/v2.1/flavors', body={'flavor': flavor}, token=token,
                      version=version, status=status)


def _fault(resp, name):
    return resp.json[name]['message']


# --- create -------------------------------------------------------------------

def test_create_answers_the_flavor_at_2_1(cloud):
    resp = _create(cloud, id='10', swap=512, rxtx_factor=2.5,
                   **{'OS-FLV-EXT-DATA:ephemeral': 5})
    assert resp.json == {'flavor': {
        'id': '10', 'name': 'm1.small', 'ram': 2048, 'disk': 20, 'swap': 512,
        'OS-FLV-EXT-DATA:ephemeral': 5, 'OS-FLV-DISABLED:disabled': False,
        'vcpus': 1, 'os-flavor-access:is_public': True, 'rxtx_factor': 2.5,
        'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/flavors/10'},
                  {'rel': 'bookmark', 'href': 'http://localhost/flavors/10'}],
    }}


def test_create_defaults_and_string_numbers(cloud):
    flavor = _create(cloud, ram='1024', vcpus='2', disk='0', id=7).json['flavor']
    assert flavor['id'] == '7'
    assert (flavor['ram'], flavor['vcpus'], flavor['disk']) == (1024, 2, 0)
    assert flavor['swap'] == ''
    assert flavor['OS-FLV-EXT-DATA:ephemeral'] == 0
    assert flavor['rxtx_factor'] == 1.0


@pytest.mark.parametrize('flavor_id', [None, 'absent'])
def test_create_without_id_generates_a_uuid(cloud, flavor_id):
    fields = {} if flavor_id == 'absent' else {'id': None}
    flavor = _create(cloud, **fields).json['flavor']
    assert len(flavor['id']) == 36 and flavor['id'].count('-') == 4
    cloud.get('/v2.1/flavors/%s' % flavor['id'], status=200)


def test_create_at_2_55_takes_a_description_and_2_61_shows_extra_specs(cloud):
    flavor = _create(cloud, version='2.55', description='small one').json['flavor']
    assert flavor['description'] == 'small one'
    assert 'extra_specs' not in flavor
    flavor = _create(cloud, version='2.61', name='two', id='2').json['flavor']
    assert flavor['description'] is None
    assert flavor['extra_specs'] == {}


def test_description_is_refused_before_2_55(cloud):
    resp = _create(cloud, status=400, version='2.54', description='x')
    assert 'Additional properties are not allowed' in _fault(resp, 'badRequest')


def test_private_flavor_is_not_shared_with_its_creator(cloud):
    _create(cloud, id='p1', **{'os-flavor-access:is_public': 'false'})
    resp = cloud.get('/v2.1/flavors/p1/os-flavor-access', status=200)
    assert resp.json == {'flavor_access': []}


@pytest.mark.parametrize('fields', [
    {'name': ''},
    {'name': ' leading'},
    {'name': 'trailing '},
    {'name': 'x' * 256},
    {'name': 'tab\tinside'},
    {'ram': 0},
    {'ram': -1},
    {'ram': 'lots'},
    {'vcpus': 0},
    {'disk': -1},
    {'swap': -1},
    {'OS-FLV-EXT-DATA:ephemeral': -1},
    {'ram': 2147483648},
    {'rxtx_factor': 0},
    {'rxtx_factor': 'fast'},
    {'os-flavor-access:is_public': 'maybe'},
    {'id': ''},
    {'id': ' space'},
    {'id': 'slash/id'},
    {'id': 'x' * 256},
    {'unknown': 1},
])
def test_create_refuses_bad_fields(cloud, fields):
    resp = _create(cloud, status=400, **fields)
    assert resp.json['badRequest']['code'] == 400
    assert cloud.get('/v2.1/flavors?is_public=none', status=200).json['flavors'] == []


def test_create_refuses_a_missing_required_field_and_a_bad_body(cloud):
    resp = cloud.post('/v2.1/flavors', body={'flavor': {'name': 'x', 'ram': 1, 'vcpus': 1}},
                      status=400)
    assert "'disk' is a required property" in _fault(resp, 'badRequest')
    cloud.post('/v2.1/flavors', body={'flavour': {}}, status=400)
    cloud.post('/v2.1/flavors', body=['flavor'], status=400)


def test_out_of_range_integer_given_as_string_is_400_not_500(cloud):
    resp = _create(cloud, status=400, ram='99999999999')
    assert 'ram must be <= 2147483647' in _fault(resp, 'badRequest')


def test_invalid_name_message_is_novas(cloud):
    resp = _create(cloud, status=400, name=' x')
    assert _fault(resp, 'badRequest') == (
        "An invalid 'name' value was provided. The name must be: printable "
        "characters. Can not start or end with whitespace.")


def test_duplicate_id_or_name_is_409(cloud):
    _create(cloud, id='1', name='one')
    resp = _create(cloud, status=409, id='1', name='another')
    assert _fault(resp, 'conflictingRequest') == 'Flavor with ID 1 already exists.'
    resp = _create(cloud, status=409, id='2', name='one')
    assert _fault(resp, 'conflictingRequest') == 'Flavor with name one already exists.'
    assert [f['id'] for f in cloud.get('/v2.1/flavors').json['flavors']] == ['1']


def test_non_admin_may_not_create_update_or_delete(cloud):
    resp = _create(cloud, status=403, token=DEMO)
    assert _fault(resp, 'forbidden') == (
        "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.")
    _create(cloud, id='1')
    cloud.put('/v2.1/flavors/1', body={'flavor': {'description': 'x'}}, version='2.55',
              token=DEMO, status=403)
    cloud.delete('/v2.1/flavors/1', token=DEMO, status=403)
    cloud.get('/v2.1/flavors/1', token=DEMO, status=200)


# --- show / list --------------------------------------------------------------

def test_show_unknown_flavor_is_404(cloud):
    resp = cloud.get('/v2.1/flavors/nope', status=404)
    assert resp.json == {'itemNotFound': {'code': 404,
                                          'message': 'Flavor nope could not be found.'}}


def test_swap_is_zero_from_2_75(cloud):
    _create(cloud, id='1')
    assert cloud.get('/v2.1/flavors/1', version='2.74').json['flavor']['swap'] == ''
    assert cloud.get('/v2.1/flavors/1', version='2.75').json['flavor']['swap'] == 0
    _create(cloud, id='2', name='swapped', swap=128)
    assert cloud.get('/v2.1/flavors/2', version='2.74').json['flavor']['swap'] == 128


def test_show_fields_per_microversion(cloud):
    _create(cloud, id='1', version='2.55', description='desc')
    cloud.post('/v2.1/flavors/1/os-extra_specs', body={'extra_specs': {'hw:numa_nodes': '1'}})
    old = cloud.get('/v2.1/flavors/1').json['flavor']
    assert 'description' not in old and 'extra_specs' not in old
    v255 = cloud.get('/v2.1/flavors/1', version='2.55').json['flavor']
    assert v255['description'] == 'desc' and 'extra_specs' not in v255
    latest = cloud.get('/v2.1/flavors/1', version='2.100').json['flavor']
    assert latest['extra_specs'] == {'hw:numa_nodes': '1'}
    assert latest['swap'] == 0
    # Members of a project may read extra specs by default.
    member = cloud.get('/v2.1/flavors/1', version='2.61', token=DEMO).json['flavor']
    assert member['extra_specs'] == {'hw:numa_nodes': '1'}


def test_index_and_detail_shapes(cloud):
    _create(cloud, id='1', name='one')
    index = cloud.get('/v2.1/flavors').json
    assert index == {'flavors': [{
        'id': '1', 'name': 'one',
        'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/flavors/1'},
                  {'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]}]}
    assert cloud.get('/v2.1/flavors', version='2.55').json['flavors'][0]['description'] is None
    detail = cloud.get('/v2.1/flavors/detail', version='2.61').json['flavors'][0]
    assert set(detail) == {
        'id', 'name', 'ram', 'disk', 'swap', 'OS-FLV-EXT-DATA:ephemeral',
        'OS-FLV-DISABLED:disabled', 'vcpus', 'os-flavor-access:is_public',
        'rxtx_factor', 'links', 'description', 'extra_specs'}


def _ids(resp):
    return [f['id'] for f in resp.json['flavors']]


@pytest.fixture
def three_flavors(cloud):
    _create(cloud, id='1', name='tiny', ram=512, disk=1)
    _create(cloud, id='2', name='small', ram=2048, disk=20)
    _create(cloud, id='3', name='large', ram=8192, disk=80)
    return cloud


def test_min_ram_and_min_disk_filters(three_flavors):
    cloud = three_flavors
    assert _ids(cloud.get('/v2.1/flavors?minRam=2048')) == ['2', '3']
    assert _ids(cloud.get('/v2.1/flavors/detail?minDisk=21')) == ['3']
    assert _ids(cloud.get('/v2.1/flavors?minRam=1000&minDisk=30')) == ['3']
    resp = cloud.get('/v2.1/flavors?minRam=big', status=400)
    assert _fault(resp, 'badRequest') == 'Invalid minRam filter [big]'
    resp = cloud.get('/v2.1/flavors?minDisk=1.5', status=400)
    assert _fault(resp, 'badRequest') == 'Invalid minDisk filter [1.5]'


def test_sorting(three_flavors):
    cloud = three_flavors
    assert _ids(cloud.get('/v2.1/flavors?sort_key=name')) == ['3', '2', '1']
    assert _ids(cloud.get('/v2.1/flavors?sort_key=memory_mb&sort_dir=desc')) == ['3', '2', '1']
    assert _ids(cloud.get('/v2.1/flavors?sort_dir=desc')) == ['3', '2', '1']
    cloud.get('/v2.1/flavors?sort_key=ram', status=400)
    cloud.get('/v2.1/flavors?sort_dir=up', status=400)


def test_paging_with_limit_and_marker(three_flavors):
    cloud = three_flavors
    first = cloud.get('/v2.1/flavors?limit=2').json
    assert [f['id'] for f in first['flavors']] == ['1', '2']
    assert first['flavors_links'] == [
        {'rel': 'next', 'href': 'http://localhost/v2.1/flavors?limit=2&marker=2'}]
    last = cloud.get('/v2.1/flavors?limit=2&marker=2').json
    assert [f['id'] for f in last['flavors']] == ['3']
    assert 'flavors_links' not in last
    detail = cloud.get('/v2.1/flavors/detail?limit=1&sort_key=name').json
    assert detail['flavors_links'][0]['href'] == (
        'http://localhost/v2.1/flavors/detail?limit=1&sort_key=name&marker=3')
    resp = cloud.get('/v2.1/flavors?marker=nope', status=400)
    assert _fault(resp, 'badRequest') == 'marker [nope] not found'
    cloud.get('/v2.1/flavors?limit=-1', status=400)
    cloud.get('/v2.1/flavors?limit=many', status=400)


def test_max_limit_caps_the_page(three_flavors):
    from nova_common.conf import CONF
    CONF.set_override('max_limit', 2, group='api')
    resp = three_flavors.get('/v2.1/flavors?limit=50').json
    assert [f['id'] for f in resp['flavors']] == ['1', '2']
    assert resp['flavors_links'][0]['href'].endswith('marker=2')
    assert 'limit=50' in resp['flavors_links'][0]['href']


def test_unknown_query_parameter_refused_from_2_75(three_flavors):
    cloud = three_flavors
    cloud.get('/v2.1/flavors?foo=1', version='2.74', status=200)
    cloud.get('/v2.1/flavors/detail?foo=1', version='2.75', status=400)


@pytest.fixture
def private_flavor(cloud):
    _create(cloud, id='pub', name='public')
    _create(cloud, id='priv', name='private', **{'os-flavor-access:is_public': False})
    return cloud


def test_private_flavor_visibility(private_flavor):
    cloud = private_flavor
    assert _ids(cloud.get('/v2.1/flavors', token=DEMO)) == ['pub']
    resp = cloud.get('/v2.1/flavors/priv', token=DEMO, status=404)
    assert _fault(resp, 'itemNotFound') == 'Flavor priv could not be found.'
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {'tenant': 'demo'}})
    assert _ids(cloud.get('/v2.1/flavors', token=DEMO)) == ['priv', 'pub']
    cloud.get('/v2.1/flavors/priv', token=DEMO, status=200)
    assert _ids(cloud.get('/v2.1/flavors', token=OTHER)) == ['pub']
    # A non-admin's is_public is ignored.
    assert _ids(cloud.get('/v2.1/flavors?is_public=false', token=OTHER)) == ['pub']
    assert _ids(cloud.get('/v2.1/flavors?is_public=none', token=OTHER)) == ['pub']


def test_admin_is_public_filter(private_flavor):
    cloud = private_flavor
    assert _ids(cloud.get('/v2.1/flavors')) == ['pub']
    assert _ids(cloud.get('/v2.1/flavors?is_public=true')) == ['pub']
    assert _ids(cloud.get('/v2.1/flavors?is_public=false')) == ['priv']
    assert _ids(cloud.get('/v2.1/flavors?is_public=None')) == ['priv', 'pub']
    cloud.get('/v2.1/flavors/priv', status=200)
    resp = cloud.get('/v2.1/flavors?is_public=perhaps', status=400)
    assert _fault(resp, 'badRequest') == 'Invalid is_public filter [perhaps]'


def test_project_id_url_form(three_flavors):
    cloud = three_flavors
    resp = cloud.get('/v2.1/demo/flavors?limit=1', token=DEMO)
    assert resp.json['flavors'][0]['links'][0]['href'] == 'http://localhost/v2.1/demo/flavors/1'
    assert resp.json['flavors'][0]['links'][1]['href'] == 'http://localhost/demo/flavors/1'
    assert resp.json['flavors_links'][0]['href'] == (
        'http://localhost/v2.1/demo/flavors?limit=1&marker=1')
    cloud.get('/v2.1/demo/flavors/2', token=DEMO, status=200)
    cloud.get('/v2.1/other/flavors/2', token=DEMO, status=400)


# --- update / delete ----------------------------------------------------------

def test_update_description(cloud):
    _create(cloud, id='1')
    resp = cloud.put('/v2.1/flavors/1', body={'flavor': {'description': 'new'}},
                     version='2.55', status=200)
    assert resp.json['flavor']['description'] == 'new'
    assert 'extra_specs' not in resp.json['flavor']
    resp = cloud.put('/v2.1/flavors/1', body={'flavor': {'description': None}},
                     version='2.61', status=200)
    assert resp.json['flavor']['description'] is None
    assert resp.json['flavor']['extra_specs'] == {}


def test_update_bad_requests(cloud):
    _create(cloud, id='1')
    cloud.put('/v2.1/flavors/1', body={'flavor': {'description': 'x'}}, version='2.54',
              status=404)
    cloud.put('/v2.1/flavors/1', body={'flavor': {'name': 'x'}}, version='2.55', status=400)
    cloud.put('/v2.1/flavors/1', body={'flavor': {}}, version='2.55', status=400)
    cloud.put('/v2.1/flavors/1', body={'flavor': {'description': 'a\nb'}}, version='2.55',
              status=400)
    cloud.put('/v2.1/flavors/1', body={'flavor': {'description': 'x' * 65536}},
              version='2.55', status=400)
    cloud.put('/v2.1/flavors/nope', body={'flavor': {'description': 'x'}}, version='2.55',
              status=404)
    assert cloud.get('/v2.1/flavors/1', version='2.55').json['flavor']['description'] is None


def test_delete(cloud):
    _create(cloud, id='1', **{'os-flavor-access:is_public': False})
    cloud.post('/v2.1/flavors/1/action', body={'addTenantAccess': {'tenant': 'demo'}})
    cloud.post('/v2.1/flavors/1/os-extra_specs', body={'extra_specs': {'a': 'b'}})
    resp = cloud.delete('/v2.1/flavors/1', status=202)
    assert resp.body == b''
    cloud.get('/v2.1/flavors/1', status=404)
    resp = cloud.delete('/v2.1/flavors/1', status=404)
    assert _fault(resp, 'itemNotFound') == 'Flavor 1 could not be found.'
    # Name and id are free again, without leftovers.
    flavor = _create(cloud, id='1', version='2.61').json['flavor']
    assert flavor['extra_specs'] == {}
    assert cloud.get('/v2.1/flavors/1/os-extra_specs').json == {'extra_specs': {}}


# --- os-flavor-access ---------------------------------------------------------

def test_flavor_access_add_list_remove(private_flavor):
    cloud = private_flavor
    resp = cloud.post('/v2.1/flavors/priv/action',
                      body={'addTenantAccess': {'tenant': 'demo'}}, status=200)
    assert resp.json == {'flavor_access': [{'flavor_id': 'priv', 'tenant_id': 'demo'}]}
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {'tenant': 'other'}})
    listed = cloud.get('/v2.1/flavors/priv/os-flavor-access', status=200).json
    assert listed == {'flavor_access': [{'flavor_id': 'priv', 'tenant_id': 'demo'},
                                        {'flavor_id': 'priv', 'tenant_id': 'other'}]}
    resp = cloud.post('/v2.1/flavors/priv/action',
                      body={'removeTenantAccess': {'tenant': 'demo'}}, status=200)
    assert resp.json == {'flavor_access': [{'flavor_id': 'priv', 'tenant_id': 'other'}]}
    cloud.get('/v2.1/flavors/priv', token=DEMO, status=404)


def test_flavor_access_errors(private_flavor):
    cloud = private_flavor
    resp = cloud.get('/v2.1/flavors/pub/os-flavor-access', status=404)
    assert _fault(resp, 'itemNotFound') == 'Access list not available for public flavors.'
    cloud.get('/v2.1/flavors/nope/os-flavor-access', status=404)
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {'tenant': 'demo'}})
    resp = cloud.post('/v2.1/flavors/priv/action',
                      body={'addTenantAccess': {'tenant': 'demo'}}, status=409)
    assert _fault(resp, 'conflictingRequest') == (
        'Flavor access already exists for flavor priv and project demo combination.')
    resp = cloud.post('/v2.1/flavors/priv/action',
                      body={'removeTenantAccess': {'tenant': 'other'}}, status=404)
    assert _fault(resp, 'itemNotFound') == (
        'Flavor access not found for priv / other combination.')
    cloud.post('/v2.1/flavors/nope/action', body={'addTenantAccess': {'tenant': 'x'}},
               status=404)
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {}}, status=400)
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {'tenant': ''}},
               status=400)
    resp = cloud.post('/v2.1/flavors/priv/action', body={'explode': {}}, status=400)
    assert _fault(resp, 'badRequest') == 'There is no such action: explode'
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {'tenant': 'a'},
                                                  'removeTenantAccess': {'tenant': 'a'}},
               status=400)


def test_public_flavor_access_conflicts_from_2_7(private_flavor):
    cloud = private_flavor
    resp = cloud.post('/v2.1/flavors/pub/action', body={'addTenantAccess': {'tenant': 'demo'}},
                      version='2.7', status=409)
    assert _fault(resp, 'conflictingRequest') == 'Can not add access to a public flavor.'
    cloud.post('/v2.1/flavors/pub/action', body={'addTenantAccess': {'tenant': 'demo'}},
               version='2.6', status=200)


def test_flavor_access_is_admin_only(private_flavor):
    cloud = private_flavor
    cloud.get('/v2.1/flavors/priv/os-flavor-access', token=DEMO, status=403)
    cloud.post('/v2.1/flavors/priv/action', body={'addTenantAccess': {'tenant': 'demo'}},
               token=DEMO, status=403)
    cloud.post('/v2.1/flavors/priv/action', body={'removeTenantAccess': {'tenant': 'demo'}},
               token=DEMO, status=403)
    assert cloud.get('/v2.1/flavors/priv/os-flavor-access').json == {'flavor_access': []}


# --- os-extra_specs -----------------------------------------------------------

def test_extra_specs_lifecycle(cloud):
    _create(cloud, id='1')
    base = '/v2.1/flavors/1/os-extra_specs'
    assert cloud.get(base).json == {'extra_specs': {}}
    body = {'extra_specs': {'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 1024}}
    resp = cloud.post(base, body=body, status=200)
    assert resp.json == body
    assert cloud.get(base).json == {'extra_specs': {'hw:cpu_policy': 'dedicated',
                                                    'quota:cpu_shares': '1024'}}
    resp = cloud.put(base + '/hw:cpu_policy', body={'hw:cpu_policy': 'shared'}, status=200)
    assert resp.json == {'hw:cpu_policy': 'shared'}
    assert cloud.get(base + '/hw:cpu_policy', status=200).json == {'hw:cpu_policy': 'shared'}
    cloud.post(base, body={'extra_specs': {'hw:cpu_policy': 'dedicated', 'k 1': 'v'}})
    assert cloud.get(base).json['extra_specs'] == {
        'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '1024', 'k 1': 'v'}
    resp = cloud.delete(base + '/hw:cpu_policy', status=200)
    assert resp.body == b''
    resp = cloud.get(base + '/hw:cpu_policy', status=404)
    assert _fault(resp, 'itemNotFound') == (
        'Flavor 1 has no extra specs with key hw:cpu_policy.')
    cloud.delete(base + '/hw:cpu_policy', status=404)
    assert cloud.get(base + '/k%201').json == {'k 1': 'v'}


def test_extra_specs_bad_requests(cloud):
    _create(cloud, id='1')
    base = '/v2.1/flavors/1/os-extra_specs'
    cloud.post(base, body={'extra_specs': {'bad/key': 'v'}}, status=400)
    cloud.post(base, body={'extra_specs': {'k': 'v' * 256}}, status=400)
    cloud.post(base, body={'extra_specs': {'k': True}}, status=400)
    cloud.post(base, body={'extra_specs': {'k': None}}, status=400)
    resp = cloud.post(base, body={'extra_specs': {'k': 10 ** 300}}, status=400)
    assert 'more than 255' in _fault(resp, 'badRequest')
    cloud.post(base, body={'specs': {}}, status=400)
    resp = cloud.put(base + '/a', body={'b': 'v'}, status=400)
    assert _fault(resp, 'badRequest') == 'Request body and URI mismatch'
    cloud.put(base + '/a', body={'a': 'v', 'b': 'v'}, status=400)
    cloud.put(base + '/a', body={}, status=400)
    cloud.post('/v2.1/flavors/nope/os-extra_specs', body={'extra_specs': {'a': 'b'}},
               status=404)
    cloud.get('/v2.1/flavors/nope/os-extra_specs', status=404)
    assert cloud.get(base).json == {'extra_specs': {}}


def test_extra_specs_policies_and_visibility(cloud):
    _create(cloud, id='1')
    _create(cloud, id='2', name='private', **{'os-flavor-access:is_public': False})
    base = '/v2.1/flavors/1/os-extra_specs'
    cloud.post(base, body={'extra_specs': {'a': 'b'}})
    assert cloud.get(base, token=DEMO).json == {'extra_specs': {'a': 'b'}}
    assert cloud.get(base + '/a', token=DEMO).json == {'a': 'b'}
    cloud.post(base, body={'extra_specs': {'a': 'c'}}, token=DEMO, status=403)
    cloud.put(base + '/a', body={'a': 'c'}, token=DEMO, status=403)
    cloud.delete(base + '/a', token=DEMO, status=403)
    cloud.get('/v2.1/flavors/2/os-extra_specs', token=DEMO, status=404)
    assert cloud.get(base).json == {'extra_specs': {'a': 'b'}}
