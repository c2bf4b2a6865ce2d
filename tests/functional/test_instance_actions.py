"""os-instance-actions through the real API: lists, paging (2.58),
events per policy and microversion, deleted servers (2.21)."""
import datetime
import hashlib
import re

from oslo_utils import timeutils
import pytest

from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common import exception
from tests.functional import server_records as records

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'other:other'
TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')


@pytest.fixture
def server(cloud):
    """A server with three actions: create (one failed and one good
    event), stop, start."""
    instance = records.add_server(cloud)
    uuid = instance['uuid']
    with records.in_cell(cloud) as ctx:
        instance_actions.start(ctx, uuid, 'create', 'req-create', 'demo', 'demo')
        instance_actions.event_start(ctx, uuid, 'req-create', 'compute_build', 'compute1')
        instance_actions.event_finish(ctx, uuid, 'req-create', 'compute_build', 'Error',
                                      traceback='Traceback: boom', details='boom')
        instance_actions.event_start(ctx, uuid, 'req-create', 'compute_build_retry',
                                     'compute2')
        instance_actions.event_finish(ctx, uuid, 'req-create', 'compute_build_retry',
                                      'Success')
        instance_actions.finish(ctx, uuid, 'req-create')
        for action in ('stop', 'start'):
            instance_actions.start(ctx, uuid, action, 'req-%s' % action, 'demo', 'demo')
    return instance


def _url(server, *parts):
    return '/'.join(['/v2.1/servers', server['uuid'], 'os-instance-actions'] + list(parts))


def test_list_newest_first(cloud, server):
    actions = cloud.get(_url(server), token=DEMO, status=200).json['instanceActions']
    assert [a['action'] for a in actions] == ['start', 'stop', 'create']
    create = actions[-1]
    assert TIMESTAMP.match(create.pop('start_time'))
    assert create == {'action': 'create', 'instance_uuid': server['uuid'],
                      'request_id': 'req-create', 'user_id': 'demo', 'project_id': 'demo',
                      'message': 'Error'}
    at_258 = cloud.get(_url(server), token=DEMO, version='2.58').json['instanceActions']
    assert TIMESTAMP.match(at_258[0]['updated_at'])


def test_show_as_admin_has_events_with_traceback(cloud, server):
    action = cloud.get(_url(server, 'req-create'), status=200).json['instanceAction']
    events = {e['event']: e for e in action['events']}
    failed = events['compute_build']
    assert TIMESTAMP.match(failed.pop('start_time'))
    assert TIMESTAMP.match(failed.pop('finish_time'))
    assert failed == {'event': 'compute_build', 'result': 'Error',
                      'traceback': 'Traceback: boom'}
    assert list(events) == ['compute_build_retry', 'compute_build']


def test_events_for_owners_from_2_51_without_traceback(cloud, server):
    at_250 = cloud.get(_url(server, 'req-create'), token=DEMO, version='2.50').json
    assert 'events' not in at_250['instanceAction']
    at_251 = cloud.get(_url(server, 'req-create'), token=DEMO, version='2.51').json
    assert [set(e) for e in at_251['instanceAction']['events']] == [
        {'event', 'start_time', 'finish_time', 'result'}] * 2


def test_host_and_host_id_from_2_62(cloud, server):
    admin = cloud.get(_url(server, 'req-create'), version='2.62').json['instanceAction']
    event = next(e for e in admin['events'] if e['event'] == 'compute_build')
    assert event['host'] == 'compute1'
    assert event['hostId'] == hashlib.sha224(b'democompute1').hexdigest()
    assert 'details' not in event
    owner = cloud.get(_url(server, 'req-create'), token=DEMO, version='2.62').json
    event = next(e for e in owner['instanceAction']['events'] if e['event'] == 'compute_build')
    assert 'host' not in event and 'traceback' not in event
    assert event['hostId'] == hashlib.sha224(b'democompute1').hexdigest()


def test_details_from_2_84_for_admins(cloud, server):
    admin = cloud.get(_url(server, 'req-create'), version='2.84').json['instanceAction']
    details = {e['event']: e['details'] for e in admin['events']}
    assert details == {'compute_build': 'boom', 'compute_build_retry': None}
    owner = cloud.get(_url(server, 'req-create'), token=DEMO, version='2.84').json
    assert all('details' not in e for e in owner['instanceAction']['events'])


def test_unknown_action_and_other_project(cloud, server):
    resp = cloud.get(_url(server, 'req-nope'), token=DEMO, status=404)
    assert resp.json['itemNotFound']['message'] == 'Action req-nope not found'
    cloud.get(_url(server), token=OTHER, status=404)
    cloud.get(_url(server, 'req-create'), token=OTHER, status=404)


def test_paging_from_2_58(cloud, server):
    first = cloud.get(_url(server) + '?limit=2', token=DEMO, version='2.58', status=200).json
    assert [a['action'] for a in first['instanceActions']] == ['start', 'stop']
    href = first['links'][0]['href']
    assert first['links'][0]['rel'] == 'next'
    assert 'marker=req-stop' in href and 'limit=2' in href
    rest = cloud.get(href.replace('http://localhost', ''), token=DEMO, version='2.58').json
    assert [a['action'] for a in rest['instanceActions']] == ['create']
    assert 'links' not in rest
    resp = cloud.get(_url(server) + '?marker=req-nope', token=DEMO, version='2.58', status=400)
    assert resp.json['badRequest']['message'] == 'Marker req-nope could not be found.'
    cloud.get(_url(server) + '?limit=2', token=DEMO, version='2.57', status=200)
    cloud.get(_url(server) + '?foo=1', token=DEMO, version='2.58', status=400)


def test_changes_since_and_before(cloud, server):
    future = (timeutils.utcnow() + datetime.timedelta(hours=1)).isoformat() + 'Z'
    past = (timeutils.utcnow() - datetime.timedelta(hours=1)).isoformat() + 'Z'
    url = _url(server)
    assert cloud.get(url + '?changes-since=%s' % future, token=DEMO,
                     version='2.58').json['instanceActions'] == []
    assert len(cloud.get(url + '?changes-since=%s' % past, token=DEMO,
                         version='2.58').json['instanceActions']) == 3
    cloud.get(url + '?changes-before=%s' % past, token=DEMO, version='2.58', status=400)
    assert cloud.get(url + '?changes-before=%s' % past, token=DEMO,
                     version='2.66').json['instanceActions'] == []
    cloud.get(url + '?changes-since=%s&changes-before=%s' % (future, past), token=DEMO,
              version='2.66', status=400)
    cloud.get(url + '?changes-since=soon', token=DEMO, version='2.58', status=400)


def test_deleted_server_actions_from_2_21(cloud, server):
    with records.in_cell(cloud) as ctx:
        instances.soft_delete(ctx, server['uuid'])
    cloud.get(_url(server), token=DEMO, version='2.20', status=404)
    actions = cloud.get(_url(server), token=DEMO, version='2.21', status=200).json
    assert len(actions['instanceActions']) == 3


def test_build_request_has_no_actions_yet(cloud):
    pending = records.add_build_request(cloud)
    assert cloud.get(_url(pending), token=DEMO, status=200).json == {'instanceActions': []}
    cloud.get(_url(pending, 'req-x'), token=DEMO, status=404)


def test_service_events_without_their_action_join_the_latest(cloud, server):
    """A compute repairing at start-up has a request id of its own."""
    uuid = server['uuid']
    with records.in_cell(cloud) as ctx:
        before = instance_actions.get(ctx, uuid, 'req-start')
        instance_actions.event_start(ctx, uuid, 'req-of-the-compute', 'repair', 'compute1')
        instance_actions.event_finish(ctx, uuid, 'req-of-the-compute', 'repair', 'Success')
        after = instance_actions.get(ctx, uuid, 'req-start')
        assert [e['event'] for e in after['events']] == ['repair']
        assert after['updated_at'] == before['updated_at']
    with records.in_cell(cloud) as cell_context:
        cell_context.project_id = 'demo'
        with pytest.raises(exception.InstanceActionNotFound):
            instance_actions.event_start(cell_context, uuid, 'req-unknown', 'x', 'h')
