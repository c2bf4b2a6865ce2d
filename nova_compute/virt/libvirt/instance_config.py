"""The guest description (config.Guest) of an instance: identity, flavor,
owner, disks, network interfaces and, for kernel images, direct boot."""
import datetime
import os

from oslo_utils import timeutils

from nova_common.conf import CONF
from nova_compute import vifs
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import taps

SYSTEM_METADATA_IMAGE_PREFIX = 'image_'


def image_properties(instance, image_meta):
    """The boot image's properties: from the image when the caller has it,
    else from the copy the API kept in the instance's system metadata."""
    if image_meta and image_meta.get('properties') is not None:
        return dict(image_meta['properties'])
    system_metadata = instance.get('system_metadata') or {}
    return {key[len(SYSTEM_METADATA_IMAGE_PREFIX):]: value
            for key, value in system_metadata.items()
            if key.startswith(SYSTEM_METADATA_IMAGE_PREFIX)}


def kernel_and_ramdisk(instance, properties):
    """(kernel image id, ramdisk image id), either may be None; a ramdisk
    without a kernel is of no use and is ignored."""
    kernel_id = instance.get('kernel_id') or properties.get('kernel_id')
    ramdisk_id = instance.get('ramdisk_id') or properties.get('ramdisk_id')
    return kernel_id or None, (ramdisk_id or None) if kernel_id else None


def flavor_of(instance):
    flavor = instance.get('flavor') or {}

    def value(key, default=0):
        found = flavor.get(key)
        if found is None:
            found = instance.get(key)
        return default if found is None else found

    return config.Flavor(name=flavor.get('name') or '', memory_mb=int(value('memory_mb')),
                         vcpus=int(value('vcpus')), root_gb=int(value('root_gb')),
                         ephemeral_gb=int(value('ephemeral_gb')),
                         swap_mb=int(flavor.get('swap') or 0))


def _created_at(instance):
    created = instance.get('created_at')
    if isinstance(created, str):
        created = timeutils.parse_isotime(created)
    if isinstance(created, datetime.datetime) and created.tzinfo is not None:
        created = timeutils.normalize_time(created)
    return created


def config_drive_disks(uuid):
    """The config drive as a read-only IDE CD-ROM, as Nova attaches it on
    the default (i440fx) machine (the last IDE slot, hdd), when the
    instance has one; () otherwise."""
    path = instance_files.path(uuid, instance_files.CONFIG_DRIVE)
    if not os.path.exists(path):
        return ()
    return (config.Disk(path=path, target_dev='hdd', bus='ide', driver_type='raw',
                        device='cdrom', readonly=True),)


def interfaces(instance):
    """One interface per port of the instance's network_info (the one the
    compute fetched, else the one plugged on this host before: a rebuild
    or rescue keeps the guest's NICs), with the port's MAC and tap, on its
    network's bridge (taps.interface)."""
    network_info = instance.get('network_info')
    if network_info is None:
        network_info = vifs.plugged_network_info(instance['uuid']) or []
    return tuple(taps.interface(vif) for vif in network_info)


def guest(instance, properties, context=None):
    """The config.Guest of ``instance``, whose files are in its instance
    directory (instance_files)."""
    uuid = instance['uuid']
    kernel_id, ramdisk_id = kernel_and_ramdisk(instance, properties)
    boot = None
    if kernel_id:
        boot = config.DirectBoot(
            kernel=instance_files.path(uuid, instance_files.KERNEL),
            initrd=instance_files.path(uuid, instance_files.RAMDISK) if ramdisk_id else None,
            cmdline=properties.get('os_command_line') or CONF.libvirt.kernel_cmdline)
    return config.Guest(
        name=config.instance_name(instance['id'], CONF.instance_name_template),
        uuid=uuid,
        display_name=instance.get('display_name') or '',
        flavor=flavor_of(instance),
        owner=config.Owner(user_id=instance.get('user_id') or '',
                           project_id=instance.get('project_id') or '',
                           user_name=getattr(context, 'user_name', None) or '',
                           project_name=getattr(context, 'project_name', None) or ''),
        console_log=instance_files.path(uuid, instance_files.CONSOLE_LOG),
        virt_type=CONF.libvirt.virt_type,
        boot=boot,
        disks=(config.Disk(path=instance_files.path(uuid, instance_files.DISK)),)
        + config_drive_disks(uuid),
        interfaces=interfaces(instance),
        image_id=instance.get('image_ref') or None,
        created_at=_created_at(instance),
    )
