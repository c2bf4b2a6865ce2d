"""The API framework: version documents, microversion negotiation, request
ids, faults for bad input, the body size limit and authentication."""


def test_root_lists_versions_without_auth(cloud):
    resp = cloud.get('/', token=None, status=200)
    versions = resp.json['versions']
    assert [v['id'] for v in versions] == ['v2.0', 'v2.1']
    assert versions[0]['status'] == 'DEPRECATED'
    assert versions[1]['status'] == 'CURRENT'
    assert versions[1]['min_version'] == '2.1'
    assert versions[1]['version'] == '2.100'
    assert versions[1]['links'][0]['href'] == 'http://localhost/v2.1/'


def test_v21_document(cloud):
    resp = cloud.get('/v2.1', token=None, status=200)
    assert resp.json['version']['id'] == 'v2.1'
    assert resp.json['version']['media-types'][0]['base'] == 'application/json'
    assert cloud.get('/v2.1/', token=None, status=200).json == resp.json


def test_every_response_carries_request_ids(cloud):
    resp = cloud.get('/v2.1/no-such-thing', status=404)
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    assert resp.headers['x-compute-request-id'] == resp.headers['x-openstack-request-id']


def test_unknown_path_is_a_nova_fault(cloud):
    resp = cloud.get('/v2.1/no-such-thing', status=404)
    assert resp.json == {'itemNotFound': {'code': 404,
                                          'message': 'The resource could not be found.'}}


def test_missing_token_is_401(cloud):
    resp = cloud.get('/v2.1/flavors', token=None, status=401)
    assert resp.json['unauthorized']['code'] == 401


def test_microversion_out_of_range_is_406_with_headers(cloud):
    resp = cloud.get('/v2.1/flavors', version='2.999', status=406)
    assert resp.json['notAcceptable']['code'] == 406
    assert 'Vary' in resp.headers


def test_malformed_microversion_is_400(cloud):
    resp = cloud.get('/v2.1/flavors', version='two', status=400)
    assert resp.json['badRequest']['code'] == 400


def test_legacy_header_is_honoured_and_echoed(cloud):
    resp = cloud.get('/v2.1/no-such', headers={'X-OpenStack-Nova-API-Version': '2.53'},
                     status=404)
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.53'
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.53'


def test_latest_means_the_maximum(cloud):
    resp = cloud.get('/v2.1/no-such', version='latest', status=404)
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.100'


def test_body_over_the_limit_is_413(cloud):
    cloud_body = {'x': 'y' * 200000}
    resp = cloud.post('/v2.1/flavors', body=cloud_body, status=413)
    assert resp.json['overLimit']['code'] == 413


def test_project_id_in_url_must_match_the_token(cloud):
    resp = cloud.get('/v2.1/other/flavors', token='demo:demo', status=400)
    assert "doesn't match" in resp.json['badRequest']['message']


def test_v2_is_the_base_version_of_v21(cloud):
    document = cloud.get('/v2/', token=None, status=200).json['version']
    assert document['id'] == 'v2.0' and document['status'] == 'DEPRECATED'
    assert document['links'][0]['href'].endswith('/v2/')
    cloud.post('/v2', {}, token=None, status=405)
    response = cloud.get('/v2/flavors', version='2.100', status=200)
    assert response.headers['OpenStack-API-Version'] == 'compute 2.1'
    assert 'flavors' in response.json
    cloud.get('/v2/flavors', token=None, status=401)
    cloud.get('/v2/no-such-thing', status=404)
