"""The glance backend's choice of credentials and endpoint."""
from keystoneauth1 import noauth

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.image import glance

CATALOG = [{'type': 'image', 'name': 'glance', 'endpoints': [{
    'region': 'RegionOne', 'publicURL': 'https://cloud.example/image',
    'internalURL': 'http://10.0.0.5/image', 'adminURL': 'http://10.0.0.5/image'}]},
    {'type': 'compute', 'name': 'nova', 'endpoints': [{
        'region': 'RegionOne', 'publicURL': 'https://cloud.example/compute/v2.1'}]}]


def caller(catalog=None):
    return nova_context.RequestContext(user_id='u', project_id='p', auth_token='tok',
                                       service_catalog=catalog, is_admin=False)


def test_callers_token_and_catalog_are_used():
    adapter = glance.GlanceImageService()._adapter(caller(CATALOG))
    assert adapter.get_endpoint() == 'http://10.0.0.5/image'
    assert adapter.get_token() == 'tok'


def test_valid_interfaces_and_endpoint_override():
    CONF.set_override('valid_interfaces', ['public'], group='glance')
    assert glance.GlanceImageService()._adapter(caller(CATALOG)).get_endpoint() == (
        'https://cloud.example/image')
    CONF.set_override('endpoint_override', 'http://glance.local:9292', group='glance')
    assert glance.GlanceImageService()._adapter(caller(CATALOG)).get_endpoint() == (
        'http://glance.local:9292')


def test_context_without_token_uses_service_credentials():
    CONF.set_override('auth_type', 'none', group='glance')
    adapter = glance.GlanceImageService()._adapter(nova_context.get_admin_context())
    assert isinstance(adapter.auth, noauth.NoAuth)


def test_versioned_endpoint():
    assert glance._versioned('http://h/image') == 'http://h/image/v2'
    assert glance._versioned('http://h/image/') == 'http://h/image/v2'
    assert glance._versioned('http://h:9292/v2/') == 'http://h:9292/v2'
