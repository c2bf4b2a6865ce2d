"""Versioned notifications about instances, as Nova names and shapes them
(instance.create.start, instance.power_off.end, instance.lock, ...), on
the ``versioned_notifications`` topic.

How to notify about an action (what a new feature calls)::

    publisher = notifications.compute_publisher(host)   # or api_publisher()
    notifications.instance_action(context, publisher, instance, 'shelve', 'start')
    try:
        ...                                              # the work
    except Exception as error:
        notifications.instance_action(context, publisher, instance, 'shelve',
                                      'error', fault=error)
        raise
    notifications.instance_action(context, publisher, done, 'shelve', 'end')

``instance`` is an instance dict as the cell database gives it (the
conductor's instance_update answer, say); ``context`` is the request's, so
the notification carries its request id twice, as Nova's do: in the
envelope's context and in the payload's ``request_id``. An action with no
phases (lock, unlock) passes ``phase=None``.

The payload is Nova's InstanceActionPayload (InstanceCreatePayload for
instance.create.*): every field Nova's has, filled from the instance dict
and the context with no database read; what this project does not have
(IP addresses without a network service, block devices without volumes)
is empty. Nothing is built when nothing would be sent ([notifications]
notification_format = unversioned, or no [oslo_messaging_notifications]
driver), and a notification that cannot be sent is logged, never raised:
it must not fail or slow the action.
"""
import datetime
import traceback

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import crypto
from nova_common import rpc

LOG = logging.getLogger(__name__)

ACTION_PAYLOAD = ('InstanceActionPayload', '1.7')
CREATE_PAYLOAD = ('InstanceCreatePayload', '1.11')
FLAVOR_PAYLOAD = ('FlavorPayload', '1.4')
EXCEPTION_PAYLOAD = ('ExceptionPayload', '1.1')
KEYPAIR_PAYLOAD = ('KeypairPayload', '1.0')
COMPUTE_TASK_PAYLOAD = ('ComputeTaskPayload', '1.0')
REQUEST_SPEC_PAYLOAD = ('RequestSpecPayload', '1.1')
IMAGE_META_PAYLOAD = ('ImageMetaPayload', '1.0')

_FLAVOR_FIELDS = {'flavorid': None, 'name': None, 'memory_mb': None, 'vcpus': None,
                  'root_gb': None, 'ephemeral_gb': None, 'swap': 0, 'rxtx_factor': 1.0,
                  'disabled': False, 'is_public': True, 'vcpu_weight': 0,
                  'extra_specs': {}, 'projects': None, 'description': None}
# InstancePayload field -> instance column, copied as they are.
_COPIED = {'uuid': 'uuid', 'user_id': 'user_id', 'tenant_id': 'project_id',
           'reservation_id': 'reservation_id', 'display_name': 'display_name',
           'display_description': 'display_description', 'host_name': 'hostname',
           'host': 'host', 'node': 'node', 'os_type': 'os_type',
           'architecture': 'architecture', 'availability_zone': 'availability_zone',
           'image_uuid': 'image_ref', 'key_name': 'key_name', 'kernel_id': 'kernel_id',
           'ramdisk_id': 'ramdisk_id', 'state': 'vm_state', 'task_state': 'task_state',
           'progress': 'progress'}
_REMOTE_SUFFIX = '_Remote'
_DATETIMES = ('created_at', 'launched_at', 'terminated_at', 'deleted_at', 'updated_at')


def _notifier(publisher_id):
    """The notifier, or None when nothing would be sent."""
    if CONF.notifications.notification_format == 'unversioned':
        return None
    notifier = rpc.get_notifier(publisher_id)
    # Read after get_notifier, which registers oslo.messaging's options.
    drivers = [name for name in CONF.oslo_messaging_notifications.driver if name != 'noop']
    return notifier if drivers else None


def _object(name_and_version, data):
    name, version = name_and_version
    return {'nova_object.name': name, 'nova_object.namespace': 'nova',
            'nova_object.version': version, 'nova_object.data': data}


def _isotime(value):
    """Nova's notification timestamps: '2012-10-29T13:42:11Z' (None stays)."""
    if not value:
        return None
    if not isinstance(value, datetime.datetime):
        value = timeutils.parse_isotime(value)
    return timeutils.normalize_time(value).strftime('%Y-%m-%dT%H:%M:%SZ')


def flavor_payload(flavor):
    flavor = flavor or {}
    data = {field: flavor.get(field, default) for field, default in _FLAVOR_FIELDS.items()}
    data['extra_specs'] = dict(data['extra_specs'] or {})
    return _object(FLAVOR_PAYLOAD, data)


def exception_payload(error):
    """Nova's ExceptionPayload of ``error``: where it was raised (the
    innermost frame of its traceback) and what it said."""
    module_name, function_name = type(error).__module__, None
    innermost = error.__traceback__
    while innermost is not None and innermost.tb_next is not None:
        innermost = innermost.tb_next
    if innermost is not None:
        module_name = innermost.tb_frame.f_globals.get('__name__', module_name)
        function_name = innermost.tb_frame.f_code.co_name
    # An exception raised again from an RPC answer: its class is named
    # <Name>_Remote and its text carries the remote traceback.
    name = type(error).__name__
    if name.endswith(_REMOTE_SUFFIX):
        name = name[:-len(_REMOTE_SUFFIX)]
    return _object(EXCEPTION_PAYLOAD, {
        'module_name': module_name,
        'function_name': function_name,
        'exception': name,
        'exception_message': getattr(error, 'message', None) or str(error),
        'traceback': ''.join(traceback.format_exception(type(error), error,
                                                        error.__traceback__)),
    })


def _keypairs(instance):
    key_data = instance.get('key_data')
    if not (instance.get('key_name') and key_data):
        return []
    key_type = 'x509' if 'BEGIN CERTIFICATE' in key_data else 'ssh'
    try:
        fingerprint = crypto.fingerprint(key_data, key_type)
    except Exception:  # noqa: BLE001 - a key we cannot read has no fingerprint
        fingerprint = None
    return [_object(KEYPAIR_PAYLOAD, {'user_id': instance.get('user_id'),
                                      'name': instance['key_name'],
                                      'fingerprint': fingerprint, 'public_key': key_data,
                                      'type': key_type})]


def instance_payload(instance, fault=None, context=None, create=False):
    """The payload of a notification about ``instance`` (an instance dict):
    InstanceActionPayload, or InstanceCreatePayload with ``create``;
    ``fault``: the exception an .error notification reports; ``context``:
    the request's (request id and initiator)."""
    data = {field: instance.get(column) for field, column in _COPIED.items()}
    data.update({field: _isotime(instance.get(field)) for field in _DATETIMES})
    data.update(
        power_state=compute_states.POWER_STATE_NAMES.get(instance.get('power_state')),
        flavor=flavor_payload(instance.get('flavor')),
        metadata=dict(instance.get('metadata') or {}),
        locked=bool(instance.get('locked')),
        auto_disk_config='AUTO' if instance.get('auto_disk_config') else 'MANUAL',
        ip_addresses=[], block_devices=[],
        fault=exception_payload(fault) if fault is not None else None,
        # As Nova: a daemon's own work (no user) has no request id here.
        request_id=(context.request_id if context is not None and context.user_id
                    and context.project_id else None),
        action_initiator_user=context.user_id if context is not None else None,
        action_initiator_project=context.project_id if context is not None else None)
    if not create:
        return _object(ACTION_PAYLOAD, data)
    data.update(keypairs=_keypairs(instance), tags=list(instance.get('tags') or []),
                trusted_image_certificates=None,
                instance_name=_instance_name(instance))
    return _object(CREATE_PAYLOAD, data)


def _instance_name(instance):
    if instance.get('id') is None:
        return None
    try:
        return CONF.instance_name_template % instance['id']
    except (TypeError, ValueError, KeyError):
        return None


def instance_action(context, publisher_id, instance, action, phase=None, fault=None):
    """Emit ``instance.<action>[.<phase>]`` about ``instance``; an 'error'
    phase goes out at ERROR priority with ``fault``."""
    try:
        notifier = _notifier(publisher_id)
        if notifier is None:
            return
        event_type = 'instance.%s' % action + ('.%s' % phase if phase else '')
        payload = instance_payload(instance, fault, context, create=action == 'create')
        if phase == 'error':
            notifier.error(context, event_type, payload)
        else:
            notifier.info(context, event_type, payload)
    except Exception:  # noqa: BLE001 - a notification never fails the action
        LOG.exception('Could not emit the %s notification of instance %s',
                      action, instance.get('uuid'))


def request_spec_payload(request_spec):
    """Nova's RequestSpecPayload of a request spec dict (what the API
    wrote); the parts this project has no model of (NUMA, PCI, retries,
    security groups) are None."""
    spec = request_spec or {}
    image = spec.get('image') or {}
    return _object(REQUEST_SPEC_PAYLOAD, {
        'instance_uuid': spec.get('instance_uuid'),
        'project_id': spec.get('project_id'), 'user_id': spec.get('user_id'),
        'availability_zone': spec.get('availability_zone'),
        'flavor': flavor_payload(spec.get('flavor')),
        'image': _object(IMAGE_META_PAYLOAD, {
            'id': image.get('id'), 'name': image.get('name'),
            'disk_format': image.get('disk_format'),
            'container_format': image.get('container_format'),
            'min_ram': image.get('min_ram'), 'min_disk': image.get('min_disk'),
            'size': image.get('size'), 'status': image.get('status'),
            'properties': dict(image.get('properties') or {})}),
        'num_instances': spec.get('num_instances'),
        'ignore_hosts': spec.get('ignore_hosts') or None,
        'force_hosts': (spec.get('force_hosts') or [None])[0],
        'force_nodes': (spec.get('force_nodes') or [None])[0],
        'scheduler_hints': {key: value if isinstance(value, list) else [value]
                            for key, value in (spec.get('scheduler_hints') or {}).items()},
        'instance_group': None, 'limits': None, 'numa_topology': None,
        'pci_requests': None, 'requested_destination': None, 'retry': None,
        'security_groups': [],
    })


def compute_task_error(context, publisher_id, task, instance_uuid, request_spec, error):
    """Emit ``compute_task.<task>.error`` (ERROR priority), as Nova's
    conductor does when it cannot place an instance (build_instances,
    rebuild_server, migrate_server, ...): a ComputeTaskPayload with the
    request spec and the reason. Never raises."""
    try:
        notifier = _notifier(publisher_id)
        if notifier is None:
            return
        payload = _object(COMPUTE_TASK_PAYLOAD, {
            'instance_uuid': instance_uuid,
            'reason': exception_payload(error),
            'request_spec': request_spec_payload(request_spec),
            'state': 'error',
        })
        notifier.error(context, 'compute_task.%s.error' % task, payload)
    except Exception:  # noqa: BLE001 - a notification never fails the task
        LOG.exception('Could not emit the compute_task.%s.error notification of instance '
                      '%s', task, instance_uuid)


def conductor_publisher():
    return 'nova-conductor:%s' % CONF.host


def compute_publisher(host):
    return 'nova-compute:%s' % host


def api_publisher():
    return 'nova-api:%s' % CONF.host
