"""Rebuilding a server from the API: the guest recreated from an image
(the same or a new one) on the same host, its id, host and addresses kept.

As Nova's compute API does, the request is checked here and answered at
once: the server must be ACTIVE, STOPPED or ERROR with no task (409),
not locked (409), and the image must exist, be active and fit the
server's flavor (min_ram, min_disk, size: 400). Then, in one cell
transaction guarded by those states, the record takes the new image (its
kernel, ramdisk and image_* system metadata), the new name, metadata,
key, user data, ... and task_state ``rebuilding``, and the ``rebuild``
action is recorded; the request spec takes the new image. The
super-conductor asks the scheduler whether the host still fits a changed
image (nova_conductor/tasks/rebuild.py) and the compute does the rest
(nova_compute/rebuild.py).

Trusted image certificates (2.63) are refused with 400: nothing here
verifies image signatures, and Nova too refuses them when it cannot honour
them (it fails a request whose certificates cannot be validated).
"""
import secrets

from oslo_log import log as logging
from oslo_utils import strutils

from nova_api.compute import create
from nova_api.compute import lookup
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_api.schemas import parameter_types
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from nova_common.db import engines
from nova_common import exception
from nova_common import rpc
from nova_common import quota
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)

# Nova's check_instance_state for rebuild.
VM_STATES = (states.ACTIVE, states.STOPPED, states.ERROR)
TRUSTED_CERTS_REFUSED = ('Image certificate validation is not supported by this cloud: '
                         'trusted_image_certificates cannot be honoured.')

# body field -> instance column, copied as they are.
_FIELDS = (('name', 'display_name'), ('description', 'display_description'),
           ('hostname', 'hostname'))


def _image_fields(image):
    properties = image.get('properties') or {}
    return {'image_ref': image['id'], 'kernel_id': properties.get('kernel_id'),
            'ramdisk_id': properties.get('ramdisk_id')}


def _rollback(instance, spec):
    """The image fields of the record before the rebuild, for the
    conductor to write back when the host does not fit the new image."""
    system_metadata = instance.get('system_metadata') or {}
    return {'image_ref': instance.get('image_ref'), 'kernel_id': instance.get('kernel_id'),
            'ramdisk_id': instance.get('ramdisk_id'),
            'image_properties': {key: value for key, value in system_metadata.items()
                                 if key.startswith('image_')},
            'request_spec_image': (spec or {}).get('image')}


def _changes(context, args, image):
    """The instance columns the request changes, with task_state rebuilding."""
    values = dict(_image_fields(image), task_state=states.REBUILDING, progress=0)
    for field, column in _FIELDS:
        if field in args:
            values[column] = args[field]
    for field, column in (('accessIPv4', 'access_ip_v4'), ('accessIPv6', 'access_ip_v6')):
        if field in args:
            values[column] = parameter_types.normalized_ip(args[field])
    if 'OS-DCF:diskConfig' in args:
        values['auto_disk_config'] = args['OS-DCF:diskConfig'] == 'AUTO'
    if 'key_name' in args:  # 2.54; null removes the key
        key_pair = create._key_pair(context, args['key_name'])
        values['key_name'] = key_pair['name'] if key_pair else None
        values['key_data'] = key_pair['public_key'] if key_pair else None
    if 'user_data' in args:  # 2.57; null removes it
        values['user_data'] = create._user_data(args)
    return values


def _check_request(context, instance, args):
    if args.get('trusted_image_certificates'):
        raise exception.Invalid(TRUSTED_CERTS_REFUSED)
    metadata = args.get('metadata')
    if metadata:
        quota.check_limits(context, instance['project_id'],
                           {'metadata_items': len(metadata)}, instance['user_id'])


@engines.retry_on_deadlock
def _write(context, cell, instance, values, args, image):
    """The record, its metadata, its image_* copy and the action: one cell
    transaction guarded by the states a rebuild may start from."""
    uuid = instance['uuid']
    with nova_context.target_cell(context, cell) as cell_context:
        with engines.cell_writer(cell_context):
            updated = instances.update(cell_context, uuid, values,
                                       expected_vm_state=list(VM_STATES),
                                       expected_task_state=[None], action='rebuild')
            if 'metadata' in args:
                instances.set_metadata(cell_context, uuid, args['metadata'])
            instances.replace_system_metadata_prefix(cell_context, uuid, 'image_',
                                                     create.image_system_metadata(image))
            instance_actions.start(cell_context, uuid, 'rebuild', context.request_id,
                                   context.user_id, context.project_id)
    return updated


@engines.retry_on_deadlock
def _undo(context, cell, uuid, rollback):
    """The conductor could not be reached: the record as it was, no task."""
    with nova_context.target_cell(context, cell) as cell_context:
        with engines.cell_writer(cell_context):
            instances.update(cell_context, uuid,
                             {'image_ref': rollback['image_ref'],
                              'kernel_id': rollback['kernel_id'],
                              'ramdisk_id': rollback['ramdisk_id'], 'task_state': None},
                             expected_task_state=states.REBUILDING, action='rebuild')
            instances.replace_system_metadata_prefix(cell_context, uuid, 'image_',
                                                     rollback['image_properties'])


def rebuild(context, instance, args):
    """Start rebuilding ``instance`` as ``args`` (the body's ``rebuild``
    object, valid for the request's microversion) asks. Returns the admin
    password. 409 in the wrong state or locked, 400 for an image the
    server cannot take."""
    state_checks.check_lock(context, instance)
    power.require_host(instance)
    state_checks.require_state(instance, 'rebuild', VM_STATES, no_task=True)
    _check_request(context, instance, args)
    image = create._image(context, args['imageRef'], instance.get('flavor') or instance)
    values = _changes(context, args, image)
    uuid = instance['uuid']
    cell = lookup.cell_of(context, instance)
    try:
        spec = request_specs.get(context, uuid)
    except exception.RequestSpecNotFound:
        spec = None
    rollback = _rollback(instance, spec)
    updated = _write(context, cell, instance, values, args, image)
    new_image = create.image_spec(image)
    if spec is not None:
        spec['image'] = new_image
        request_specs.update(context, uuid, spec)
    image_changed = image['id'] != rollback['image_ref']
    try:
        conductor_rpcapi.ConductorAPI().rebuild_instance(
            context, cell['uuid'], updated, new_image, image_changed,
            strutils.bool_from_string(args.get('preserve_ephemeral', False)), rollback)
    except rpc.BUS_UNREACHABLE as error:
        LOG.error('Could not reach the conductor to rebuild %s: %s', uuid, error)
        _undo(context, cell, uuid, rollback)
        if spec is not None:
            spec['image'] = rollback['request_spec_image']
            request_specs.update(context, uuid, spec)
        raise exception.ServiceUnavailable(reason='the conductor cannot be reached')
    return args.get('adminPass') or secrets.token_urlsafe(9)
