"""Errors nova-api answers for the image service before the service sees
the request (authentication, the outermost URL guard) come in Glance's
format too, and an image member longer than Glance stores is a 400."""
import pytest
import webtest

from nova_api import app as api_app
from tests.functional.cloud_helpers import use_keystone_auth
from tests.functional.test_image_app import assert_glance_error
from tests.functional.test_image_app import cloud  # noqa: F401 - the fixture
from tests.functional.test_image_app import create


@pytest.mark.parametrize('strategy', ['noauth2', 'keystone'])
def test_a_request_without_credentials_gets_a_glance_401(cloud, strategy):
    if strategy == 'keystone':
        use_keystone_auth()
    app = webtest.TestApp(api_app.build())
    for method in ('GET', 'POST', 'DELETE'):
        response = app.request('/image/v2/images', method=method, expect_errors=True)
        assert_glance_error(response, 401, 'Authentication required')
        assert response.json['code'] == '401 Unauthorized'
    # python-glanceclient asks for */* and reads webob's page.
    page = app.get('/image/v2/images', headers={'Accept': '*/*'}, expect_errors=True)
    assert page.status_int == 401 and page.content_type == 'text/html'
    assert 'Authentication required' in page.text


def test_a_url_that_is_not_utf8_gets_a_glance_400(cloud):
    for path in ('/image/v2/images/%ff', '/image/v2/images?name=%ff'):
        assert_glance_error(cloud.get(path, token='demo:demo'), 400, 'UTF-8')


def test_a_member_longer_than_glance_stores_is_400_and_not_added(cloud):
    image = create(cloud, visibility='shared')
    members = '/image/v2/images/%s/members' % image['id']
    assert_glance_error(cloud.post(members, {'member': 'm' * 256}, token='demo:demo'), 400,
                        'member')
    response = cloud.post(members, {'member': 'm' * 255}, token='demo:demo')
    assert response.status_int == 200, response.text
    assert response.json['member_id'] == 'm' * 255
