"""An administrator's snapshot of another project's server is shared with
that project (Nova adds the server's project as an image member), over
the real API, compute and local image store; and the image API's
add-member call (POST /image/v2/images/{id}/members) with its faults."""
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import OTHER
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import wait_settled
from tests.functional.test_server_snapshots import image
from tests.functional.test_server_snapshots import source_image


def members_path(image_id):
    return '/image/v2/images/%s/members' % image_id


def listed(cloud, token):
    return {i['id'] for i in cloud.get('/image/v2/images', token=token).json['images']}


def test_the_servers_project_sees_an_administrators_snapshot(running):
    source_image(running)
    uuid = boot(running)
    image_id = act(running, uuid, {'createImage': {'name': 'by-admin'}},
                   token=ADMIN).json['image_id']
    wait_for(lambda: image(running, image_id)['status'] == 'active',
             what='the snapshot to be active')
    wait_settled(running, uuid, 'ACTIVE')
    seen = image(running, image_id, token=DEMO)
    assert (seen['owner'], seen['visibility']) == ('admin', 'shared')
    image(running, image_id, token=OTHER, status=404)
    # A pending member, as Glance: seen by id, not listed.
    assert image_id not in listed(running, DEMO)
    # The member exists once: adding it again is a conflict.
    running.post(members_path(image_id), {'member': 'demo'}, token=ADMIN, status=409)
    # Only the owner (or an administrator) adds members.
    running.post(members_path(image_id), {'member': 'other'}, token=DEMO, status=403)
    running.post(members_path(image_id), {'member': 'other'}, token=OTHER, status=404)
    # The member may boot from it.
    server = {'name': 'from-shared', 'imageRef': image_id, 'flavorRef': 'small',
              'networks': 'none'}
    booted = running.post('/v2.1/servers', {'server': server}, token=DEMO, version='2.37',
                          status=202).json['server']['id']
    wait_settled(running, booted, 'ACTIVE')


def test_own_snapshot_is_private_and_members_need_a_shared_image(running):
    source_image(running)
    uuid = boot(running)
    image_id = act(running, uuid, {'createImage': {'name': 'own'}}).json['image_id']
    wait_for(lambda: image(running, image_id)['status'] == 'active',
             what='the snapshot to be active')
    assert image(running, image_id, token=DEMO)['visibility'] == 'private'
    running.post(members_path(image_id), {'member': 'other'}, token=DEMO, status=403)
    shared = running.post('/image/v2/images', {'name': 's', 'visibility': 'shared'},
                          token=DEMO, status=201).json
    running.post(members_path(shared['id']), {}, token=DEMO, status=400)
    member = running.post(members_path(shared['id']), {'member': 'other'}, token=DEMO,
                          status=200).json
    assert (member['image_id'], member['member_id'], member['status']) == (
        shared['id'], 'other', 'pending')
    assert image(running, shared['id'], token=OTHER)['id'] == shared['id']
