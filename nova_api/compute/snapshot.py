"""createImage and createBackup from the API: an image of the server's root
disk, made by its compute host.

As Nova's compute API does: the server's state and lock are checked first
(409), then the image is created ``queued`` in the image service with the
properties Nova gives a snapshot, then the server moves to its task state
in one update guarded by vm_state and ``task_state = None`` (a conflicting
action that won meanwhile gets the image deleted again and a 409), the
instance action is recorded and the work is cast to the compute host
(nova_compute/snapshot.py), which uploads the data and ends the task.
Shelve (nova_api/compute/shelve.py) builds its image the same way.
"""
from oslo_log import log as logging

from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import compute_states as states
from nova_common import exception
from nova_common.image import api as image_api
from nova_common import quota
from nova_compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)

# Where a snapshot or a backup may start from (Nova's check_instance_state).
SNAPSHOT_VM_STATES = (states.ACTIVE, states.STOPPED, states.PAUSED, states.SUSPENDED)

# Image properties of the source image a snapshot does not inherit (Nova's
# [DEFAULT] non_inheritable_image_properties defaults), the namespaces it
# never inherits, and the image attributes system metadata may hold that
# are not properties.
NON_INHERITABLE_PROPERTIES = ('cache_in_nova', 'bittorrent')
NON_INHERITABLE_NAMESPACES = ('img_signature', 'os_glance')
NOT_PROPERTIES = ('min_disk', 'min_ram', 'disk_format', 'container_format', 'size')

SYSTEM_METADATA_PREFIX = 'image_'


def inherited_properties(instance):
    """The source image's properties the server carries in its system
    metadata (``image_<name>``), less those a snapshot does not inherit."""
    properties = {}
    for key, value in (instance.get('system_metadata') or {}).items():
        if not key.startswith(SYSTEM_METADATA_PREFIX):
            continue
        name = key[len(SYSTEM_METADATA_PREFIX):]
        if (name in NON_INHERITABLE_PROPERTIES or name in NOT_PROPERTIES
                or name.startswith(NON_INHERITABLE_NAMESPACES)):
            continue
        properties[name] = value
    return properties


def _source_image(context, instance):
    """The image the server was built from, or None when it is gone or
    no longer visible (its min_ram and min_disk are then unknown)."""
    if not instance.get('image_ref'):
        return None
    try:
        return image_api.ImageAPI().get(context, instance['image_ref'])
    except exception.NotFound:
        return None
    except exception.Forbidden:
        return None


def image_metadata(context, instance, name, image_type, extra_properties=None):
    """The image dict a snapshot of ``instance`` is created with, as Nova's
    compute API builds it: the source image's inheritable properties,
    ``instance_uuid``, ``user_id``, ``image_type``, ``base_image_ref``,
    ``owner_id``, then ``extra_properties`` (which win); ``min_ram`` of
    the source image and ``min_disk`` at least the flavor's root disk.
    The owner is the caller's project; when that is not the server's
    project the image is shared and ``instance_owner`` names the server's
    project. Disk and container formats are left to the driver, which
    knows what it uploads."""
    source = _source_image(context, instance) or {}
    properties = inherited_properties(instance)
    properties.update({
        'instance_uuid': instance['uuid'],
        'user_id': str(context.user_id),
        'image_type': image_type,
        'base_image_ref': instance.get('image_ref') or '',
        'owner_id': instance['project_id'],
    })
    for key in ('kernel_id', 'ramdisk_id'):
        if instance.get(key):
            properties[key] = instance[key]
    if context.project_id != instance['project_id']:
        visibility = 'shared'
        properties['instance_owner'] = instance['project_id']
    else:
        visibility = 'private'
    properties.update(extra_properties or {})
    flavor_root_gb = (instance.get('flavor') or {}).get('root_gb', instance.get('root_gb')) or 0
    return {
        'name': name,
        'visibility': visibility,
        'min_ram': int(source.get('min_ram') or 0),
        'min_disk': max(int(source.get('min_disk') or 0), int(flavor_root_gb)),
        'properties': {key: str(value) for key, value in properties.items()},
    }


def check_properties_quota(context, metadata):
    """403 "Image metadata limit exceeded" when the request's image metadata
    has more items than the caller's ``metadata_items`` quota (Nova's
    check_img_metadata_properties_quota)."""
    if not metadata:
        return
    try:
        quota.check_limits(context, context.project_id, {'metadata_items': len(metadata)},
                           context.user_id)
    except exception.OverQuota:
        raise exception.Forbidden('Image metadata limit exceeded')


def begin_with_image(context, instance, action, vm_states, task_state, image_meta):
    """Create the queued image, then move the server to ``task_state``
    (guarded by ``vm_states`` and no task) and record ``action``. Returns
    (the image, the updated instance, its cell). Nothing is left behind
    when the server cannot take the task: the image is deleted again."""
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, action, vm_states, no_task=True)
    power.require_host(instance)
    images = image_api.ImageAPI()
    image = images.create(context, image_meta)
    try:
        updated, cell = power.begin(context, instance, action, vm_states, task_state)
    except Exception:
        delete_image_quietly(context, images, image['id'])
        raise
    return image, updated, cell


def delete_image_quietly(context, images, image_id):
    """Delete an image this work created; a failure is only logged (the
    error that made us delete it matters more)."""
    try:
        images.delete(context, image_id)
    except exception.NotFound:
        pass
    except Exception:  # noqa: BLE001 - logged, the caller's error wins
        LOG.exception('Could not delete image %s', image_id)


def create_image(context, instance, name, metadata=None):
    """createImage: returns the queued image."""
    check_properties_quota(context, metadata)
    meta = image_metadata(context, instance, name, 'snapshot', metadata)
    image, updated, cell = begin_with_image(context, instance, 'createImage',
                                            SNAPSHOT_VM_STATES, states.IMAGE_SNAPSHOT_PENDING,
                                            meta)
    compute_rpcapi.ComputeAPI.for_cell(cell).snapshot_instance(
        context, updated['host'], updated, image['id'])
    return image


def backup(context, instance, name, backup_type, rotation, metadata=None):
    """createBackup: returns the queued image; the compute deletes the
    oldest backups of ``backup_type`` beyond ``rotation`` once it is
    uploaded."""
    check_properties_quota(context, metadata)
    extra = dict(metadata or {}, backup_type=backup_type)
    meta = image_metadata(context, instance, name, 'backup', extra)
    image, updated, cell = begin_with_image(context, instance, 'createBackup',
                                            SNAPSHOT_VM_STATES, states.IMAGE_BACKUP, meta)
    compute_rpcapi.ComputeAPI.for_cell(cell).backup_instance(
        context, updated['host'], updated, image['id'], backup_type, rotation)
    return image
