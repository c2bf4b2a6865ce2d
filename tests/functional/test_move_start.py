"""The API's start of a move when the super-conductor cannot be reached
(nova_api/compute/move_start.py), for resize, cold migration and live
migration (evacuation's is in test_server_evacuate.py): 503, the server
back to no task with its flavor unchanged, the migration the API wrote
in ``error``, and the server movable again once the conductor answers."""
import oslo_messaging as messaging
import pytest

from nova_common import context as nova_context
from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_conductor import rpcapi as conductor_rpcapi
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import settled
from tests.functional.cloud_helpers import show

VERSION = '2.90'
HOSTS = ['ms-host1', 'ms-host2']
BIG = {'name': 'big', 'ram': 1024, 'vcpus': 2, 'disk': 2, 'id': 'big'}
RESIZE = {'resize': {'flavorRef': 'big'}}
MIGRATE = {'migrate': None}
LIVE_MIGRATE = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}


@pytest.fixture
def running(cloud):
    with computes_on_hosts(cloud, HOSTS, flavors=[BIG]):
        yield cloud


def boot(cloud):
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    uuid = cloud.post('/v2.1/servers', {'server': server}, version=VERSION,
                      status=202).json['server']['id']
    settled(cloud, uuid, 'ACTIVE')
    return uuid


def instance_row(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return instances.get(context, uuid)


def migrations_of(cloud, uuid):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as context:
        return migrations.list(context, {'instance_uuid': uuid})


def unreachable(*args, **kwargs):
    raise messaging.MessagingTimeout('no conductor')


@pytest.mark.parametrize('body, conductor_method, status_after', [
    (RESIZE, 'migrate_server', 'VERIFY_RESIZE'),
    (MIGRATE, 'migrate_server', 'VERIFY_RESIZE'),
    (LIVE_MIGRATE, 'live_migrate_instance', 'ACTIVE'),
])
def test_unreachable_conductor_undoes_the_start(running, monkeypatch, body,
                                                conductor_method, status_after):
    uuid = boot(running)
    source = show(running, uuid)['OS-EXT-SRV-ATTR:host']
    action_url = '/v2.1/servers/%s/action' % uuid
    with monkeypatch.context() as patch:
        patch.setattr(conductor_rpcapi.ConductorAPI, conductor_method, unreachable)
        fault = running.post(action_url, body, version=VERSION, status=503).json
    assert fault['serviceUnavailable']['code'] == 503
    server = show(running, uuid)
    assert (server['status'], server['OS-EXT-STS:task_state'],
            server['OS-EXT-SRV-ATTR:host'], server['flavor']['original_name']) == (
        'ACTIVE', None, source, 'small')
    row = instance_row(running, uuid)
    assert (row['old_flavor'], row['new_flavor']) == (None, None)
    assert [migration['status'] for migration in migrations_of(running, uuid)] == (
        ['error'] if body is LIVE_MIGRATE else [])

    running.post(action_url, body, version=VERSION, status=202)
    moved = settled(running, uuid, status_after)
    assert moved['OS-EXT-SRV-ATTR:host'] != source
