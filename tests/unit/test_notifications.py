"""Versioned instance notifications: their payload, and that nothing is
built or sent when notifications are off."""
import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test as test_notifications
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import notifications

INSTANCE = {'uuid': 'f5d7a1c2-5d1a-4c5e-9a57-2d8e0b1e3a40', 'project_id': 'demo',
            'user_id': 'alice', 'display_name': 'vm', 'host': 'cmp1', 'node': 'cmp1',
            'vm_state': 'stopped', 'task_state': None, 'power_state': 4, 'locked': False,
            'flavor': {'name': 'small', 'flavorid': 's1', 'memory_mb': 512, 'vcpus': 1,
                       'root_gb': 1, 'ephemeral_gb': 0, 'extra_specs': {'x': 'y'}}}


@pytest.fixture
def notifier_driver():
    CONF.set_override('transport_url', 'fake:/')
    messaging.get_notification_transport(CONF)
    test_notifications.reset()

    def use(driver):
        CONF.set_override('driver', driver, group='oslo_messaging_notifications')
    return use


def _sent():
    return [(message['event_type'], priority, message['publisher_id'], message['payload'])
            for _ctxt, message, priority, _retry in test_notifications.NOTIFICATIONS]


def _raised(error):
    try:
        raise error
    except Exception as caught:  # noqa: BLE001 - the test wants its traceback
        return caught


def test_action_payload_is_nova_shaped():
    ctx = nova_context.RequestContext(user_id='alice', project_id='demo', is_admin=False)
    payload = notifications.instance_payload(
        dict(INSTANCE, created_at='2024-01-02T03:04:05.000000', metadata={'k': 'v'}),
        fault=_raised(ValueError('boom')), context=ctx)
    assert (payload['nova_object.name'], payload['nova_object.version']) == (
        'InstanceActionPayload', '1.7')
    assert payload['nova_object.namespace'] == 'nova'
    data = payload['nova_object.data']
    assert data['uuid'] == INSTANCE['uuid']
    assert (data['tenant_id'], data['user_id']) == ('demo', 'alice')
    assert (data['state'], data['task_state'], data['power_state']) == (
        'stopped', None, 'shutdown')
    assert data['created_at'] == '2024-01-02T03:04:05Z' and data['launched_at'] is None
    assert data['metadata'] == {'k': 'v'} and data['auto_disk_config'] == 'MANUAL'
    assert (data['request_id'], data['action_initiator_user'],
            data['action_initiator_project']) == (ctx.request_id, 'alice', 'demo')
    flavor = data['flavor']
    assert (flavor['nova_object.name'], flavor['nova_object.version']) == ('FlavorPayload',
                                                                          '1.4')
    assert flavor['nova_object.data']['extra_specs'] == {'x': 'y'}
    assert flavor['nova_object.data']['memory_mb'] == 512
    fault = data['fault']
    assert fault['nova_object.name'] == 'ExceptionPayload'
    assert fault['nova_object.data']['exception'] == 'ValueError'
    assert fault['nova_object.data']['exception_message'] == 'boom'
    assert fault['nova_object.data']['function_name'] == '_raised'
    assert 'ValueError: boom' in fault['nova_object.data']['traceback']
    # Nova's InstanceActionPayload fields, no more and no fewer.
    assert set(data) == {
        'uuid', 'user_id', 'tenant_id', 'reservation_id', 'display_name',
        'display_description', 'host_name', 'host', 'node', 'os_type', 'architecture',
        'availability_zone', 'flavor', 'image_uuid', 'key_name', 'kernel_id', 'ramdisk_id',
        'created_at', 'launched_at', 'terminated_at', 'deleted_at', 'updated_at', 'state',
        'power_state', 'task_state', 'progress', 'ip_addresses', 'block_devices',
        'metadata', 'locked', 'auto_disk_config', 'request_id', 'action_initiator_user',
        'action_initiator_project', 'fault'}


def test_create_payload_adds_keypairs_tags_and_name():
    payload = notifications.instance_payload(
        dict(INSTANCE, id=10, tags=['a'], key_name='k', key_data='not a key'), create=True)
    assert (payload['nova_object.name'], payload['nova_object.version']) == (
        'InstanceCreatePayload', '1.11')
    data = payload['nova_object.data']
    assert data['tags'] == ['a'] and data['instance_name'] == 'instance-0000000a'
    assert data['keypairs'][0]['nova_object.data']['name'] == 'k'
    assert data['request_id'] is None, 'no context, no request id'


def test_start_and_error_phases(notifier_driver):
    notifier_driver(['test'])
    ctx = nova_context.get_admin_context()
    notifications.instance_action(ctx, 'nova-compute:cmp1', INSTANCE, 'power_off', 'start')
    notifications.instance_action(ctx, 'nova-compute:cmp1', INSTANCE, 'power_off', 'error',
                                  fault=RuntimeError('no'))
    notifications.instance_action(ctx, 'nova-api:api1', INSTANCE, 'lock')
    sent = _sent()
    assert [(event, priority, publisher) for event, priority, publisher, _p in sent] == [
        ('instance.power_off.start', 'INFO', 'nova-compute:cmp1'),
        ('instance.power_off.error', 'ERROR', 'nova-compute:cmp1'),
        ('instance.lock', 'INFO', 'nova-api:api1')]
    fault = sent[1][3]['nova_object.data']['fault']['nova_object.data']
    assert fault['exception'] == 'RuntimeError'


@pytest.mark.parametrize('driver, notification_format', [
    ([], 'versioned'), (['noop'], 'both'), (['test'], 'unversioned')])
def test_nothing_is_sent_when_off(notifier_driver, monkeypatch, driver, notification_format):
    notifier_driver(driver)
    CONF.set_override('notification_format', notification_format, group='notifications')
    built = []
    monkeypatch.setattr(notifications, 'instance_payload',
                        lambda *args, **kwargs: built.append(args))
    notifications.instance_action(nova_context.get_admin_context(), 'nova-compute:cmp1',
                                  INSTANCE, 'power_on', 'start')
    assert built == [] and _sent() == []


def test_a_failing_notifier_never_fails_the_caller(notifier_driver, monkeypatch):
    notifier_driver(['test'])

    def broken(*args, **kwargs):
        raise RuntimeError('transport down')
    monkeypatch.setattr(test_notifications.TestDriver, 'notify', broken)
    notifications.instance_action(nova_context.get_admin_context(), 'nova-compute:cmp1',
                                  INSTANCE, 'power_on', 'end')


def test_exception_payload_of_an_error_from_rpc():
    """oslo.messaging raises a remote error again as <Name>_Remote, its
    text followed by the remote traceback: the payload has neither."""
    from nova_common import exception
    remote_class = type('NoValidHost_Remote', (exception.NoValidHost,),
                        {'__str__': lambda self: self.message + '\nTraceback ...'})
    error = remote_class('No valid host was found. ')
    data = notifications.exception_payload(error)['nova_object.data']
    assert (data['exception'], data['exception_message']) == (
        'NoValidHost', 'No valid host was found. ')
