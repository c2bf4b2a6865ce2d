"""[image] backend = glance against a real Glance (glance 33 from PyPI,
glance_service.py): nova-api, the super-conductor and the computes reach
it with ``[glance] endpoint_override``, every daemon its own process over
RabbitMQ and MariaDB, on the fake driver.

The caller is a member of a project (nova-api's noauth2 token
``demo:glance-project``); nova-api and the compute pass that token on, and
the test Glance's noauth2 filter makes it the same caller there, so what
Nova creates in Glance belongs to the caller's project. The fake driver
uploads a few bytes naming the server and its image as the server's disk:
the test reads them back from Glance.

A second compute, disabled for scheduling and reached only by forcing its
host, fails every snapshot upload half-way ([fake_driver] fail_operations
= snapshot_upload).
"""
import time

import pytest
import requests

from tests.integration import conftest
from tests.integration import glance_service
from tests.integration import harness

HOST = 'glance-compute'
BROKEN_HOST = 'glance-broken-upload'
PROJECT = 'glance-project'
MEMBER = 'demo:%s' % PROJECT
ADMIN = 'admin:%s' % PROJECT
FLAVOR_ROOT_GB = 1
TIMEOUT = 60


class Client:
    """HTTP with a noauth2 token: nova-api's compute API or Glance."""

    def __init__(self, endpoint, token):
        self.endpoint = endpoint
        self.token = token

    def request(self, method, path, status=None, version=None, **kwargs):
        headers = dict(kwargs.pop('headers', {}), **{'X-Auth-Token': self.token})
        if version:
            headers['OpenStack-API-Version'] = 'compute %s' % version
        response = requests.request(method, self.endpoint + path, headers=headers,
                                    timeout=30, **kwargs)
        if status is not None:
            assert response.status_code == status, (method, path, response.status_code,
                                                    response.text)
        return response


def start_nova(deployment, glance):
    """Cells, then nova-api, both conductors, the scheduler and the two
    computes, all with the glance backend at ``glance``; once they answer,
    the broken host disabled and a flavor made."""
    deployment.set_up_cells()
    image_sections = {
        'image': {'backend': 'glance'},
        # The daemons' own requests (no caller's token) go as the admin.
        'glance': {'endpoint_override': glance.endpoint, 'auth_type': 'admin_token',
                   'endpoint': glance.endpoint, 'token': 'admin:admin'}}
    top = deployment.write_config('nova-top-glance.conf',
                                  dict(deployment.top_sections(), **image_sections))
    api = deployment.start('nova-api', top)
    deployment.start('nova-conductor', top, name='super-conductor')
    deployment.start('nova-scheduler', top)
    deployment.start('nova-conductor', deployment.cell_conductor_config,
                     name='cell1-conductor')
    for host, failing in ((HOST, ''), (BROKEN_HOST, 'snapshot_upload')):
        deployment.start('nova-compute', deployment.compute_config(
            host, fake_driver={'nodes': 1, 'memory_mb': 8192, 'fail_operations': failing},
            compute={'resource_update_interval': 2}, network={'plug_vifs': 'false'},
            **image_sections))
    harness.wait_for_api(deployment.endpoint, api)
    deployment.wait_for_nodes(deployment.sdk(), [HOST, BROKEN_HOST])
    deployment.admin = Client(deployment.compute_endpoint, ADMIN)
    deployment.member = Client(deployment.compute_endpoint, MEMBER)
    [broken] = deployment.admin.request(
        'GET', '/os-services?host=%s' % BROKEN_HOST, status=200,
        version='2.53').json()['services']
    deployment.admin.request('PUT', '/os-services/%s' % broken['id'], status=200,
                             version='2.53', json={'status': 'disabled',
                                                   'disabled_reason': 'uploads fail'})
    deployment.flavor_id = deployment.admin.request(
        'POST', '/flavors', status=200, json={'flavor': {
            'name': 'glance.small', 'ram': 256, 'vcpus': 1,
            'disk': FLAVOR_ROOT_GB}}).json()['flavor']['id']


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    workdir = tmp_path_factory.mktemp('glance-backend')
    deployment = conftest.Deployment(workdir, rabbitmq, mariadb)
    with deployment, glance_service.running_glance(
            workdir, mariadb.create_database('glance'),
            meanwhile=lambda glance: start_nova(deployment, glance)) as glance:
        deployment.glance = glance
        deployment.glance_member = Client(glance.endpoint + '/v2', MEMBER)
        yield deployment


def wait_until(predicate, what):
    return harness.wait_until(predicate, TIMEOUT, what=what, interval=0.2)


def glance_image(cloud, image_id):
    """Glance's image document, or None once it is gone."""
    response = cloud.glance_member.request('GET', '/images/%s' % image_id)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return response.json()


def glance_data(cloud, image_id):
    return cloud.glance_member.request('GET', '/images/%s/file' % image_id, status=200).content


def source_image(cloud, name, **properties):
    """A raw image created and uploaded in Glance by the member."""
    image = cloud.glance_member.request('POST', '/images', status=201, json=dict(
        properties, name=name, disk_format='raw', container_format='bare')).json()
    cloud.glance_member.request('PUT', '/images/%s/file' % image['id'], status=204,
                                data=b'\0' * 65536,
                                headers={'Content-Type': 'application/octet-stream'})
    return image['id']


def server(cloud, server_id):
    return cloud.admin.request('GET', '/servers/%s' % server_id, status=200,
                               version='2.53').json()['server']


def settled(cloud, server_id, status):
    """The server once it has ``status`` and no task."""
    def reached():
        current = server(cloud, server_id)
        assert current['status'] != 'ERROR', current
        return (current['status'], current['OS-EXT-STS:task_state']) == (status, None) \
            and current
    return wait_until(reached, 'server %s to be %s' % (server_id, status))


def boot(cloud, image_id, name, client=None, **extra):
    body = {'server': dict(extra, name=name, imageRef=image_id, flavorRef=cloud.flavor_id,
                           networks='none')}
    created = (client or cloud.member).request('POST', '/servers', status=202,
                                               version='2.53', json=body).json()
    server_id = created['server']['id']
    settled(cloud, server_id, 'ACTIVE')
    return server_id


def action(cloud, server_id, body, version='2.53', status=202, client=None):
    return (client or cloud.member).request('POST', '/servers/%s/action' % server_id,
                                            status=status, version=version, json=body)


def fake_disk(server_id, image_id):
    """What the fake driver uploads as the disk of ``server_id``."""
    return ('fake disk of %s from image %s\n' % (server_id, image_id)).encode()


def test_snapshot_of_a_server_booted_from_glance(cloud):
    source = source_image(cloud, 'glance-source', os_distro='busybox', cache_in_nova='true')
    server_id = boot(cloud, source, 'snapped')

    image_id = action(cloud, server_id, {'createImage': {
        'name': 'snap', 'metadata': {'purpose': 'upgrade'}}}, version='2.45').json()['image_id']
    settled(cloud, server_id, 'ACTIVE')
    image = wait_until(lambda: (glance_image(cloud, image_id) or {}).get('status') == 'active'
                       and glance_image(cloud, image_id), 'the snapshot to be active')

    assert image['name'] == 'snap'
    assert image['owner'] == PROJECT
    assert image['visibility'] == 'private'
    assert (image['disk_format'], image['container_format']) == ('raw', 'bare')
    assert image['min_disk'] == FLAVOR_ROOT_GB
    assert {key: image.get(key) for key in (
        'image_type', 'instance_uuid', 'base_image_ref', 'owner_id', 'user_id', 'purpose',
        'os_distro', 'cache_in_nova')} == {
        'image_type': 'snapshot', 'instance_uuid': server_id, 'base_image_ref': source,
        'owner_id': PROJECT, 'user_id': 'demo', 'purpose': 'upgrade',
        'os_distro': 'busybox', 'cache_in_nova': None}
    assert glance_data(cloud, image_id) == fake_disk(server_id, source)
    assert image_id in cloud.glance.stored_files()

    # The snapshot boots a server of its own.
    second = boot(cloud, image_id, 'from-snapshot')
    assert server(cloud, second)['image']['id'] == image_id


def test_backup_rotation_keeps_the_newest(cloud):
    source = source_image(cloud, 'glance-backup-source')
    server_id = boot(cloud, source, 'backed-up')
    backups = []
    for number in range(3):
        backups.append(action(cloud, server_id, {'createBackup': {
            'name': 'nightly-%d' % number, 'backup_type': 'nightly', 'rotation': 2}}
        ).json()['image_id'])
        settled(cloud, server_id, 'ACTIVE')
        # Glance's created_at has a resolution of one second and rotation
        # deletes the oldest by it (as Nova's does): backups made within
        # one second would be in no defined order.
        time.sleep(1.1)

    listed = cloud.glance_member.request(
        'GET', '/images', status=200,
        params={'instance_uuid': server_id, 'image_type': 'backup'}).json()['images']
    assert sorted(image['id'] for image in listed) == sorted(backups[1:])
    assert glance_image(cloud, backups[0]) is None
    for image in listed:
        assert (image['status'], image['backup_type'], image['owner']) == (
            'active', 'nightly', PROJECT)
        assert glance_data(cloud, image['id']) == fake_disk(server_id, source)


def test_shelve_and_unshelve_through_glance(cloud):
    source = source_image(cloud, 'glance-shelve-source')
    server_id = boot(cloud, source, 'shelved')

    action(cloud, server_id, {'shelve': None})
    settled(cloud, server_id, 'SHELVED_OFFLOADED')
    [image] = cloud.glance_member.request(
        'GET', '/images', status=200, params={'instance_uuid': server_id}).json()['images']
    assert (image['name'], image['status'], image['image_type']) == (
        'shelved-shelved', 'active', 'snapshot')
    assert glance_data(cloud, image['id']) == fake_disk(server_id, source)

    action(cloud, server_id, {'unshelve': None})
    unshelved = settled(cloud, server_id, 'ACTIVE')
    assert unshelved['OS-EXT-SRV-ATTR:host'] == HOST
    wait_until(lambda: glance_image(cloud, image['id']) is None,
               'the shelve snapshot to be deleted')
    assert image['id'] not in cloud.glance.stored_files()


def test_image_proxy_shows_glance_images(cloud):
    image_id = source_image(cloud, 'glance-proxied', os_distro='busybox')

    listed = cloud.member.request('GET', '/images/detail', status=200,
                                  version='2.35').json()['images']
    [proxied] = [image for image in listed if image['id'] == image_id]
    assert (proxied['name'], proxied['status'], proxied['metadata']) == (
        'glance-proxied', 'ACTIVE', {'os_distro': 'busybox'})

    cloud.member.request('PUT', '/images/%s/metadata/purpose' % image_id, status=200,
                         version='2.35', json={'meta': {'purpose': 'proxied'}})
    assert glance_image(cloud, image_id)['purpose'] == 'proxied'
    cloud.member.request('DELETE', '/images/%s' % image_id, status=204, version='2.35')
    assert glance_image(cloud, image_id) is None
    cloud.member.request('GET', '/images/%s' % image_id, status=404, version='2.35')


def test_upload_failing_half_way_leaves_no_image(cloud):
    source = source_image(cloud, 'glance-broken-source')
    server_id = boot(cloud, source, 'upload-breaks', client=cloud.admin,
                     availability_zone='nova:%s' % BROKEN_HOST)
    stored_before = cloud.glance.stored_files()

    image_id = action(cloud, server_id, {'createImage': {'name': 'broken-snap'}},
                      version='2.45', client=cloud.admin).json()['image_id']
    settled(cloud, server_id, 'ACTIVE')

    assert glance_image(cloud, image_id) is None
    assert cloud.member.request('GET', '/images/%s' % image_id, version='2.35').status_code \
        == 404
    assert cloud.glance.stored_files() == stored_before
    [create_image] = [entry for entry in cloud.admin.request(
        'GET', '/servers/%s/os-instance-actions' % server_id, status=200,
        version='2.53').json()['instanceActions'] if entry['action'] == 'createImage']
    events = cloud.admin.request(
        'GET', '/servers/%s/os-instance-actions/%s' % (server_id, create_image['request_id']),
        status=200, version='2.53').json()['instanceAction']['events']
    assert [(event['event'], event['result']) for event in events] == [
        ('compute_snapshot_instance', 'Error')]


def test_admin_snapshot_of_another_projects_server_is_shared_with_it(cloud):
    source = source_image(cloud, 'glance-shared-source')
    server_id = boot(cloud, source, 'snapped-by-admin')
    operator = Client(cloud.compute_endpoint, 'admin:operators')

    image_id = action(cloud, server_id, {'createImage': {'name': 'operator-snap'}},
                      version='2.45', client=operator).json()['image_id']
    settled(cloud, server_id, 'ACTIVE')

    glance_operator = Client(cloud.glance.endpoint + '/v2', 'admin:operators')
    image = glance_operator.request('GET', '/images/%s' % image_id, status=200).json()
    assert (image['status'], image['owner'], image['visibility'], image['instance_owner']) == (
        'active', 'operators', 'shared', PROJECT)
    members = glance_operator.request('GET', '/images/%s/members' % image_id,
                                      status=200).json()['members']
    assert [(member['member_id'], member['status']) for member in members] == [
        (PROJECT, 'pending')]
    # A pending member sees the image by its id, not in its list.
    assert glance_data(cloud, image_id) == fake_disk(server_id, source)


def test_boot_refuses_another_projects_private_image(cloud):
    stranger = Client(cloud.glance.endpoint + '/v2', 'demo:another-project')
    image = stranger.request('POST', '/images', status=201, json={
        'name': 'not-yours', 'disk_format': 'raw', 'container_format': 'bare'}).json()
    stranger.request('PUT', '/images/%s/file' % image['id'], status=204, data=b'\0' * 512,
                     headers={'Content-Type': 'application/octet-stream'})

    response = cloud.member.request('POST', '/servers', status=400, version='2.53', json={
        'server': {'name': 'nope', 'imageRef': image['id'], 'flavorRef': cloud.flavor_id,
                   'networks': 'none'}})
    assert response.json()['badRequest']['message'] == \
        'Image %s could not be found.' % image['id']
    listed = cloud.member.request('GET', '/servers?name=nope', status=200).json()['servers']
    assert listed == []
