"""Rescue and unrescue of a libvirt guest, as Nova's libvirt driver does
them.

Rescue saves the domain's definition to ``unrescue.xml`` in the instance
directory, makes a rescue root disk (``disk.rescue``: a qcow2 overlay of
the rescue image's base) and, for a kernel image, the rescue kernel and
ramdisk, then defines the domain again (same name, same uuid) booting from
the rescue disk as ``vda`` with the instance's own disk as ``vdb``, and
starts it. Unrescue stops the rescue guest, defines the saved definition
again, starts it and removes the rescue files. A rescue that fails puts
the saved definition back and removes what it made, so the guest is as it
was.

The rescue image's kernel and ramdisk (its ``kernel_id`` / ``ramdisk_id``
properties) are used when it has them, else the instance's own, as in
Nova.
"""
import contextlib
import dataclasses
import os

import libvirt
from oslo_log import log as logging

from nova_common import exception
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import guest as libvirt_guest
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import instance_config
from nova_compute.virt.libvirt import instance_files

LOG = logging.getLogger(__name__)

UNRESCUE_XML = 'unrescue.xml'
RESCUE_DISK = 'disk.rescue'
RESCUE_KERNEL = 'kernel.rescue'
RESCUE_RAMDISK = 'ramdisk.rescue'
RESCUE_FILES = (RESCUE_DISK, RESCUE_KERNEL, RESCUE_RAMDISK, UNRESCUE_XML)


def _path(instance, name):
    return instance_files.path(instance['uuid'], name)


def _rescue_boot(instance, rescue_image):
    """(kernel image id, ramdisk image id) the rescue guest boots with."""
    properties = rescue_image.get('properties') or {}
    if properties.get('kernel_id'):
        return properties['kernel_id'], properties.get('ramdisk_id')
    return instance_config.kernel_and_ramdisk(
        instance, instance_config.image_properties(instance, None))


def _make_files(image_cache, context, instance, rescue_image):
    """The rescue disk (and kernel, ramdisk); returns (kernel, ramdisk) ids."""
    with image_cache.base(context, rescue_image['id'],
                          imagebackend.ROOT_DISK_FORMATS) as base:
        imagebackend.create_root_disk(base, _path(instance, RESCUE_DISK), 0)
    kernel_id, ramdisk_id = _rescue_boot(instance, rescue_image)
    for image_id, name, formats in ((kernel_id, RESCUE_KERNEL, imagebackend.KERNEL_FORMATS),
                                    (ramdisk_id, RESCUE_RAMDISK,
                                     imagebackend.RAMDISK_FORMATS)):
        if image_id:
            with image_cache.base(context, image_id, formats) as base:
                instance_files.link_or_copy(base, _path(instance, name))
    return kernel_id, ramdisk_id


def rescue_guest(context, instance, rescue_image, kernel_id, ramdisk_id):
    """The config.Guest of the rescue domain: the instance's guest booting
    from the rescue disk (vda) with its own disk second (vdb)."""
    properties = dict(instance_config.image_properties(instance, None))
    properties.update((rescue_image.get('properties') or {}))
    own = instance_config.guest(instance, properties, context)
    boot = None
    if kernel_id:
        boot = config.DirectBoot(
            kernel=_path(instance, RESCUE_KERNEL),
            initrd=_path(instance, RESCUE_RAMDISK) if ramdisk_id else None,
            cmdline=own.boot.cmdline if own.boot else properties.get('os_command_line'))
    disks = (config.Disk(path=_path(instance, RESCUE_DISK), target_dev='vda'),
             config.Disk(path=_path(instance, instance_files.DISK), target_dev='vdb'))
    return dataclasses.replace(own, boot=boot, disks=disks, image_id=rescue_image['id'])


def _remove_files(instance, names):
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.remove(_path(instance, name))


def rescue(connection, domain, image_cache, context, instance, rescue_image):
    """Boot ``domain`` (the instance's) from ``rescue_image``; see the
    module docstring."""
    saved = _path(instance, UNRESCUE_XML)
    if os.path.exists(saved):
        raise exception.InstanceInvalidState(action='rescue', instance_uuid=instance['uuid'],
                                             attr='guest', state='rescued')
    original_xml = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    was_running = libvirt_guest.libvirt_state(domain) != libvirt.VIR_DOMAIN_SHUTOFF
    with open(saved, 'w') as handle:
        handle.write(original_xml)
    try:
        kernel_id, ramdisk_id = _make_files(image_cache, context, instance, rescue_image)
        xml = config.domain_xml(rescue_guest(context, instance, rescue_image, kernel_id,
                                             ramdisk_id))
        libvirt_guest.discard_managed_save(domain)
        libvirt_guest.power_off(domain, 0)
        rescue_domain = connection.defineXML(xml)
        libvirt_guest.start(rescue_domain)
    except Exception:
        LOG.warning('Rescuing instance %s failed; putting its guest back', instance['uuid'])
        _put_back(connection, instance, original_xml, was_running)
        raise
    LOG.info('Instance %s rescued from image %s', instance['uuid'], rescue_image['id'])


def _put_back(connection, instance, original_xml, was_running):
    try:
        domain = connection.lookupByUUIDString(instance['uuid'])
        libvirt_guest.power_off(domain, 0)
        domain = connection.defineXML(original_xml)
        if was_running:
            libvirt_guest.start(domain)
    except Exception:  # noqa: BLE001 - the rescue's own error matters more
        LOG.exception('Putting the guest of instance %s back failed', instance['uuid'])
    _remove_files(instance, RESCUE_FILES)


def unrescue(connection, domain, instance):
    """Boot the instance from its own disk again, from the definition the
    rescue saved; then remove the rescue files."""
    try:
        with open(_path(instance, UNRESCUE_XML)) as handle:
            original_xml = handle.read()
    except FileNotFoundError:
        raise exception.InstanceInvalidState(action='unrescue', instance_uuid=instance['uuid'],
                                             attr='guest', state='not rescued')
    libvirt_guest.power_off(domain, 0)
    libvirt_guest.start(connection.defineXML(original_xml))
    _remove_files(instance, RESCUE_FILES)
    LOG.info('Instance %s unrescued', instance['uuid'])
