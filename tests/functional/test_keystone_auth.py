"""auth_strategy=keystone: keystonemiddleware in front, and the context
built from the identity headers it sets."""
import webob
import webtest

from nova_api import app as api_app
from nova_api import auth
from nova_api import router
from nova_common.conf import CONF
from tests.functional.cloud_helpers import use_keystone_auth


def test_missing_token_gets_a_nova_401(cloud):
    use_keystone_auth()
    app = webtest.TestApp(api_app.build())
    resp = app.get('/v2.1/flavors', expect_errors=True)
    assert resp.status_int == 401
    assert resp.json == {'unauthorized': {'code': 401, 'message': 'Authentication required'}}
    assert 'keystone.test' in resp.headers['WWW-Authenticate']


def test_version_documents_need_no_token_under_keystone(cloud):
    CONF.set_override('auth_strategy', 'keystone', group='api')
    app = webtest.TestApp(api_app.build())
    assert app.get('/').json['versions'][1]['id'] == 'v2.1'


def _capture_context():
    seen = {}

    @webob.dec.wsgify
    def inner(req):
        seen['context'] = req.environ[router.CONTEXT_KEY]
        return webob.Response(status=204)
    return seen, inner


def test_confirmed_identity_headers_become_the_context():
    seen, inner = _capture_context()
    app = webtest.TestApp(auth.KeystoneContext(inner))
    app.get('/', headers={'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
                          'X-Project-Id': 'p1', 'X-Roles': 'member, reader',
                          'X-Auth-Token': 'tok'}, extra_environ={'openstack.request_id': 'req-1'})
    ctx = seen['context']
    assert (ctx.user_id, ctx.project_id, ctx.request_id) == ('u1', 'p1', 'req-1')
    assert sorted(ctx.roles) == ['member', 'reader']
    assert not ctx.is_admin


def test_unconfirmed_identity_is_refused():
    seen, inner = _capture_context()
    app = webtest.TestApp(auth.KeystoneContext(inner))
    resp = app.get('/', headers={'X-Identity-Status': 'Invalid'}, expect_errors=True)
    assert resp.status_int == 401
    assert 'context' not in seen


def test_noauth2_admin_and_member_tokens():
    seen, inner = _capture_context()
    app = webtest.TestApp(auth.NoAuth2(inner))
    app.get('/', headers={'X-Auth-Token': 'admin:admin'})
    assert seen['context'].is_admin
    app.get('/', headers={'X-Auth-Token': 'alice:demo'})
    assert (seen['context'].user_id, seen['context'].project_id) == ('alice', 'demo')
    assert not seen['context'].is_admin
    app.get('/', headers={'X-Auth-Token': 'notused'})
    assert seen['context'].project_id == 'notused' and not seen['context'].is_admin


def test_noauth2_default_admin_for_a_plain_token():
    seen, inner = _capture_context()
    app = webtest.TestApp(auth.NoAuth2(inner, default_admin=True))
    app.get('/', headers={'X-Auth-Token': 'notused'})
    assert (seen['context'].user_id, seen['context'].project_id) == ('admin', 'admin')
    assert seen['context'].is_admin


def test_noauth2_refuses_ids_longer_than_the_databases_store():
    seen, inner = _capture_context()
    app = webtest.TestApp(auth.NoAuth2(inner))
    for token in ('u' * 256, 'alice:' + 'p' * 256, 'u' * 256 + ':demo'):
        resp = app.get('/', headers={'X-Auth-Token': token}, expect_errors=True)
        assert resp.status_int == 401
        assert resp.json == {'unauthorized': {'code': 401, 'message': 'Authentication required'}}
    assert 'context' not in seen
    app.get('/', headers={'X-Auth-Token': 'u' * 255 + ':' + 'p' * 255})
    assert seen['context'].project_id == 'p' * 255
