"""ImageAPI: what the API (server create) and compute hosts call for images.

An image is a dict: id, name, status, visibility, owner, protected,
os_hidden, disk_format, container_format, min_disk, min_ram, size,
virtual_size, checksum (md5), os_hash_algo, os_hash_value, tags,
created_at, updated_at and ``properties`` (the extra properties). An image
the caller may not see is not found (ImageNotFound, 404).

The backend follows ``[image] backend``: ``glance`` or ``local``.
"""
import os

from oslo_log import log as logging
from oslo_utils import excutils

from nova_common.conf import CONF
from nova_common.image import glance
from nova_common.image import local

LOG = logging.getLogger(__name__)


def backend_from_config():
    if CONF.image.backend == 'local':
        return local.LocalImageStore(CONF.image.local_store_dir)
    return glance.GlanceImageService()


class ImageAPI:
    def __init__(self, backend=None):
        self.backend = backend or backend_from_config()

    def get(self, context, image_id):
        return self.backend.get(context, image_id)

    def list(self, context, filters=None, sort_keys=None, sort_dirs=None, limit=None,
             marker=None):
        """Images visible to the caller. ``filters``: core attributes, ``tag``
        or extra properties, exact match (a list value: any of)."""
        return self.backend.list(context, filters=filters, sort_keys=sort_keys,
                                 sort_dirs=sort_dirs, limit=limit, marker=marker)

    def create(self, context, metadata):
        """A new, queued image from an image dict (name, disk_format,
        container_format, min_disk, min_ram, visibility, properties, and
        optionally id). As Nova's glance API: a ``shared`` image with an
        ``instance_owner`` property (an administrator's snapshot of another
        project's server) gets that project as a member, so that it sees
        the image; when that fails the image is deleted again."""
        image = self.backend.create(context, metadata)
        owner = (metadata.get('properties') or {}).get('instance_owner')
        if metadata.get('visibility') == 'shared' and owner and owner != image['owner']:
            try:
                self.backend.add_member(context, image['id'], owner)
            except Exception:
                with excutils.save_and_reraise_exception():
                    try:
                        self.backend.delete(context, image['id'])
                    except Exception:  # noqa: BLE001 - the member's failure matters more
                        LOG.exception('Could not delete image %s again', image['id'])
        return image

    def add_member(self, context, image_id, member_id):
        """Share a ``shared`` image with the project ``member_id`` (pending,
        as Glance adds members)."""
        return self.backend.add_member(context, image_id, member_id)

    def upload(self, context, image_id, data):
        """Upload the data (a binary file object or a path); the image
        becomes active. Returns the image."""
        if isinstance(data, (str, os.PathLike)):
            with open(data, 'rb') as handle:
                return self.backend.upload(context, image_id, handle,
                                           size=os.fstat(handle.fileno()).st_size)
        return self.backend.upload(context, image_id, data)

    def download(self, context, image_id, dest_path):
        """Write the image's data to ``dest_path``, checksum verified
        (ImageChecksumMismatch otherwise, and nothing written)."""
        return self.backend.download(context, image_id, dest_path)

    def update(self, context, image_id, values, remove_properties=()):
        """Set core attributes and extra properties (``values['properties']``
        is merged in) and remove the extra properties named."""
        values = dict(values)
        changes = [('add', name, value)
                   for name, value in (values.pop('properties', None) or {}).items()]
        changes = [('add', name, value) for name, value in values.items()] + changes
        changes += [('remove', name, None) for name in remove_properties]
        return self.backend.update(context, image_id, changes)

    def delete(self, context, image_id):
        self.backend.delete(context, image_id)
