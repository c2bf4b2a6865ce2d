"""Ageing of the _base cache: what is in use stays (and is refreshed), what
is old and unused goes, nothing a spawn holds is touched."""
import os
import time
import uuid

import pytest

from nova_common.conf import CONF
from nova_compute.virt.libvirt import image_cache
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import qemu_img

DAY = 86400
NOW = time.time()


@pytest.fixture
def cache(tmp_path):
    CONF.set_override('instances_path', str(tmp_path / 'instances'))
    directory = instance_files.base_dir()
    os.makedirs(directory)
    return imagebackend.ImageCache(directory, images=object())


def add_base(cache, image_id, age_seconds):
    path = cache.path(image_id)
    with open(path, 'wb') as handle:
        handle.truncate(65536)
    os.utime(path, (NOW - age_seconds, NOW - age_seconds))
    return path


def add_instance_on(base_path):
    directory = instance_files.instance_dir(str(uuid.uuid4()))
    os.makedirs(directory)
    qemu_img.create_overlay(os.path.join(directory, instance_files.DISK), base_path, 'raw')


def test_old_unused_base_goes_and_used_ones_stay_refreshed(cache):
    named = add_base(cache, 'image-named', 2 * DAY)
    backing = add_base(cache, 'image-backing', 2 * DAY)
    unused = add_base(cache, 'image-unused', 2 * DAY)
    add_instance_on(backing)

    removed = image_cache.age(cache, ['image-named', None], now=NOW)

    assert removed == [os.path.basename(unused)]
    assert not os.path.exists(unused)
    for kept in (named, backing):
        assert NOW - os.stat(kept).st_mtime < 60, 'a base in use gets a fresh mtime'


def test_recently_used_base_stays(cache):
    young = add_base(cache, 'image-young', DAY - 60)
    assert image_cache.age(cache, [], now=NOW) == []
    assert os.path.exists(young)


def test_nothing_goes_when_removal_is_off(cache):
    CONF.set_override('remove_unused_base_images', False, group='libvirt')
    old = add_base(cache, 'image-old', 30 * DAY)
    assert image_cache.age(cache, [], now=NOW) == []
    assert os.path.exists(old)


def test_minimum_age_is_configurable(cache):
    CONF.set_override('remove_unused_original_minimum_age_seconds', 60, group='libvirt')
    old = add_base(cache, 'image-old', 120)
    assert image_cache.age(cache, [], now=NOW) == [os.path.basename(old)]


def test_base_held_by_a_spawn_is_not_removed(cache):
    old = add_base(cache, 'image-busy', 30 * DAY)
    with cache.lock(os.path.basename(old)):
        assert image_cache.age(cache, [], now=NOW) == []
    assert os.path.exists(old)


def test_lock_and_partial_files_are_not_bases(cache):
    for name in ('x.lock', 'y.part', 'notes'):
        open(os.path.join(cache.directory, name), 'w').close()
        os.utime(os.path.join(cache.directory, name), (NOW - 30 * DAY, NOW - 30 * DAY))
    assert image_cache.age(cache, [], now=NOW) == []
    assert sorted(os.listdir(cache.directory)) == ['notes', 'x.lock', 'y.part']
