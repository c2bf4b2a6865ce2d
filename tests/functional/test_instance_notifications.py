"""Versioned notifications of the life-cycle steps the power-action tests
do not cover: a failed spawn (instance.create.error with Nova's
ExceptionPayload) and the API's own delete of a server no compute holds
(instance.delete.start/end from nova-api), after the conductor's
compute_task.build_instances.error about it."""
from oslo_messaging.notify import _impl_test as test_notifications

from nova_common.conf import CONF
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import VERSION
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import wait_settled


def _sent(uuid):
    return [(message['event_type'], priority, message['publisher_id'],
             message['payload'])
            for _ctxt, message, priority, _retry in test_notifications.NOTIFICATIONS
            if uuid in (message['payload']['nova_object.data'].get('uuid'),
                        message['payload']['nova_object.data'].get('instance_uuid'))]


def _create(cloud, flavor='small'):
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': flavor,
              'networks': 'none'}
    response = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                          status=202)
    return response.json['server']['id'], response.headers['x-openstack-request-id']


def test_failed_spawn_sends_create_error_with_the_fault(running):
    CONF.set_override('fail_spawn_on_nodes', [CONF.host], group='fake_driver')
    uuid, request_id = _create(running)
    wait_settled(running, uuid, 'ERROR')
    sent = _sent(uuid)
    assert [(event, priority) for event, priority, _pub, _p in sent][:2] == [
        ('instance.create.start', 'INFO'), ('instance.create.error', 'ERROR')]
    _event, _priority, publisher, payload = sent[1]
    assert publisher == 'nova-compute:%s' % CONF.host
    assert payload['nova_object.name'] == 'InstanceCreatePayload'
    data = payload['nova_object.data']
    assert data['request_id'] == request_id
    fault = data['fault']['nova_object.data']
    assert fault['exception'] == 'NovaException'
    assert 'Injected spawn failure' in fault['exception_message']
    assert (fault['module_name'], fault['function_name']) == (
        'nova_compute.virt.fake', 'spawn')


def test_delete_of_a_server_without_host_is_notified_by_the_api(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 8192, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    uuid, create_request_id = _create(running, 'huge')
    wait_settled(running, uuid, 'ERROR')
    # No host: the conductor says so, as Nova's does.
    [(event, priority, publisher, payload)] = _sent(uuid)
    assert (event, priority, publisher) == ('compute_task.build_instances.error', 'ERROR',
                                            'nova-conductor:%s' % CONF.host)
    assert (payload['nova_object.name'], payload['nova_object.version']) == (
        'ComputeTaskPayload', '1.0')
    task = payload['nova_object.data']
    assert (task['instance_uuid'], task['state']) == (uuid, 'error')
    reason = task['reason']['nova_object.data']
    assert reason['exception'] == 'NoValidHost'
    assert reason['exception_message'].startswith('No valid host was found.')
    assert 'Traceback' not in reason['exception_message']
    spec = task['request_spec']['nova_object.data']
    assert spec['flavor']['nova_object.data']['flavorid'] == 'huge'
    assert (spec['instance_uuid'], spec['num_instances']) == (uuid, 1)
    assert test_notifications.NOTIFICATIONS[-1][0]['request_id'] == create_request_id
    test_notifications.reset()
    delete_request_id = running.delete('/v2.1/servers/%s' % uuid, token=DEMO,
                                       status=204).headers['x-openstack-request-id']
    wait_for(lambda: running.get('/v2.1/servers/%s' % uuid).status_int == 404,
             what='the server to be deleted')
    sent = [(event, priority, publisher) for event, priority, publisher, _p in _sent(uuid)]
    publisher = 'nova-api:%s' % CONF.host
    assert sent == [('instance.delete.start', 'INFO', publisher),
                    ('instance.delete.end', 'INFO', publisher)]
    end = _sent(uuid)[-1][3]['nova_object.data']
    assert (end['state'], end['request_id']) == ('deleted', delete_request_id)
