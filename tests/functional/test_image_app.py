"""The /image app (Glance v2 subset over the local store) through the whole
API application: create, upload, download, list, patch, delete, and the
visibility, ownership and error rules."""
import hashlib
import os
import urllib.parse

from oslo_serialization import jsonutils
import pytest
import webtest

from nova_api import app as api_app
from nova_common.conf import CONF

PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'
MISSING_ID = '9f6c4d6c-3e1f-4a3e-b0a4-1d6a5a0c2f11'


class ImageCloud:
    """The API application with images in a local store (no databases are
    needed under /image); requests as in the ``cloud`` fixture."""

    def __init__(self, tmp_path):
        CONF.set_override('auth_strategy', 'noauth2', group='api')
        CONF.set_override('backend', 'local', group='image')
        CONF.set_override('local_store_dir', str(tmp_path / 'images'), group='image')
        self.app = webtest.TestApp(api_app.build())

    def request(self, method, path, body=None, token='admin:admin', headers=None,
                content_type='application/json'):
        all_headers = {'X-Auth-Token': token} if token else {}
        params = b''
        if body is not None:
            params = jsonutils.dump_as_bytes(body)
            all_headers['Content-Type'] = content_type
        all_headers.update(headers or {})
        return self.app.request(path, method=method, body=params, headers=all_headers,
                                expect_errors=True)

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


@pytest.fixture
def cloud(tmp_path):
    return ImageCloud(tmp_path)


def create(cloud, token='demo:demo', status=201, **body):
    body.setdefault('name', 'cirros')
    body.setdefault('disk_format', 'qcow2')
    body.setdefault('container_format', 'bare')
    response = cloud.post('/image/v2/images', body, token=token)
    assert response.status_int == status, response.text
    return response.json


def upload(cloud, image_id, data, token='demo:demo', content_type='application/octet-stream'):
    return cloud.app.put('/image/v2/images/%s/file' % image_id, params=data,
                         headers={'X-Auth-Token': token, 'Content-Type': content_type},
                         expect_errors=True)


def patch(cloud, image_id, operations, token='demo:demo', content_type=PATCH_TYPE):
    return cloud.request('PATCH', '/image/v2/images/%s' % image_id, body=operations,
                         token=token, content_type=content_type)


def names(response):
    assert response.status_int == 200, response.text
    return sorted(image['name'] for image in response.json['images'])


def assert_glance_error(response, status, text=None):
    assert response.status_int == status, response.text
    assert response.content_type == 'application/json'
    assert response.json['code'].startswith(str(status))
    assert response.json['title']
    if text:
        assert text in response.json['message']


def test_versions_document_needs_no_token(cloud):
    response = cloud.get('/image', token=None)
    assert response.status_int == 300
    (version,) = response.json['versions']
    assert version['status'] == 'CURRENT' and version['id'].startswith('v2')
    assert version['links'][0]['href'] == 'http://localhost/image/v2/'
    assert cloud.get('/image/versions', token=None).status_int == 200
    assert cloud.post('/image', {}, token=None).status_int == 405


def test_image_lifecycle(cloud):
    created = create(cloud, min_disk=1, min_ram=64, os_distro='cirros', id=MISSING_ID)
    assert created['id'] == MISSING_ID
    assert created['status'] == 'queued'
    assert created['owner'] == 'demo'
    assert created['visibility'] == 'shared'
    assert created['os_distro'] == 'cirros'
    assert (created['min_disk'], created['min_ram']) == (1, 64)
    assert created['size'] is None and created['checksum'] is None
    assert created['self'] == '/v2/images/' + MISSING_ID
    assert created['file'] == '/v2/images/%s/file' % MISSING_ID
    assert created['schema'] == '/v2/schemas/image'

    file_url = '/image/v2/images/%s/file' % MISSING_ID
    assert cloud.get(file_url, token='demo:demo').status_int == 204

    # Larger than [api] max_request_body_size: uploads are not limited by it.
    data = os.urandom(CONF.api.max_request_body_size * 3)
    response = upload(cloud, MISSING_ID, data)
    assert response.status_int == 204, response.text

    shown = cloud.get('/image/v2/images/' + MISSING_ID, token='demo:demo').json
    assert shown['status'] == 'active'
    assert shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_algo'] == 'sha512'
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()

    downloaded = cloud.get(file_url, token='demo:demo')
    assert downloaded.status_int == 200
    assert downloaded.body == data
    assert downloaded.headers['Content-MD5'] == shown['checksum']
    assert downloaded.content_type == 'application/octet-stream'

    assert cloud.delete('/image/v2/images/' + MISSING_ID, token='demo:demo').status_int == 204
    assert_glance_error(cloud.get('/image/v2/images/' + MISSING_ID, token='demo:demo'), 404,
                        MISSING_ID)
    assert_glance_error(cloud.get(file_url, token='demo:demo'), 404)


def test_create_answers_location(cloud):
    response = cloud.post('/image/v2/images', {'name': 'x'}, token='demo:demo')
    assert response.status_int == 201
    assert response.headers['Location'] == (
        'http://localhost/image/v2/images/' + response.json['id'])


def test_list_filters(cloud):
    mine = create(cloud, name='mine', visibility='private')
    create(cloud, name='shared-one')
    public = create(cloud, token='admin:admin', name='public-one', visibility='public')
    create(cloud, token='other:other', name='other-private', visibility='private')
    create(cloud, token='other:other', name='other-community', visibility='community')
    upload(cloud, mine['id'], b'data')

    def listing(query='', token='demo:demo'):
        return names(cloud.get('/image/v2/images' + query, token=token))

    assert listing() == ['mine', 'public-one', 'shared-one']
    assert listing(token='admin:admin') == ['mine', 'other-community', 'other-private',
                                           'public-one', 'shared-one']
    assert listing('?name=mine') == ['mine']
    assert listing('?name=in:mine,public-one') == ['mine', 'public-one']
    assert listing('?name=other-private') == []
    assert listing('?status=active') == ['mine']
    assert listing('?status=queued') == ['public-one', 'shared-one']
    assert listing('?visibility=public') == ['public-one']
    assert listing('?visibility=private') == ['mine']
    assert listing('?visibility=community') == ['other-community']
    assert listing('?visibility=all') == ['mine', 'other-community', 'public-one',
                                         'shared-one']
    assert listing('?owner=admin') == ['public-one']
    assert listing('?owner=admin&name=mine') == []
    assert listing('?disk_format=qcow2&container_format=bare') == [
        'mine', 'public-one', 'shared-one']
    assert public['owner'] == 'admin'


def test_list_sort_and_pages(cloud):
    for name in ('d', 'b', 'e', 'a', 'c'):
        create(cloud, name=name)
    response = cloud.get('/image/v2/images?sort=name:asc', token='demo:demo')
    assert [image['name'] for image in response.json['images']] == ['a', 'b', 'c', 'd', 'e']
    assert 'next' not in response.json
    response = cloud.get('/image/v2/images?sort_key=name&sort_dir=desc', token='demo:demo')
    assert [image['name'] for image in response.json['images']] == ['e', 'd', 'c', 'b', 'a']

    seen, url = [], '/v2/images?limit=2&sort_key=name&sort_dir=asc'
    while url:
        page = cloud.get('/image' + url, token='demo:demo').json
        seen.append([image['name'] for image in page['images']])
        url = page.get('next')
        if url:
            query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
            assert query['limit'] == ['2'] and query['sort_key'] == ['name']
    assert seen == [['a', 'b'], ['c', 'd'], ['e']]

    CONF.set_override('limit_param_default', 3, group='image')
    assert len(cloud.get('/image/v2/images', token='demo:demo').json['images']) == 3


@pytest.mark.parametrize('query, text', [
    ('limit=x', 'integer'), ('limit=-1', 'positive'),
    ('sort_key=checksum', 'sort key'), ('sort_key=name&sort_dir=up', 'sort direction'),
    ('sort=name:asc&sort_key=name', 'sort'),
    ('marker=' + MISSING_ID, MISSING_ID), ('visibility=everyone', 'visibility'),
    ('status=sleeping', 'status'), ('protected=maybe', 'protected'),
])
def test_list_bad_queries(cloud, query, text):
    create(cloud)
    assert_glance_error(cloud.get('/image/v2/images?' + query, token='demo:demo'), 400, text)


def test_patch_properties(cloud):
    image = create(cloud, os_distro='cirros', hw_disk_bus='ide')
    response = patch(cloud, image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'renamed'},
        {'op': 'add', 'path': '/os_version', 'value': '0.6'},
        {'op': 'replace', 'path': '/os_distro', 'value': 'ubuntu'},
        {'op': 'remove', 'path': '/hw_disk_bus'},
        {'op': 'replace', 'path': '/min_ram', 'value': 256},
        {'op': 'add', 'path': '/tags', 'value': ['x', 'y']},
        {'op': 'add', 'path': '/a~1b', 'value': 'slash'},
    ])
    assert response.status_int == 200, response.text
    patched = response.json
    assert patched['name'] == 'renamed'
    assert patched['os_version'] == '0.6'
    assert patched['os_distro'] == 'ubuntu'
    assert 'hw_disk_bus' not in patched
    assert patched['min_ram'] == 256
    assert patched['tags'] == ['x', 'y']
    assert patched['a/b'] == 'slash'
    assert cloud.get('/image/v2/images/' + image['id'], token='demo:demo').json == patched


@pytest.mark.parametrize('operations, status, text', [
    ([{'op': 'replace', 'path': '/status', 'value': 'active'}], 403, 'read-only'),
    ([{'op': 'replace', 'path': '/size', 'value': 5}], 403, 'read-only'),
    ([{'op': 'add', 'path': '/deleted', 'value': 'x'}], 403, 'reserved'),
    ([{'op': 'remove', 'path': '/name'}], 403, 'may not be removed'),
    ([{'op': 'remove', 'path': '/missing'}], 409, 'does not exist'),
    ([{'op': 'replace', 'path': '/missing', 'value': 'x'}], 409, 'does not exist'),
    ([{'op': 'replace', 'path': '/disk_format', 'value': 'floppy'}], 400, 'disk_format'),
    ([{'op': 'replace', 'path': '/min_disk', 'value': -1}], 400, 'min_disk'),
    ([{'op': 'add', 'path': '/number', 'value': 5}], 400, 'schema'),
    ([{'op': 'add', 'path': 'name', 'value': 'x'}], 400, 'Pointer'),
    ([{'op': 'add', 'path': '/a/b', 'value': 'x'}], 400, 'pointer'),
    ([{'op': 'add', 'path': '/name'}], 400, 'value'),
    ([{'op': 'move', 'path': '/name', 'value': 'x'}], 400, 'operation'),
    ({'op': 'add'}, 400, 'array'),
])
def test_patch_errors_change_nothing(cloud, operations, status, text):
    image = create(cloud, os_distro='cirros')
    # A valid change first: a failed request must not apply it either.
    if isinstance(operations, list):
        operations = [{'op': 'replace', 'path': '/name', 'value': 'changed'}] + operations
    assert_glance_error(patch(cloud, image['id'], operations), status, text)
    assert cloud.get('/image/v2/images/' + image['id'], token='demo:demo').json == image


def test_patch_needs_json_patch_media_type(cloud):
    image = create(cloud)
    response = patch(cloud, image['id'], [{'op': 'replace', 'path': '/name', 'value': 'x'}],
                     content_type='application/json')
    assert_glance_error(response, 415)


def test_visibility_and_ownership(cloud):
    private = create(cloud, name='private', visibility='private')
    public = create(cloud, token='admin:admin', name='public', visibility='public',
                    owner='demo')
    other = 'other:other'
    assert_glance_error(cloud.get('/image/v2/images/' + private['id'], token=other), 404)
    assert_glance_error(patch(cloud, private['id'], [], token=other), 404)
    assert_glance_error(cloud.delete('/image/v2/images/' + private['id'], token=other), 404)
    assert cloud.get('/image/v2/images/' + private['id'], token='admin:admin').status_int == 200

    assert cloud.get('/image/v2/images/' + public['id'], token=other).json['owner'] == 'demo'
    change = [{'op': 'replace', 'path': '/name', 'value': 'mine now'}]
    assert_glance_error(patch(cloud, public['id'], change, token=other), 403)
    assert_glance_error(upload(cloud, public['id'], b'data', token=other), 403)
    assert_glance_error(cloud.delete('/image/v2/images/' + public['id'], token=other), 403)
    assert cloud.get('/image/v2/images/' + public['id'], token=other).json['status'] == 'queued'

    assert patch(cloud, public['id'], change).json['name'] == 'mine now'
    assert patch(cloud, private['id'], change, token='admin:admin').status_int == 200


def test_only_admin_publicizes(cloud):
    assert_glance_error(cloud.post('/image/v2/images', {'name': 'p', 'visibility': 'public'},
                                   token='demo:demo'), 403, 'publicize')
    assert_glance_error(cloud.post('/image/v2/images', {'name': 'p', 'owner': 'other'},
                                   token='demo:demo'), 403)
    image = create(cloud)
    assert_glance_error(patch(cloud, image['id'],
                              [{'op': 'replace', 'path': '/visibility', 'value': 'public'}]),
                        403, 'publicize')
    assert names(cloud.get('/image/v2/images', token='admin:admin')) == ['cirros']


@pytest.mark.parametrize('body, status, text', [
    ({'name': 'x', 'status': 'active'}, 403, "'status' is read-only"),
    ({'name': 'x', 'size': 5}, 403, 'read-only'),
    ({'name': 'x', 'self': '/v2/images/x'}, 403, 'read-only'),
    ({'name': 'x', 'deleted': True}, 403, 'reserved'),
    ({'name': 'x', 'disk_format': 'floppy'}, 400, 'disk_format'),
    ({'name': 'x', 'container_format': 'crate'}, 400, 'container_format'),
    ({'name': 'x', 'min_ram': 'lots'}, 400, 'min_ram'),
    ({'name': 'x', 'visibility': 'everyone'}, 400, 'visibility'),
    ({'name': 'x' * 256}, 400, 'name'),
    ({'name': 'x', 'id': 'not-a-uuid'}, 400, 'id'),
    ({'name': 'x', 'extra': 5}, 400, 'schema'),
    (['not', 'an', 'object'], 400, 'Body'),
])
def test_create_errors_write_nothing(cloud, body, status, text):
    assert_glance_error(cloud.post('/image/v2/images', body, token='demo:demo'), status, text)
    assert names(cloud.get('/image/v2/images', token='admin:admin')) == []


def test_create_with_existing_id_conflicts(cloud):
    create(cloud, id=MISSING_ID)
    assert_glance_error(cloud.post('/image/v2/images', {'id': MISSING_ID}, token='demo:demo'),
                        409, MISSING_ID)


def test_bad_requests(cloud):
    response = cloud.app.post('/image/v2/images', params=b'{not json',
                              headers={'X-Auth-Token': 'demo:demo',
                                       'Content-Type': 'application/json'},
                              expect_errors=True)
    assert_glance_error(response, 400, 'Malformed JSON')
    too_big = b'{"name": "%s"}' % (b'x' * CONF.api.max_request_body_size)
    response = cloud.app.post('/image/v2/images', params=too_big,
                              headers={'X-Auth-Token': 'demo:demo',
                                       'Content-Type': 'application/json'},
                              expect_errors=True)
    assert_glance_error(response, 413)
    assert_glance_error(cloud.get('/image/v2/nothing', token='demo:demo'), 404)
    assert_glance_error(cloud.get('/image/v2/images/not-a-uuid', token='demo:demo'), 404)
    response = cloud.put('/image/v2/images', {}, token='demo:demo')
    assert_glance_error(response, 405)
    assert response.headers['Allow'] == 'GET, POST'
    assert cloud.get('/image/v2/images', token=None).status_int == 401


def test_upload_rules(cloud):
    image = create(cloud)
    assert_glance_error(upload(cloud, image['id'], b'data', content_type='text/plain'), 415)
    assert_glance_error(upload(cloud, MISSING_ID, b'data'), 404)
    no_formats = cloud.post('/image/v2/images', {'name': 'x'}, token='demo:demo').json
    assert_glance_error(upload(cloud, no_formats['id'], b'data'), 400, 'disk_format')
    assert upload(cloud, image['id'], b'data').status_int == 204
    assert_glance_error(upload(cloud, image['id'], b'other'), 409)
    assert cloud.get('/image/v2/images/%s/file' % image['id'], token='demo:demo').body == b'data'

    CONF.set_override('image_size_cap', 10, group='image')
    capped = create(cloud)
    assert_glance_error(upload(cloud, capped['id'], b'x' * 11), 413)
    assert cloud.get('/image/v2/images/' + capped['id'], token='demo:demo').json[
        'status'] == 'queued'


def test_protected_image_and_tags(cloud):
    image = create(cloud, protected=True, tags=['base'])
    assert_glance_error(cloud.delete('/image/v2/images/' + image['id'], token='demo:demo'),
                        403, 'protected')
    tags_url = '/image/v2/images/%s/tags/' % image['id']
    assert cloud.put(tags_url + 'extra', token='demo:demo').status_int == 204
    assert cloud.delete(tags_url + 'base', token='demo:demo').status_int == 204
    assert_glance_error(cloud.delete(tags_url + 'base', token='demo:demo'), 404)
    shown = cloud.get('/image/v2/images/' + image['id'], token='demo:demo').json
    assert shown['tags'] == ['extra']
    assert names(cloud.get('/image/v2/images?tag=extra', token='demo:demo')) == ['cirros']


def test_no_image_app_with_the_glance_backend(cloud):
    CONF.set_override('backend', 'glance', group='image')
    assert '/image' not in api_app.default_extra_apps()
    cloud.app = webtest.TestApp(api_app.build())
    response = cloud.get('/image/v2/images')
    assert response.status_int == 404
    assert response.json['itemNotFound']['code'] == 404
