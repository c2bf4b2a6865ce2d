"""The image backend with real qemu-img and a real local image store in a
temporary directory: the _base cache (one download per image, formats
checked, qcow2 converted to raw) and the per-instance qcow2 overlay."""
import hashlib
import os
import subprocess
import threading

import pytest

from nova_common import context as nova_context
from nova_common import exception
from nova_common.image import api as image_api
from nova_common.image import local
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import qemu_img

ADMIN = nova_context.RequestContext(user_id='admin', project_id='admin', roles=['admin'],
                                    is_admin=True)
MAGIC = b'NOVA-TEST-DISK-MAGIC'


class CountingStore(local.LocalImageStore):
    """The local store, counting downloads (and slow enough that concurrent
    callers really overlap)."""

    def __init__(self, root):
        super().__init__(root)
        self.downloads = 0
        self._lock = threading.Lock()

    def download(self, context, image_id, dest_path):
        with self._lock:
            self.downloads += 1
        threading.Event().wait(0.05)
        return super().download(context, image_id, dest_path)


@pytest.fixture
def store(tmp_path):
    return CountingStore(str(tmp_path / 'images'))


@pytest.fixture
def cache(tmp_path, store):
    return imagebackend.ImageCache(str(tmp_path / '_base'), image_api.ImageAPI(store))


def upload(store, path, disk_format='raw'):
    image = store.create(ADMIN, {'name': os.path.basename(path), 'disk_format': disk_format,
                                 'container_format': 'bare'})
    with open(path, 'rb') as data:
        store.upload(ADMIN, image['id'], data)
    return image['id']


def raw_file(path, size=1024 * 1024):
    with open(path, 'wb') as handle:
        handle.write(MAGIC)
        handle.truncate(size)
    return str(path)


def qcow2_file(tmp_path, name='disk.qcow2'):
    raw = raw_file(tmp_path / (name + '.src'))
    target = str(tmp_path / name)
    subprocess.run(['qemu-img', 'convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, target],
                   check=True)
    return target


def test_raw_image_is_downloaded_once_into_its_sha1_name(cache, store, tmp_path):
    image_id = upload(store, raw_file(tmp_path / 'disk.raw'))
    with cache.base(ADMIN, image_id, imagebackend.ROOT_DISK_FORMATS) as path:
        assert path == str(tmp_path / '_base' / hashlib.sha1(image_id.encode()).hexdigest())
        with open(path, 'rb') as base:
            assert base.read(len(MAGIC)) == MAGIC
    os.utime(path, (1000, 1000))
    with cache.base(ADMIN, image_id, imagebackend.ROOT_DISK_FORMATS) as again:
        assert again == path
    assert store.downloads == 1
    assert os.stat(path).st_mtime > 1000, 'a use refreshes the mtime the ager reads'
    assert sorted(os.listdir(tmp_path / '_base')) == [
        os.path.basename(path), os.path.basename(path) + '.lock']


def test_concurrent_spawns_of_one_image_download_it_once(cache, store, tmp_path):
    image_id = upload(store, raw_file(tmp_path / 'disk.raw'))
    paths, errors = [], []

    def fetch():
        try:
            with cache.base(ADMIN, image_id, imagebackend.ROOT_DISK_FORMATS) as path:
                paths.append(path)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(paths) == 10 and len(set(paths)) == 1
    assert store.downloads == 1


def test_qcow2_image_is_cached_as_raw(cache, store, tmp_path):
    image_id = upload(store, qcow2_file(tmp_path), disk_format='qcow2')
    with cache.base(ADMIN, image_id, imagebackend.ROOT_DISK_FORMATS) as path:
        assert qemu_img.info(path, 'raw')['virtual-size'] == 1024 * 1024
        with open(path, 'rb') as base:
            assert base.read(len(MAGIC)) == MAGIC


def test_qcow2_image_pointing_at_a_host_file_is_refused(cache, store, tmp_path):
    secret = raw_file(tmp_path / 'host-secret')
    sneaky = str(tmp_path / 'sneaky.qcow2')
    qemu_img.create_overlay(sneaky, secret, 'raw')
    image_id = upload(store, sneaky, disk_format='qcow2')
    with pytest.raises(exception.ImageUnacceptable, match='may not refer to other files'):
        with cache.base(ADMIN, image_id, imagebackend.ROOT_DISK_FORMATS):
            pass
    assert [name for name in os.listdir(tmp_path / '_base') if not name.endswith('.lock')] == []


def test_raw_image_that_claims_qcow2_is_refused(cache, store, tmp_path):
    image_id = upload(store, raw_file(tmp_path / 'disk.raw'), disk_format='qcow2')
    with pytest.raises(exception.ImageUnacceptable, match='not a qcow2 image'):
        with cache.base(ADMIN, image_id, imagebackend.ROOT_DISK_FORMATS):
            pass


@pytest.mark.parametrize('disk_format, formats', [
    ('iso', imagebackend.ROOT_DISK_FORMATS),
    ('aki', imagebackend.ROOT_DISK_FORMATS),
    ('qcow2', imagebackend.KERNEL_FORMATS),
])
def test_formats_not_acceptable_for_the_use_are_refused(cache, store, tmp_path, disk_format,
                                                        formats):
    source = (qcow2_file(tmp_path) if disk_format == 'qcow2'
              else raw_file(tmp_path / 'file.bin'))
    image_id = upload(store, source, disk_format=disk_format)
    with pytest.raises(exception.ImageUnacceptable, match='disk format'):
        with cache.base(ADMIN, image_id, formats):
            pass
    assert not os.path.exists(cache.path(image_id))


def test_missing_image_leaves_nothing_behind(cache, tmp_path):
    with pytest.raises(exception.ImageNotFound):
        with cache.base(ADMIN, '8e4b7b8c-3a37-4a55-9d76-7f4a1b3c5d6e',
                        imagebackend.ROOT_DISK_FORMATS):
            pass
    assert [name for name in os.listdir(tmp_path / '_base') if not name.endswith('.lock')] == []


def test_root_disk_is_a_qcow2_overlay_grown_to_the_flavor(tmp_path):
    base = raw_file(tmp_path / 'base')
    disk = str(tmp_path / 'disk')
    imagebackend.create_root_disk(base, disk, root_gb=2)
    details = qemu_img.info(disk, 'qcow2')
    assert details['format'] == 'qcow2'
    assert details['backing-filename'] == base
    assert details['backing-filename-format'] == 'raw'
    assert details['virtual-size'] == 2 * imagebackend.GiB
    completed = subprocess.run(['qemu-img', 'dd', '-f', 'qcow2', '-O', 'raw', 'bs=20',
                                'count=1', 'if=' + disk, 'of=' + str(tmp_path / 'head')],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / 'head').read_bytes()[:len(MAGIC)] == MAGIC


def test_root_disk_of_a_flavor_without_disk_is_as_big_as_the_image(tmp_path):
    base = raw_file(tmp_path / 'base', size=3 * 1024 * 1024)
    disk = str(tmp_path / 'disk')
    imagebackend.create_root_disk(base, disk, root_gb=0)
    assert qemu_img.info(disk, 'qcow2')['virtual-size'] == 3 * 1024 * 1024


def test_image_bigger_than_the_flavor_disk_is_refused(tmp_path):
    base = raw_file(tmp_path / 'base', size=imagebackend.GiB + 512)
    with pytest.raises(exception.FlavorDiskSmallerThanImage):
        imagebackend.create_root_disk(base, str(tmp_path / 'disk'), root_gb=1)
    assert not os.path.exists(tmp_path / 'disk')


def test_file_lock_excludes_other_holders(tmp_path):
    path = str(tmp_path / 'x.lock')
    with imagebackend.file_lock(path) as held:
        assert held
        with imagebackend.file_lock(path, blocking=False) as second:
            assert second is False
    with imagebackend.file_lock(path, blocking=False) as free:
        assert free
