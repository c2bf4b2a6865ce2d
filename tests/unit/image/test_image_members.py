"""ImageAPI.create shares an administrator's snapshot of another project's
server with that project, as Nova's glance API does; the glance backend's
add-member request."""
import pytest

from nova_common import context as nova_context
from nova_common import exception
from nova_common.image import api as image_api
from nova_common.image import glance
from nova_common.image import local

SHARED_SNAPSHOT = {'name': 'snap', 'visibility': 'shared',
                   'properties': {'instance_owner': 'demo'}}


def admin():
    return nova_context.RequestContext(user_id='admin', project_id='admin', is_admin=True)


def test_shared_snapshot_gets_the_servers_project_as_member(tmp_path):
    store = local.LocalImageStore(str(tmp_path))
    image = image_api.ImageAPI(store).create(admin(), SHARED_SNAPSHOT)
    demo = nova_context.RequestContext(user_id='d', project_id='demo', is_admin=False)
    assert store.get(demo, image['id'])['id'] == image['id']
    private = image_api.ImageAPI(store).create(admin(), {'name': 'p'})
    with pytest.raises(exception.ImageNotFound):
        store.get(demo, private['id'])


def test_image_is_deleted_again_when_the_member_cannot_be_added(tmp_path):
    store = local.LocalImageStore(str(tmp_path))

    def refuse(context, image_id, member_id):
        raise exception.ImageServiceUnavailable(reason='down')
    store.add_member = refuse
    with pytest.raises(exception.ImageServiceUnavailable):
        image_api.ImageAPI(store).create(admin(), SHARED_SNAPSHOT)
    assert store.list(admin()) == []


def test_glance_backend_posts_the_member(monkeypatch):
    sent = []

    class Response:
        @staticmethod
        def json():
            return {'image_id': 'i', 'member_id': 'demo', 'status': 'pending',
                    'schema': '/v2/schemas/member'}

    def request(self, context, method, path, image_id=None, **kwargs):
        sent.append((method, path, kwargs.get('json')))
        return Response()
    monkeypatch.setattr(glance.GlanceImageService, '_request', request)
    member = glance.GlanceImageService().add_member(admin(), 'i', 'demo')
    assert sent == [('POST', '/images/i/members', {'member': 'demo'})]
    assert member == {'image_id': 'i', 'member_id': 'demo', 'status': 'pending'}
