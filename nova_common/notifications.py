"""Versioned notifications about instances, as Nova names them
(instance.power_off.start, instance.reboot.end, instance.lock, ...), on
the ``versioned_notifications`` topic.

The payload is a small, Nova-shaped InstanceActionPayload: the envelope
Nova's versioned objects have and the fields a consumer keys on, nothing
that costs a database read. Nothing is built when nothing would be sent
([notifications] notification_format = unversioned, or no
[oslo_messaging_notifications] driver), and a notification that cannot be
sent is logged, never raised: it must not fail or slow the action.
"""
from oslo_log import log as logging

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import rpc

LOG = logging.getLogger(__name__)

PAYLOAD_NAME = 'InstanceActionPayload'
PAYLOAD_VERSION = '1.0'
_FLAVOR_FIELDS = ('name', 'flavorid', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb')


def _notifier(publisher_id):
    """The notifier, or None when nothing would be sent."""
    if CONF.notifications.notification_format == 'unversioned':
        return None
    notifier = rpc.get_notifier(publisher_id)
    # Read after get_notifier, which registers oslo.messaging's options.
    drivers = [name for name in CONF.oslo_messaging_notifications.driver if name != 'noop']
    return notifier if drivers else None


def instance_payload(instance, fault=None):
    """The payload of a notification about ``instance`` (an instance dict);
    ``fault``: the exception an .error notification reports."""
    flavor = instance.get('flavor') or {}
    data = {
        'uuid': instance['uuid'],
        'tenant_id': instance.get('project_id'),
        'user_id': instance.get('user_id'),
        'display_name': instance.get('display_name'),
        'host': instance.get('host'),
        'node': instance.get('node'),
        'state': instance.get('vm_state'),
        'task_state': instance.get('task_state'),
        'power_state': compute_states.POWER_STATE_NAMES.get(instance.get('power_state')),
        'locked': bool(instance.get('locked')),
        'flavor': {field: flavor.get(field) for field in _FLAVOR_FIELDS},
        'fault': None,
    }
    if fault is not None:
        data['fault'] = {'exception': type(fault).__name__, 'exception_message': str(fault)}
    return {'nova_object.name': PAYLOAD_NAME, 'nova_object.namespace': 'nova',
            'nova_object.version': PAYLOAD_VERSION, 'nova_object.data': data}


def instance_action(context, publisher_id, instance, action, phase=None, fault=None):
    """Emit ``instance.<action>[.<phase>]`` about ``instance``; an 'error'
    phase goes out at ERROR priority with ``fault``."""
    try:
        notifier = _notifier(publisher_id)
        if notifier is None:
            return
        event_type = 'instance.%s' % action + ('.%s' % phase if phase else '')
        payload = instance_payload(instance, fault)
        if phase == 'error':
            notifier.error(context, event_type, payload)
        else:
            notifier.info(context, event_type, payload)
    except Exception:  # noqa: BLE001 - a notification never fails the action
        LOG.exception('Could not emit the %s notification of instance %s',
                      action, instance.get('uuid'))


def compute_publisher(host):
    return 'nova-compute:%s' % host


def api_publisher():
    return 'nova-api:%s' % CONF.host
