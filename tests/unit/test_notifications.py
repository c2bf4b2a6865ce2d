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


def test_payload_is_small_and_nova_shaped():
    payload = notifications.instance_payload(INSTANCE, fault=ValueError('boom'))
    assert payload['nova_object.name'] == 'InstanceActionPayload'
    assert payload['nova_object.namespace'] == 'nova'
    data = payload['nova_object.data']
    assert data['uuid'] == INSTANCE['uuid']
    assert data['tenant_id'] == 'demo'
    assert (data['state'], data['task_state'], data['power_state']) == (
        'stopped', None, 'shutdown')
    assert data['flavor'] == {'name': 'small', 'flavorid': 's1', 'memory_mb': 512,
                              'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0}
    assert data['fault'] == {'exception': 'ValueError', 'exception_message': 'boom'}


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
    assert sent[1][3]['nova_object.data']['fault']['exception'] == 'RuntimeError'


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
