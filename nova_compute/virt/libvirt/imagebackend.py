"""Guest disks from images: the ``_base`` cache of downloaded images and the
per-instance qcow2 overlay on top of a base.

A base is ``<instances_path>/_base/<sha1 of the image id>``, always raw
data: a qcow2 image is checked (no backing file, no external data file: an
image must never make qemu read a host file) and converted to raw once,
when it is downloaded; raw (and ``ami``) images are kept as they are.
Root disks are then always qcow2 overlays ``qemu-img create -f qcow2 -F raw
-b <base>``, grown to the flavor's root_gb. Kernel and ramdisk images (disk
formats ``aki`` / ``ari``, or raw) are cached the same way and linked into
the instance directory.

One download per image, however many guests start from it at once: each
base has a lock file (``<base>.lock``, an exclusive ``flock``, which works
between threads and processes alike) held while the base is downloaded and
while an instance builds on it, and taken by the cache ager before it
deletes a base. A base's mtime is the last time a spawn used it.

A kernel+ramdisk test guest (tools/build-test-image.sh) is uploaded as
three images: the kernel (disk_format ``aki``), the ramdisk (``ari``) and a
small raw root disk image whose properties ``kernel_id`` and
``ramdisk_id`` name the other two; a server boots from the disk image.
"""
import contextlib
import fcntl
import hashlib
import os

from oslo_log import log as logging

from nova_common import exception
from nova_common.image import api as image_api
from nova_compute.virt.libvirt import qemu_img

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
# disk_format of a root disk image -> how it is stored in the cache.
ROOT_DISK_FORMATS = ('raw', 'ami', 'qcow2')
KERNEL_FORMATS = ('aki', 'raw')
RAMDISK_FORMATS = ('ari', 'raw')
LOCK_SUFFIX = '.lock'


def base_name(image_id):
    return hashlib.sha1(image_id.encode('utf-8')).hexdigest()


def is_base_name(name):
    return len(name) == 40 and all(char in '0123456789abcdef' for char in name)


@contextlib.contextmanager
def file_lock(path, blocking=True):
    """Hold an exclusive flock on ``path`` (created when missing); yields
    False at once, holding nothing, when ``blocking`` is False and another
    holder has it."""
    with open(path, 'a') as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class ImageCache:
    """The base images of one host, in ``directory``."""

    def __init__(self, directory, images=None):
        self.directory = directory
        self.images = images or image_api.ImageAPI()

    def path(self, image_id):
        return os.path.join(self.directory, base_name(image_id))

    def lock(self, name, blocking=True):
        return file_lock(os.path.join(self.directory, name + LOCK_SUFFIX), blocking)

    @contextlib.contextmanager
    def base(self, context, image_id, formats):
        """Yield the path of the image's base, downloading it first when it
        is not cached; the base cannot be removed until the block ends.
        ``formats``: the image disk formats acceptable for this use."""
        os.makedirs(self.directory, exist_ok=True)
        path = self.path(image_id)
        with self.lock(base_name(image_id)):
            if os.path.exists(path):
                os.utime(path)
            else:
                self._download(context, image_id, path, formats)
            yield path

    def _download(self, context, image_id, path, formats):
        staging = path + '.part'
        converted = path + '.raw'
        try:
            image = self.images.download(context, image_id, staging)
            disk_format = image.get('disk_format')
            if disk_format not in formats:
                raise exception.ImageUnacceptable(
                    image_id=image_id, reason='disk format %r is not one of %s here'
                    % (disk_format, ', '.join(formats)))
            if disk_format == 'qcow2':
                _check_qcow2(staging, image_id)
                qemu_img.convert_to_raw(staging, 'qcow2', converted)
                os.replace(converted, path)
            else:
                os.replace(staging, path)
            os.chmod(path, 0o644)
        finally:
            for leftover in (staging, converted):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)
        LOG.info('Cached image %s as %s (%d bytes)', image_id, path, os.path.getsize(path))


def _check_qcow2(path, image_id):
    try:
        details = qemu_img.info(path, 'qcow2')
    except exception.NovaException as error:
        raise exception.ImageUnacceptable(image_id=image_id,
                                          reason='not a qcow2 image: %s' % error)
    data_file = details.get('format-specific', {}).get('data', {}).get('data-file')
    if details.get('backing-filename') or data_file:
        raise exception.ImageUnacceptable(
            image_id=image_id, reason='a qcow2 image may not refer to other files')


def create_root_disk(base_path, disk_path, root_gb):
    """The instance's root disk: a qcow2 overlay of the raw base, as big as
    the flavor's root disk (root_gb 0: as big as the image)."""
    image_size = os.path.getsize(base_path)
    flavor_size = root_gb * GiB
    if root_gb and flavor_size < image_size:
        raise exception.FlavorDiskSmallerThanImage(flavor_size=flavor_size,
                                                   image_size=image_size)
    qemu_img.create_overlay(disk_path, base_path, 'raw',
                            flavor_size if flavor_size > image_size else None)
