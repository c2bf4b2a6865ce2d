"""POST /os-server-external-events through the real API and compute over
the in-memory transport with the fake driver: per-event codes, the
overall 200/207/404, the names each microversion knows, the policy, and
the compute acting on power-update."""
import pytest

from nova_common import context as nova_context
from nova_common import exception
from nova_common import policy
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import SHUTDOWN
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import server  # noqa: F401 - fixture
from tests.functional.test_power_actions import show
from tests.functional.server_records import add_build_request

URL = '/v2.1/os-server-external-events'
MISSING = 'f7c9d2a0-0000-4000-8000-000000000000'


def send(cloud, events, version='2.93', token=ADMIN, status=200):
    return cloud.post(URL, {'events': events}, token=token, version=version, status=status)


def test_power_update_syncs_the_power_state(running, server):
    running.compute.manager.driver.simulate_guest_shutdown(server, send_event=False)
    assert show(running, server)['status'] == 'ACTIVE'
    body = send(running, [{'server_uuid': server, 'name': 'power-update',
                           'tag': 'POWER_OFF'}]).json
    assert body == {'events': [{'server_uuid': server, 'name': 'power-update',
                                'tag': 'POWER_OFF', 'status': 'completed', 'code': 200}]}
    stopped = wait_for(lambda: show(running, server)['status'] == 'SHUTOFF'
                       and show(running, server), what='the power update to be applied')
    assert stopped['OS-EXT-STS:power_state'] == SHUTDOWN


def test_some_accepted_is_207_with_a_code_per_event(running, server):
    pending = add_build_request(running)['uuid']
    body = send(running, [
        {'server_uuid': server, 'name': 'network-changed', 'tag': 'port-1',
         'status': 'in-progress'},
        {'server_uuid': MISSING, 'name': 'network-vif-plugged'},
        {'server_uuid': pending, 'name': 'network-vif-plugged'},
        {'server_uuid': server, 'name': 'volume-extended'},
    ], status=207).json['events']
    assert [(event['status'], event['code']) for event in body] == [
        ('completed', 200), ('failed', 404), ('failed', 422), ('failed', 400)]
    assert body[0]['tag'] == 'port-1' and body[1]['server_uuid'] == MISSING


def test_none_accepted_is_404(running, server):
    pending = add_build_request(running)['uuid']
    message = send(running, [{'server_uuid': MISSING, 'name': 'network-changed'},
                             {'server_uuid': pending, 'name': 'network-changed'}],
                   status=404).json['itemNotFound']['message']
    assert message == 'No instances found for any event'


def test_names_follow_the_microversion(running, server):
    for name, version in (('volume-extended', '2.51'), ('power-update', '2.76'),
                          ('accelerator-request-bound', '2.82'),
                          ('volume-reimaged', '2.93')):
        event = {'server_uuid': server, 'name': name, 'tag': 't'}
        send(running, [event], version=_before(version), status=400)
        send(running, [event], version=version, status=200)


def _before(version):
    major, minor = version.split('.')
    return '%s.%d' % (major, int(minor) - 1)


def test_bad_bodies_are_400(running, server):
    for body in ({}, {'events': []}, {'events': {}},
                 {'events': [{'name': 'network-changed'}]},
                 {'events': [{'server_uuid': server}]},
                 {'events': [{'server_uuid': 'not-a-uuid', 'name': 'network-changed'}]},
                 {'events': [{'server_uuid': server, 'name': 'reboot'}]},
                 {'events': [{'server_uuid': server, 'name': 'network-changed',
                              'status': 'done'}]},
                 {'events': [{'server_uuid': server, 'name': 'network-changed',
                              'tag': 'x' * 256}]},
                 {'events': [{'server_uuid': server, 'name': 'network-changed', 'x': 1}]},
                 {'events': [], 'extra': 1}):
        running.post(URL, body, token=ADMIN, version='2.93', status=400)


def test_only_services_and_administrators(running, server):
    event = [{'server_uuid': server, 'name': 'network-changed'}]
    send(running, event, token=DEMO, status=403)
    rule = 'os_compute_api:os-server-external-events:create'
    service = nova_context.RequestContext(user_id='neutron', project_id='service',
                                          roles=['service'])
    policy.authorize(service, rule, {})
    member = nova_context.RequestContext(user_id='u', project_id='p', roles=['member'])
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(member, rule, {})
