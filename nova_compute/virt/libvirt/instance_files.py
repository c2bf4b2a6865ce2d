"""Where a guest's files live on the host: one directory per instance under
[DEFAULT] instances_path, named by the instance uuid, holding its root disk
overlay, its kernel and ramdisk (when booted directly) and the serial
console log; the image cache sits beside them in the "_base" subdirectory."""
import os
import shutil
import uuid as uuid_lib

from nova_common.conf import CONF

DISK = 'disk'
KERNEL = 'kernel'
RAMDISK = 'ramdisk'
CONSOLE_LOG = 'console.log'
# The config drive (an ISO 9660 image), attached as a CD-ROM while it exists.
CONFIG_DRIVE = 'disk.config'


def instances_path():
    return os.path.abspath(CONF.instances_path)


def base_dir():
    return os.path.join(instances_path(), CONF.libvirt.image_cache_subdirectory_name)


def instance_dir(instance_uuid):
    """The instance's directory; the uuid is checked, so that no caller can
    make it point outside instances_path."""
    return os.path.join(instances_path(), str(uuid_lib.UUID(instance_uuid)))


def path(instance_uuid, name):
    return os.path.join(instance_dir(instance_uuid), name)


def instance_dirs():
    """(uuid, directory) of every instance directory on this host."""
    root = instances_path()
    try:
        names = os.listdir(root)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        try:
            canonical = str(uuid_lib.UUID(name))
        except ValueError:
            continue
        if canonical == name and os.path.isdir(os.path.join(root, name)):
            found.append((name, os.path.join(root, name)))
    return found


def remove_instance_dir(instance_uuid):
    shutil.rmtree(instance_dir(instance_uuid), ignore_errors=True)


def link_or_copy(source, destination):
    """Make ``destination`` a file with the content of ``source``: a hard
    link (instant, and the cache may later drop ``source``) or, across file
    systems, a copy."""
    if os.path.lexists(destination):
        os.remove(destination)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)
