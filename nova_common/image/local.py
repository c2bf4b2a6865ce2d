"""A directory-backed image store: the all-in-one's (and a small site's)
image service, served by nova-api under /image.

Each image is ``<id>.json`` (its metadata, the image dict of
``glance_format``) and, once uploaded, ``<id>.data``. Every change of
metadata happens under an exclusive ``flock`` on ``.lock`` in the store
directory, so threads and processes (several API workers) sharing the
directory see one order of changes; files are replaced atomically, so
readers take no lock. Upload data is written beside the store and renamed
into place once its size and checksums are known.

Who sees what, as Glance does by default: an administrator sees every
image; others see public and community images and their project's own
(community images are listed only when asked for). Only the owner or an
administrator changes an image; only an administrator makes one public.
A ``shared`` image is also seen by its members' projects (kept in the
image's ``members``, never part of its document); a member is added
``pending`` as in Glance, and Glance lists shared images only to accepted
members, so a pending member gets it by id but not in the image list.
"""
import contextlib
import copy
import fcntl
import hashlib
import json
import os
import tempfile

from oslo_log import log as logging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_common.conf import CONF
from nova_common import exception
from nova_common.image import glance_format

LOG = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
HASH_ALGORITHM = 'sha512'


def _now():
    return timeutils.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')


def _copy_with_hashes(source, target, limit=None):
    """Copy the file object ``source`` into ``target``; (size, md5, sha512).
    Raises RequestTooLarge as soon as more than ``limit`` bytes came."""
    md5 = hashlib.md5(usedforsecurity=False)
    sha = hashlib.new(HASH_ALGORITHM)
    size = 0
    while True:
        chunk = source.read(CHUNK_SIZE)
        if not chunk:
            break
        size += len(chunk)
        if limit is not None and size > limit:
            raise exception.RequestTooLarge(
                'Denying attempt to upload image larger than %d bytes.' % limit)
        md5.update(chunk)
        sha.update(chunk)
        target.write(chunk)
    return size, md5.hexdigest(), sha.hexdigest()


def _sort_value(image, key):
    value = image.get(key)
    return (value is not None, value if value is not None else 0)


def _matches(image, filters):
    for key, wanted in filters.items():
        if key == 'tag':
            if not set(wanted) <= set(image.get('tags') or ()):
                return False
            continue
        actual = image.get(key) if key in glance_format.CORE else (
            image.get('properties') or {}).get(key)
        if actual not in (wanted if isinstance(wanted, list) else [wanted]):
            return False
    return True


class LocalImageStore:
    def __init__(self, root=None):
        self.root = root or CONF.image.local_store_dir
        os.makedirs(self.root, exist_ok=True)

    # -- files ---------------------------------------------------------

    def _meta_path(self, image_id):
        return os.path.join(self.root, image_id + '.json')

    def _data_path(self, image_id):
        return os.path.join(self.root, image_id + '.data')

    @contextlib.contextmanager
    def _locked(self):
        with open(os.path.join(self.root, '.lock'), 'a') as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self, image_id):
        if not uuidutils.is_uuid_like(image_id):
            return None
        try:
            with open(self._meta_path(image_id)) as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None

    def _save(self, image):
        handle = tempfile.NamedTemporaryFile('w', dir=self.root, prefix='.meta-',
                                             delete=False)
        with handle:
            json.dump(image, handle)
        os.replace(handle.name, self._meta_path(image['id']))

    def _all(self):
        for name in os.listdir(self.root):
            if name.endswith('.json') and not name.startswith('.'):
                image = self._load(name[:-len('.json')])
                if image is not None:
                    yield image

    # -- access rules ----------------------------------------------------

    @staticmethod
    def _visible(context, image):
        return (context.is_admin or image['visibility'] in ('public', 'community')
                or image['owner'] == context.project_id
                or (image['visibility'] == 'shared'
                    and context.project_id in (image.get('members') or {})))

    @staticmethod
    def _listed(context, image, visibility):
        if visibility not in (None, 'all') and image['visibility'] != visibility:
            return False
        if context.is_admin or image['owner'] == context.project_id:
            return True
        if image['visibility'] == 'community':
            return visibility in ('community', 'all')
        return image['visibility'] == 'public'

    def _get_visible(self, context, image_id):
        image = self._load(image_id)
        if image is None or not self._visible(context, image):
            raise exception.ImageNotFound(image_id=image_id)
        return image

    @staticmethod
    def _check_modify(context, image):
        if not (context.is_admin or image['owner'] == context.project_id):
            raise exception.Forbidden('You are not permitted to modify image %s.'
                                      % image['id'])

    @staticmethod
    def _check_new_values(context, old, new):
        """Rules on what may change, beyond the schema."""
        if context.is_admin:
            pass
        elif new.get('owner') != old.get('owner'):
            raise exception.Forbidden('Only an administrator may change the owner '
                                      'of an image.')
        elif new['visibility'] == 'public' and old.get('visibility') != 'public':
            raise exception.Forbidden('You are not authorized to complete '
                                      'publicize_image action.')
        if old.get('status', 'queued') != 'queued':
            for key in ('disk_format', 'container_format'):
                if new.get(key) != old.get(key):
                    raise exception.Forbidden("Forbidden to modify '%s' of %s image."
                                              % (key, old['status']))

    # -- metadata --------------------------------------------------------

    def create(self, context, metadata):
        """Store a new image (status queued) from an image dict; ``id`` and
        ``owner`` are optional (the owner defaults to the caller's project,
        and only an administrator names another)."""
        image = {key: copy.deepcopy(metadata.get(key, glance_format.DEFAULTS.get(key)))
                 for key in glance_format.CORE}
        image['properties'] = dict(metadata.get('properties') or {})
        image['owner'] = metadata.get('owner', context.project_id)
        if image['owner'] != context.project_id and not context.is_admin:
            raise exception.Forbidden("You are not permitted to create images owned by "
                                      "'%s'." % image['owner'])
        self._check_new_values(context, {'owner': image['owner']}, image)
        now = _now()
        image.update(id=metadata.get('id') or uuidutils.generate_uuid(),
                     status='queued', size=None, virtual_size=None, checksum=None,
                     os_hash_algo=None, os_hash_value=None, created_at=now, updated_at=now)
        glance_format.validate(image)
        with self._locked():
            if os.path.exists(self._meta_path(image['id'])):
                raise exception.ImageExists(image_id=image['id'])
            self._save(image)
        LOG.info('Image %s created by project %s', image['id'], context.project_id)
        return image

    def get(self, context, image_id):
        return self._get_visible(context, image_id)

    def list(self, context, filters=None, sort_keys=None, sort_dirs=None, limit=None,
             marker=None):
        """The images the caller may see that match ``filters`` (core
        attribute, ``tag`` (all of a list) or extra property; a list value
        means any of), sorted, after ``marker``, at most ``limit``.

        ``visibility`` filters as Glance does ('all' adds community images);
        hidden images (os_hidden) are left out unless asked for."""
        filters = dict(filters or {})
        filters.setdefault('os_hidden', False)
        visibility = filters.pop('visibility', None)
        images = [image for image in self._all()
                  if self._listed(context, image, visibility) and _matches(image, filters)]
        sort_keys = list(sort_keys or ['created_at'])
        sort_dirs = list(sort_dirs or ['desc'])
        sort_dirs += sort_dirs[-1:] * (len(sort_keys) - len(sort_dirs))
        for key, direction in zip(sort_keys, sort_dirs):
            if key not in glance_format.SORT_KEYS:
                raise exception.Invalid('Invalid sort key: %s. It must be one of the following: '
                                        '%s.' % (key, ', '.join(glance_format.SORT_KEYS)))
            if direction not in ('asc', 'desc'):
                raise exception.Invalid('Invalid sort direction: %s' % direction)
        if 'id' not in sort_keys:
            sort_keys.append('id')
            sort_dirs.append(sort_dirs[0])
        for key, direction in reversed(list(zip(sort_keys, sort_dirs))):
            images.sort(key=lambda image: _sort_value(image, key),
                        reverse=direction == 'desc')
        if marker is not None:
            positions = [i for i, image in enumerate(images) if image['id'] == marker]
            if not positions:
                raise exception.MarkerNotFound(marker=marker)
            images = images[positions[0] + 1:]
        return images if limit is None else images[:limit]

    def _modify(self, context, image_id, change):
        with self._locked():
            image = self._get_visible(context, image_id)
            self._check_modify(context, image)
            updated = change(image)
            self._check_new_values(context, image, updated)
            glance_format.validate(updated)
            if updated != image:
                updated['updated_at'] = _now()
                self._save(updated)
        return updated

    def update(self, context, image_id, changes):
        """Apply [(op, attribute, value)] (see glance_format.apply_changes)."""
        return self._modify(context, image_id,
                            lambda image: glance_format.apply_changes(image, changes))

    def add_tag(self, context, image_id, tag):
        def add(image):
            tags = list(image['tags'])
            return dict(image, tags=tags if tag in tags else tags + [tag])
        return self._modify(context, image_id, add)

    def delete_tag(self, context, image_id, tag):
        def remove(image):
            if tag not in image['tags']:
                raise exception.NotFound('Tag %s not found.' % tag)
            return dict(image, tags=[t for t in image['tags'] if t != tag])
        return self._modify(context, image_id, remove)

    def add_member(self, context, image_id, member_id):
        """Share the ``shared`` image ``image_id`` with project
        ``member_id`` (status pending); returns the member (Glance's
        member document without its schema)."""
        with self._locked():
            image = self._get_visible(context, image_id)
            self._check_modify(context, image)
            if image['visibility'] != 'shared':
                raise exception.Forbidden('Only shared images have members.')
            members = dict(image.get('members') or {})
            if member_id in members:
                raise exception.Conflict('Member %s already has access to image %s.'
                                         % (member_id, image_id))
            now = _now()
            members[member_id] = {'status': 'pending', 'created_at': now, 'updated_at': now}
            self._save(dict(image, members=members))
        LOG.info('Image %s shared with project %s', image_id, member_id)
        return dict(members[member_id], image_id=image_id, member_id=member_id)

    def delete(self, context, image_id):
        with self._locked():
            image = self._get_visible(context, image_id)
            self._check_modify(context, image)
            if image['protected']:
                raise exception.Forbidden('Image %s is protected and cannot be deleted.'
                                          % image_id)
            os.remove(self._meta_path(image_id))
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._data_path(image_id))
        LOG.info('Image %s deleted', image_id)

    # -- data ------------------------------------------------------------

    def upload(self, context, image_id, data, size=None):
        """Store the image's data from the file object ``data``; queued ->
        saving -> active. ``size``, when the caller announced it, must be
        what arrives. A failed upload leaves the image queued."""
        with self._locked():
            image = self._get_visible(context, image_id)
            self._check_modify(context, image)
            if not (image['disk_format'] and image['container_format']):
                raise exception.Invalid('Properties disk_format, container_format must '
                                        'be set prior to saving data.')
            if image['status'] != 'queued':
                raise exception.Conflict('Image status transition from %s to saving is '
                                         'not allowed' % image['status'])
            limit = CONF.image.image_size_cap
            if size is not None and size > limit:
                raise exception.RequestTooLarge(
                    'Denying attempt to upload image larger than %d bytes.' % limit)
            self._save(dict(image, status='saving', updated_at=_now()))
        handle = tempfile.NamedTemporaryFile('wb', dir=self.root, prefix='.upload-',
                                             delete=False)
        try:
            with handle:
                written, md5, sha = _copy_with_hashes(data, handle, limit)
                handle.flush()
                os.fsync(handle.fileno())
            if size is not None and written != size:
                raise exception.Invalid('Image data is %d bytes, but %d were announced.'
                                        % (written, size))
            return self._activate(image_id, handle.name, written, md5, sha)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(handle.name)
            self._requeue(image_id)
            raise

    def _activate(self, image_id, data_file, size, md5, sha):
        with self._locked():
            image = self._load(image_id)
            if image is None or image['status'] != 'saving':
                raise exception.Conflict('Image %s was deleted while its data was being '
                                         'uploaded.' % image_id)
            os.replace(data_file, self._data_path(image_id))
            image.update(status='active', size=size, checksum=md5,
                         os_hash_algo=HASH_ALGORITHM, os_hash_value=sha, updated_at=_now())
            self._save(image)
        LOG.info('Image %s is active: %d bytes', image_id, size)
        return image

    def _requeue(self, image_id):
        with self._locked():
            image = self._load(image_id)
            if image is not None and image['status'] == 'saving':
                self._save(dict(image, status='queued', updated_at=_now()))

    def open_data(self, context, image_id):
        """(image, binary file object), the file None when the image has no
        data yet."""
        image = self._get_visible(context, image_id)
        if image['status'] != 'active':
            return image, None
        try:
            return image, open(self._data_path(image_id), 'rb')
        except FileNotFoundError:
            return image, None

    def download(self, context, image_id, dest_path):
        """Copy the image's data to ``dest_path``, verifying its checksums;
        nothing is left at ``dest_path`` when they do not match."""
        image, source = self.open_data(context, image_id)
        if source is None:
            raise exception.ImageUnacceptable(image_id=image_id,
                                              reason='Image has no associated data')
        target = tempfile.NamedTemporaryFile(
            'wb', dir=os.path.dirname(os.path.abspath(dest_path)), prefix='.download-',
            delete=False)
        try:
            with source, target:
                _size, md5, sha = _copy_with_hashes(source, target)
            for algorithm, expected, actual in ((HASH_ALGORITHM, image['os_hash_value'], sha),
                                                ('md5', image['checksum'], md5)):
                if expected != actual:
                    raise exception.ImageChecksumMismatch(
                        image_id=image_id, algorithm=algorithm, expected=expected,
                        actual=actual)
            os.replace(target.name, dest_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(target.name)
            raise
        return image
