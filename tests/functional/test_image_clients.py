"""Real HTTP clients against nova-api's /image served in-process:
openstacksdk (as the openstack CLI uses it) and our own glance backend,
which must work against any Glance v2, this subset included."""
import hashlib
import os

import openstack
import pytest

from nova_api import app as api_app
from nova_common.cmd import api as api_cmd
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import exception
from nova_common.image import api as image_api
from nova_common.image import glance


@pytest.fixture
def endpoint(tmp_path):
    CONF.set_override('auth_strategy', 'noauth2', group='api')
    CONF.set_override('noauth2_default_admin', True, group='api')
    CONF.set_override('backend', 'local', group='image')
    CONF.set_override('local_store_dir', str(tmp_path / 'images'), group='image')
    server = api_cmd.serve(api_app.build(), '127.0.0.1', 0)
    yield 'http://127.0.0.1:%d' % server.server_port
    server.stop(timeout=5)


@pytest.fixture
def disk_file(tmp_path):
    path = tmp_path / 'disk.qcow2'
    path.write_bytes(os.urandom(2 * 1024 * 1024 + 3))
    return path


def test_openstacksdk_image_flow(endpoint, disk_file, tmp_path):
    conn = openstack.connection.Connection(
        auth_type='none', compute_endpoint_override=endpoint + '/v2.1',
        image_endpoint_override=endpoint + '/image')
    created = conn.image.create_image('cirros', filename=str(disk_file),
                                      disk_format='qcow2', container_format='bare',
                                      min_ram=64, os_distro='cirros')
    listed = {image.name: image for image in conn.image.images()}
    assert listed['cirros'].id == created.id
    assert listed['cirros'].status == 'active'
    assert listed['cirros'].size == disk_file.stat().st_size

    found = conn.image.find_image('cirros', ignore_missing=False)
    assert found.id == created.id
    assert found.checksum == hashlib.md5(disk_file.read_bytes()).hexdigest()
    assert found.min_ram == 64
    assert found.os_distro == 'cirros'

    target = tmp_path / 'downloaded'
    conn.image.download_image(found, output=str(target))
    assert target.read_bytes() == disk_file.read_bytes()

    conn.image.update_image(found, name='renamed', custom_key='custom value')
    shown = conn.image.get_image(found.id)
    assert shown.name == 'renamed' and shown.properties['custom_key'] == 'custom value'

    with pytest.raises(openstack.exceptions.ResourceNotFound):
        conn.image.get_image('9f6c4d6c-3e1f-4a3e-b0a4-1d6a5a0c2f11')
    assert conn.image.find_image('no-such-image') is None

    conn.image.delete_image(found)
    assert list(conn.image.images()) == []


def user(project):
    return nova_context.RequestContext(user_id=project, project_id=project,
                                       auth_token='%s:%s' % (project, project),
                                       roles=['member'], is_admin=False)


@pytest.fixture
def glance_api(endpoint):
    """ImageAPI with the glance backend pointed at the served /image."""
    CONF.set_override('endpoint_override', endpoint + '/image', group='glance')
    return image_api.ImageAPI(glance.GlanceImageService())


def test_glance_backend_lifecycle(glance_api, disk_file, tmp_path):
    demo = user('demo')
    image = glance_api.create(demo, {'name': 'snap', 'disk_format': 'qcow2',
                                     'container_format': 'bare', 'min_disk': 1,
                                     'properties': {'image_type': 'snapshot'}})
    assert image['status'] == 'queued' and image['owner'] == 'demo'
    assert image['properties'] == {'image_type': 'snapshot'}

    active = glance_api.upload(demo, image['id'], str(disk_file))
    assert active['status'] == 'active'
    assert active['size'] == disk_file.stat().st_size
    assert active['os_hash_value'] == hashlib.sha512(disk_file.read_bytes()).hexdigest()
    assert glance_api.get(demo, image['id']) == active

    target = tmp_path / 'downloaded'
    glance_api.download(demo, image['id'], str(target))
    assert target.read_bytes() == disk_file.read_bytes()

    updated = glance_api.update(demo, image['id'], {'min_ram': 128,
                                                    'properties': {'os_distro': 'x'}},
                                remove_properties=['image_type'])
    assert updated['min_ram'] == 128
    assert updated['properties'] == {'os_distro': 'x'}

    with pytest.raises(exception.ImageNotFound):
        glance_api.get(user('other'), image['id'])
    with pytest.raises(exception.ImageBadRequest):
        glance_api.create(demo, {'name': 'bad', 'disk_format': 'floppy'})

    glance_api.delete(demo, image['id'])
    with pytest.raises(exception.ImageNotFound):
        glance_api.get(demo, image['id'])


def test_glance_backend_lists_across_pages(glance_api):
    CONF.set_override('limit_param_default', 2, group='image')
    demo = user('demo')
    for n in range(5):
        glance_api.create(demo, {'name': 'img-%d' % n})
    everything = glance_api.list(demo, sort_keys=['name'], sort_dirs=['asc'])
    assert [image['name'] for image in everything] == ['img-%d' % n for n in range(5)]
    three = glance_api.list(demo, sort_keys=['name'], sort_dirs=['asc'], limit=3)
    assert [image['name'] for image in three] == ['img-0', 'img-1', 'img-2']
    assert [image['name'] for image in glance_api.list(
        demo, filters={'name': ['img-1', 'img-4']}, sort_keys=['name'],
        sort_dirs=['asc'])] == ['img-1', 'img-4']
    assert glance_api.list(user('other')) == []


def test_glance_backend_rejects_corrupted_data(glance_api, disk_file, tmp_path):
    demo = user('demo')
    image = glance_api.create(demo, {'name': 'x', 'disk_format': 'raw',
                                     'container_format': 'bare'})
    glance_api.upload(demo, image['id'], str(disk_file))
    stored = os.path.join(CONF.image.local_store_dir, image['id'] + '.data')
    with open(stored, 'r+b') as handle:
        handle.write(b'bitrot')
    target = tmp_path / 'downloaded'
    with pytest.raises(exception.ImageChecksumMismatch):
        glance_api.download(demo, image['id'], str(target))
    assert not target.exists()
    assert not [name for name in os.listdir(tmp_path) if name.startswith('.download-')]


def test_glance_backend_service_credentials(glance_api):
    """A daemon's own context has no token: the [glance] credentials apply
    (here keystoneauth's 'none' plugin, which the all-in-one's noauth2
    treats as the administrator)."""
    private = glance_api.create(user('demo'), {'name': 'private', 'visibility': 'private'})
    daemon = nova_context.get_admin_context()
    with pytest.raises(exception.ImageNotAuthorized):
        glance_api.get(daemon, private['id'])
    CONF.set_override('auth_type', 'none', group='glance')
    assert glance_api.get(daemon, private['id'])['name'] == 'private'
