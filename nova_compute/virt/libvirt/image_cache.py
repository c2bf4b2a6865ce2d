"""Ageing of the ``_base`` image cache (the periodic task behind
``LibvirtDriver.manage_image_cache``).

A base is in use when an image the compute manager names is its image, or
when a root disk in an instance directory on this host has it as backing
file. Bases in use get their mtime refreshed; a base out of use whose mtime
is older than [libvirt] remove_unused_original_minimum_age_seconds is
deleted (when [libvirt] remove_unused_base_images is on), under its lock
and only if no spawn holds it.
"""
import contextlib
import os
import time

from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import qemu_img

LOG = logging.getLogger(__name__)


def backing_bases(base_dir):
    """Names of the bases that instance root disks on this host use."""
    names = set()
    for _uuid, directory in instance_files.instance_dirs():
        disk = os.path.join(directory, instance_files.DISK)
        if not os.path.exists(disk):
            continue
        try:
            backing = qemu_img.info(disk, 'qcow2').get('backing-filename')
        except exception.NovaException as error:
            LOG.warning('Cannot read the backing file of %s: %s', disk, error)
            continue
        if backing and os.path.dirname(os.path.abspath(backing)) == os.path.abspath(base_dir):
            names.add(os.path.basename(backing))
    return names


def age(cache, used_image_ids, now=None):
    """Refresh the bases in use and delete the old unused ones; returns the
    names of the bases deleted."""
    now = time.time() if now is None else now
    try:
        names = [name for name in os.listdir(cache.directory) if imagebackend.is_base_name(name)]
    except FileNotFoundError:
        return []
    in_use = {imagebackend.base_name(image_id) for image_id in used_image_ids if image_id}
    in_use |= backing_bases(cache.directory)
    removed = []
    for name in names:
        path = os.path.join(cache.directory, name)
        if name in in_use:
            with contextlib.suppress(FileNotFoundError):
                os.utime(path)
            continue
        if CONF.libvirt.remove_unused_base_images and _remove_if_old(cache, name, path, now):
            removed.append(name)
    return removed


def _remove_if_old(cache, name, path, now):
    min_age = CONF.libvirt.remove_unused_original_minimum_age_seconds
    with cache.lock(name, blocking=False) as locked:
        if not locked:
            return False
        try:
            unused_for = now - os.stat(path).st_mtime
        except FileNotFoundError:
            return False
        if unused_for < min_age:
            return False
        os.remove(path)
    LOG.info('Removed base image %s, unused for %d s', path, unused_for)
    return True
