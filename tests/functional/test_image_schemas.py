"""/image/v2/schemas (what python-glanceclient fetches before it lists or
creates images) and the error body each kind of client gets."""
import re

import jsonschema
import pytest

from tests.functional.test_image_app import MISSING_ID
from tests.functional.test_image_app import create
from tests.functional.test_image_app import ImageCloud


@pytest.fixture
def cloud(tmp_path):
    return ImageCloud(tmp_path)


def test_image_schema_describes_the_images_served(cloud):
    schema = cloud.get('/image/v2/schemas/image', token='demo:demo')
    assert schema.status_int == 200, schema.text
    assert schema.json['name'] == 'image'
    assert schema.json['additionalProperties'] == {'type': 'string'}
    assert 'raw' in schema.json['properties']['disk_format']['enum']
    image = create(cloud, disk_format='raw', visibility='private', tags=['base'],
                   os_distro='cirros')
    jsonschema.validate(image, schema.json)
    listed = cloud.get('/image/v2/images', token='demo:demo').json
    collection = cloud.get('/image/v2/schemas/images', token='demo:demo').json
    assert collection['properties']['images']['items'] == schema.json
    jsonschema.validate(listed, collection)


def test_image_schema_rejects_what_the_store_rejects(cloud):
    schema = cloud.get('/image/v2/schemas/image', token='demo:demo').json
    for bad in ({'disk_format': 'floppy'}, {'visibility': 'everyone'},
                {'id': 'not-a-uuid'}, {'os_distro': 7}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        assert cloud.post('/image/v2/images', dict(bad, name='x'),
                          token='demo:demo').status_int == 400


@pytest.mark.parametrize('name,collection', [('member', None), ('members', 'members')])
def test_member_schemas(cloud, name, collection):
    response = cloud.get('/image/v2/schemas/' + name, token='demo:demo')
    assert response.status_int == 200, response.text
    assert response.json['name'] == name
    properties = response.json['properties']
    member = properties[collection]['items']['properties'] if collection else properties
    assert member['status']['enum'] == ['pending', 'accepted', 'rejected']


def test_schemas_need_a_token_and_a_known_name(cloud):
    assert cloud.get('/image/v2/schemas/image', token=None).status_int == 401
    missing = cloud.get('/image/v2/schemas/metadefs/namespace', token='demo:demo')
    assert missing.status_int == 404
    assert 'metadefs/namespace' in missing.json['message']


def _glanceclient_details(response):
    """What python-glanceclient's exc.from_response makes of an error body
    that is not JSON: the text of the HTML lines, joined with ': '."""
    lines = [re.sub(r'<.+?>', '', line.strip()) for line in response.text.splitlines()]
    return ': '.join(dict.fromkeys(line for line in lines if line))


def test_glanceclient_gets_an_html_error_it_can_read(cloud):
    response = cloud.get('/image/v2/images/' + MISSING_ID, token='demo:demo',
                         headers={'Accept': '*/*'})
    assert response.status_int == 404
    assert response.content_type == 'text/html'
    details = _glanceclient_details(response)
    assert details.startswith('404 Not Found: ') and MISSING_ID in details, details


@pytest.mark.parametrize('accept', [None, '', 'application/json',
                                    'application/json, text/html;q=0.5'])
def test_json_clients_get_a_json_error(cloud, accept):
    headers = {'Accept': accept} if accept is not None else {}
    response = cloud.get('/image/v2/images/' + MISSING_ID, token='demo:demo',
                         headers=headers)
    assert response.status_int == 404
    assert response.content_type == 'application/json'
    assert response.json['code'] == '404 Not Found'
    assert MISSING_ID in response.json['message']


def test_plain_text_error_when_asked(cloud):
    response = cloud.post('/image', {}, token=None, headers={'Accept': 'text/plain'})
    assert response.status_int == 405
    assert response.content_type == 'text/plain'
    assert 'not allowed' in response.text
    assert response.headers['Allow'] == 'GET, HEAD'
