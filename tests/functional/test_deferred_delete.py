"""Deferred delete ([DEFAULT] reclaim_instance_interval > 0) through the
real API, conductor, scheduler and compute over the in-memory transport
with the fake driver: DELETE soft-deletes, restore brings the server back,
forceDelete and the compute's reclaim delete for good; list filters,
quota, claims, server groups, and the faults (404, 409, 403 over quota)."""
import time

from oslo_messaging.notify import _impl_test as test_notifications
import pytest

from nova_common.conf import CONF
from nova_common.db.api import ledger
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import OTHER
from tests.functional.test_power_actions import RUNNING
from tests.functional.test_power_actions import SHUTDOWN
from tests.functional.test_power_actions import VERSION
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import guest_power_state
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import server  # noqa: F401 - fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import wait_settled

RESTORE = {'restore': None}


@pytest.fixture(autouse=True)
def deferred(cloud):
    """Deferred delete on, with an interval no test outlives."""
    CONF.set_override('reclaim_instance_interval', 3600)


def soft_delete(cloud, uuid, token=DEMO):
    cloud.delete('/v2.1/servers/%s' % uuid, token=token, version=VERSION, status=204)
    return wait_settled(cloud, uuid, 'SOFT_DELETED')


def listed(cloud, query='', token=ADMIN):
    servers = cloud.get('/v2.1/servers/detail?all_tenants=1%s' % query, token=token,
                        version=VERSION, status=200).json['servers']
    return {server['id']: server['status'] for server in servers}


def instances_used(cloud):
    return cloud.get('/v2.1/limits', token=DEMO, version=VERSION,
                     status=200).json['limits']['absolute']['totalInstancesUsed']


def claimed(cloud, uuid):
    return uuid in ledger.consumers(cloud.admin_context)


def test_delete_soft_deletes_and_restore_brings_the_server_back(running, server):
    assert instances_used(running) == 1
    deleted = soft_delete(running, server)
    assert deleted['OS-EXT-STS:vm_state'] == 'soft-delete'
    assert deleted['OS-EXT-STS:power_state'] == SHUTDOWN
    assert guest_power_state(running, server) == SHUTDOWN
    # Kept: the claim; freed: the quota.
    assert claimed(running, server)
    assert instances_used(running) == 0
    # Hidden from the default list, found with deleted=true, as in Nova.
    assert server not in listed(running)
    assert server not in listed(running, '&status=SOFT_DELETED')
    assert listed(running, '&deleted=true')[server] == 'SOFT_DELETED'
    assert listed(running, '&deleted=true&status=SOFT_DELETED') == {server: 'SOFT_DELETED'}

    act(running, server, RESTORE)
    restored = wait_settled(running, server, 'ACTIVE')
    assert restored['OS-EXT-STS:power_state'] == RUNNING
    assert guest_power_state(running, server) == RUNNING
    assert instances_used(running) == 1
    assert listed(running)[server] == 'ACTIVE'
    actions = running.get('/v2.1/servers/%s/os-instance-actions' % server, token=DEMO,
                          version=VERSION, status=200).json['instanceActions']
    assert [action['action'] for action in actions][:2] == ['restore', 'delete']
    restore_id = actions[0]['request_id']
    events = running.get('/v2.1/servers/%s/os-instance-actions/%s' % (server, restore_id),
                         token=ADMIN, version=VERSION, status=200).json['instanceAction']
    assert [(e['event'], e['result']) for e in events['events']] == [
        ('compute_restore_instance', 'Success')]
    delete_id = actions[1]['request_id']
    events = running.get('/v2.1/servers/%s/os-instance-actions/%s' % (server, delete_id),
                         token=ADMIN, version=VERSION, status=200).json['instanceAction']
    assert [(e['event'], e['result']) for e in events['events']] == [
        ('compute_soft_delete_instance', 'Success')]
    sent = [message['event_type'] for _ctxt, message, _priority, _retry
            in test_notifications.NOTIFICATIONS
            if message['payload']['nova_object.data']['uuid'] == server]
    assert [name for name in sent if 'soft_delete' in name or 'restore' in name] == [
        'instance.soft_delete.start', 'instance.soft_delete.end',
        'instance.restore.start', 'instance.restore.end']


def test_non_admins_cannot_list_deleted_servers(running, server):
    soft_delete(running, server)
    # 'deleted' is an administrator's filter: dropped for the owner.
    owner_view = running.get('/v2.1/servers/detail?deleted=true', token=DEMO,
                             version=VERSION, status=200).json['servers']
    assert owner_view == []
    assert show(running, server, token=DEMO)['status'] == 'SOFT_DELETED'


def test_restore_faults(running, server):
    assert act(running, server, RESTORE, status=409).json['conflictingRequest'][
        'message'] == "Cannot 'restore' instance %s while it is in vm_state active" % server
    act(running, 'f7c9d2a0-0000-4000-8000-000000000000', RESTORE, status=404)
    soft_delete(running, server)
    act(running, server, RESTORE, token=OTHER, status=404)
    act(running, server, {'restore': None, 'extra': 1}, status=400)
    assert show(running, server)['status'] == 'SOFT_DELETED'


def test_restore_over_quota_is_403(running, server):
    running.put('/v2.1/os-quota-sets/demo', {'quota_set': {'instances': 1}}, token=ADMIN,
                status=200)
    soft_delete(running, server)
    # The soft-deleted server does not count: another fits.
    boot(running, name='second')
    message = act(running, server, RESTORE, status=403).json['forbidden']['message']
    assert 'Quota exceeded for instances' in message
    assert show(running, server)['status'] == 'SOFT_DELETED'


def test_locked_soft_deleted_server_refuses_its_owner(running, server):
    act(running, server, {'lock': None})
    running.delete('/v2.1/servers/%s' % server, token=DEMO, version=VERSION, status=409)
    soft_delete(running, server, token=ADMIN)
    act(running, server, RESTORE, status=409)
    act(running, server, RESTORE, token=ADMIN)
    wait_settled(running, server, 'ACTIVE')


def test_force_delete_deletes_a_soft_deleted_server(running, server):
    soft_delete(running, server)
    act(running, server, {'forceDelete': None})
    wait_for(lambda: running.get('/v2.1/servers/%s' % server, token=DEMO).status_int == 404,
             what='server %s to be gone' % server)
    assert not claimed(running, server)
    assert listed(running, '&deleted=true')[server] == 'DELETED'
    act(running, server, RESTORE, status=404)


def test_server_that_never_ran_is_deleted_at_once(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 512, 'vcpus': 1,
                                              'disk': 10 ** 6, 'id': 'huge'}}, status=200)
    uuid = running.post('/v2.1/servers', {'server': {
        'name': 'nowhere', 'imageRef': running.image_id, 'flavorRef': 'huge',
        'networks': 'none'}}, token=DEMO, version=VERSION, status=202).json['server']['id']
    wait_settled(running, uuid, 'ERROR')
    running.delete('/v2.1/servers/%s' % uuid, token=DEMO, version=VERSION, status=204)
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid, token=DEMO).status_int == 404,
             what='server %s to be gone' % uuid)


def test_reclaim_deletes_only_what_waited_long_enough(running):
    group = running.post('/v2.1/os-server-groups', {'server_group': {
        'name': 'g', 'policies': ['anti-affinity']}}, token=DEMO, status=200).json[
        'server_group']['id']
    uuid = running.post('/v2.1/servers', {
        'server': {'name': 'grouped', 'imageRef': running.image_id, 'flavorRef': 'small',
                   'networks': 'none'},
        'OS-SCH-HNT:scheduler_hints': {'group': group}}, token=DEMO, version=VERSION,
        status=202).json['server']['id']
    wait_settled(running, uuid, 'ACTIVE')
    soft_delete(running, uuid)
    manager = running.compute.manager
    manager.reclaim_queued_deletes(running.admin_context)
    assert show(running, uuid)['status'] == 'SOFT_DELETED'
    assert running.get('/v2.1/os-server-groups/%s' % group, token=DEMO,
                       status=200).json['server_group']['members'] == [uuid]

    CONF.set_override('reclaim_instance_interval', 1)
    time.sleep(1.2)
    manager.reclaim_queued_deletes(running.admin_context)
    running.get('/v2.1/servers/%s' % uuid, token=DEMO, status=404)
    assert not claimed(running, uuid)
    assert listed(running, '&deleted=true')[uuid] == 'DELETED'
    members = running.get('/v2.1/os-server-groups/%s' % group, token=DEMO,
                          status=200).json['server_group']['members']
    assert members == []


@pytest.fixture
def quick_reclaim(cloud):
    CONF.set_override('reclaim_instance_interval', 1)


def test_the_compute_reclaims_periodically(quick_reclaim, running, server):
    soft_delete(running, server)
    wait_for(lambda: running.get('/v2.1/servers/%s' % server, token=DEMO).status_int == 404,
             timeout=30, what='the periodic reclaim of %s' % server)
    assert not claimed(running, server)


def test_server_on_a_compute_that_is_down_is_deleted_at_once(running, server):
    running.put('/v2.1/os-services/force-down', {'host': 'test-host',
                                                 'binary': 'nova-compute',
                                                 'forced_down': True},
                token=ADMIN, version='2.11', status=200)
    running.delete('/v2.1/servers/%s' % server, token=DEMO, version=VERSION, status=204)
    running.get('/v2.1/servers/%s' % server, token=DEMO, status=404)
    assert not claimed(running, server)
