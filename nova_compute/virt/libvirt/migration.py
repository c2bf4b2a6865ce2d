"""Resize and cold migration of a libvirt guest between hosts that share
nothing (or to the same host), as Nova's libvirt driver does them, with
the disks moved by disk_transfer.py instead of ssh/rsync.

Source, ``migrate_disk_and_power_off``: the guest is powered off and its
directory renamed ``<uuid>_resize`` (the copy a revert goes back to, as in
Nova); for another host its files are offered for download. The root
disk is a qcow2 overlay on a raw base of the image: only the overlay
moves, the destination takes the base from its own image cache.

Destination, ``finish_migration``: the instance directory is filled (a
copy from ``<uuid>_resize`` on the same host, else a download), the
overlay rebased onto the local base, grown with ``qemu-img resize`` when
the new flavor's root disk is larger (never shrunk), and the domain
defined with the new flavor and started (unless the server was stopped).

Source, ``confirm_migration``: ``<uuid>_resize`` removed, the offer
withdrawn and, on another host, the old domain undefined.
``finish_revert_migration``: ``<uuid>_resize`` renamed back, the domain
defined again with the old flavor and started.
"""
import os
import shutil

from oslo_log import log as logging

from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import disk_transfer
from nova_compute.virt.libvirt import guest as libvirt_guest
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import instance_config
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import qemu_img

LOG = logging.getLogger(__name__)

RESIZE_SUFFIX = '_resize'
# Files that do not move: the console log starts afresh at the destination.
_STAYING = (instance_files.CONSOLE_LOG,)


def resize_dir(uuid):
    return instance_files.instance_dir(uuid) + RESIZE_SUFFIX


def _moving_files(directory):
    return sorted(name for name in os.listdir(directory)
                  if name not in _STAYING and os.path.isfile(os.path.join(directory, name)))


def _define(connection, context, instance):
    properties = instance_config.image_properties(instance, None)
    xml = config.domain_xml(instance_config.guest(instance, properties, context))
    return connection.defineXML(xml)


class Migrations:
    """The resize steps of one libvirt driver (its host connection, image
    cache and disk transfer server)."""

    def __init__(self, host, image_cache, host_name):
        self.host = host
        self.image_cache = image_cache
        self.host_name = host_name
        self.server = disk_transfer.DiskServer()
        # instance uuid -> the URL its files are offered at, until the move ends.
        self._offers = {}

    def stop(self):
        self.server.stop()

    def migrate_disk_and_power_off(self, instance, dest_host, timeout):
        uuid = instance['uuid']
        domain = self.host.lookup(uuid)
        was_running = domain is not None and domain.isActive()
        if domain is not None:
            libvirt_guest.power_off(domain, timeout)
        source, kept = instance_files.instance_dir(uuid), resize_dir(uuid)
        shutil.rmtree(kept, ignore_errors=True)
        os.rename(source, kept)
        try:
            files = _moving_files(kept)
            if dest_host == self.host_name:
                return {'same_host': True, 'files': files}
            self._offers[uuid] = self.server.offer(kept)
            return {'same_host': False, 'files': files, 'url': self._offers[uuid]}
        except Exception:
            os.rename(kept, source)
            if was_running:
                libvirt_guest.start(domain)
            raise

    def finish_migration(self, context, instance, disk_info, resize_instance, power_on):
        uuid = instance['uuid']
        target = instance_files.instance_dir(uuid)
        try:
            os.makedirs(target, exist_ok=True)
            for name in disk_info['files']:
                destination = os.path.join(target, name)
                if disk_info['same_host']:
                    shutil.copy2(os.path.join(resize_dir(uuid), name), destination)
                else:
                    disk_transfer.fetch(disk_info['url'], name, destination)
            self._adopt_root_disk(context, instance, resize_instance)
            domain = _define(self.host.connection(), context, instance)
            if power_on:
                libvirt_guest.start(domain)
        except Exception:
            LOG.warning('Finishing the move of %s failed; removing what was made', uuid)
            self._remove_target(instance, disk_info)
            raise
        LOG.info('Instance %s arrived (%d file(s)%s)', uuid, len(disk_info['files']),
                 ', grown' if resize_instance else '')

    def _adopt_root_disk(self, context, instance, resize_instance):
        """The overlay on this host's base of its image, grown to the
        flavor's root disk."""
        disk = instance_files.path(instance['uuid'], instance_files.DISK)
        if instance.get('image_ref'):
            with self.image_cache.base(context, instance['image_ref'],
                                       imagebackend.ROOT_DISK_FORMATS) as base:
                qemu_img.rebase_unsafe(disk, base, 'raw')
        wanted = instance_config.flavor_of(instance).root_gb * imagebackend.GiB
        current = qemu_img.info(disk, 'qcow2')['virtual-size']
        if resize_instance and wanted > current:
            qemu_img.resize(disk, 'qcow2', wanted)

    def _remove_target(self, instance, disk_info):
        uuid = instance['uuid']
        domain = self.host.lookup(uuid)
        if domain is not None and not disk_info['same_host']:
            try:
                if domain.isActive():
                    libvirt_guest.hard_stop(domain)
                libvirt_guest.undefine(domain)
            except Exception:  # noqa: BLE001 - the failure that brought us here matters more
                LOG.exception('Removing the domain of %s failed', uuid)
        elif domain is not None and domain.isActive():
            libvirt_guest.hard_stop(domain)
        instance_files.remove_instance_dir(uuid)

    def confirm_migration(self, migration, instance):
        uuid = instance['uuid']
        self.server.withdraw(self._offers.pop(uuid, None))
        shutil.rmtree(resize_dir(uuid), ignore_errors=True)
        if migration['source_compute'] != migration['dest_compute']:
            domain = self.host.lookup(uuid)
            if domain is not None:
                if domain.isActive():
                    libvirt_guest.hard_stop(domain)
                libvirt_guest.undefine(domain)
        LOG.info('Removed what instance %s left on %s', uuid, self.host_name)

    def finish_revert_migration(self, context, instance, power_on):
        uuid = instance['uuid']
        self.server.withdraw(self._offers.pop(uuid, None))
        kept = resize_dir(uuid)
        if os.path.isdir(kept):
            instance_files.remove_instance_dir(uuid)
            os.rename(kept, instance_files.instance_dir(uuid))
        domain = _define(self.host.connection(), context, instance)
        if power_on:
            libvirt_guest.start(domain)
        LOG.info('Instance %s is back on %s', uuid, self.host_name)
