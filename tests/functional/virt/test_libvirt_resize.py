"""LibvirtDriver resize and cold migration against libvirt's in-memory
test driver (test:///default) and real qemu-img: the source's kept copy
(``<uuid>_resize``), the root disk grown on the destination, the domain
defined with the new flavor, confirm and revert, and the disks fetched
over the disk transfer server by a "host" with instances of its own.
Without libvirt-python the module is skipped, except under CI."""
import os
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import qemu_img

from tests.functional.virt import libvirt_module

libvirt = libvirt_module.require()

from tests.functional.virt.test_libvirt_driver import CONTEXT  # noqa: E402
from tests.functional.virt.test_libvirt_driver import disk_image  # noqa: E402
from tests.functional.virt.test_libvirt_driver import domain_of  # noqa: E402
from tests.functional.virt.test_libvirt_driver import driver  # noqa: E402,F401 - fixture
from tests.functional.virt.test_libvirt_driver import instance_dir  # noqa: E402
from tests.functional.virt.test_libvirt_driver import make_instance  # noqa: E402

BIG = {'name': 'big', 'memory_mb': 256, 'vcpus': 2, 'root_gb': 2, 'ephemeral_gb': 0, 'swap': 0}
GiB = 1024 ** 3


def _spawned(driver, tmp_path):
    image_id = disk_image(tmp_path)
    instance = make_instance(image_id, root_gb=1)
    driver.spawn(CONTEXT, instance, None)
    return instance


def _resized(instance):
    return dict(instance, flavor=BIG)


def _memory_kib(driver, instance):
    return int(ET.fromstring(domain_of(driver, instance).XMLDesc()).find('memory').text)


def _migration(source, dest):
    return {'source_compute': source, 'dest_compute': dest}


def test_same_host_resize_grows_the_disk_and_confirm_drops_the_copy(driver, tmp_path):
    instance = _spawned(driver, tmp_path)
    info = driver.migrate_disk_and_power_off(CONTEXT, instance, 'host-1', BIG, timeout=0)
    assert info == {'same_host': True, 'files': ['disk']}
    assert driver.get_power_state(instance) == states.SHUTDOWN
    kept = instance_dir(instance) + '_resize'
    assert os.listdir(kept) and not os.path.exists(instance_dir(instance))

    resized = _resized(instance)
    driver.finish_migration(CONTEXT, _migration('host-1', 'host-1'), resized, info, None,
                            True, True)
    disk = os.path.join(instance_dir(instance), 'disk')
    assert qemu_img.info(disk, 'qcow2')['virtual-size'] == 2 * GiB
    assert qemu_img.info(os.path.join(kept, 'disk'), 'qcow2')['virtual-size'] == GiB
    assert _memory_kib(driver, instance) == 256 * 1024
    assert driver.get_power_state(instance) == states.RUNNING

    driver.confirm_migration(CONTEXT, _migration('host-1', 'host-1'), resized)
    assert not os.path.exists(kept)
    assert domain_of(driver, instance).isActive()


def test_same_host_revert_goes_back_to_the_kept_copy(driver, tmp_path):
    instance = _spawned(driver, tmp_path)
    info = driver.migrate_disk_and_power_off(CONTEXT, instance, 'host-1', BIG, timeout=0)
    driver.finish_migration(CONTEXT, _migration('host-1', 'host-1'), _resized(instance),
                            info, None, True, True)
    driver.destroy(CONTEXT, _resized(instance))
    driver.finish_revert_migration(CONTEXT, instance, _migration('host-1', 'host-1'), True)
    disk = os.path.join(instance_dir(instance), 'disk')
    assert qemu_img.info(disk, 'qcow2')['virtual-size'] == GiB
    assert not os.path.exists(instance_dir(instance) + '_resize')
    assert _memory_kib(driver, instance) == 128 * 1024
    assert driver.get_power_state(instance) == states.RUNNING


def test_another_host_fetches_the_disk_over_http(driver, tmp_path):
    CONF.set_override('disk_transfer_address', '127.0.0.1', group='libvirt')
    source_path = CONF.instances_path
    instance = _spawned(driver, tmp_path)
    info = driver.migrate_disk_and_power_off(CONTEXT, instance, 'host-2', BIG, timeout=0)
    assert info['same_host'] is False and info['files'] == ['disk']
    assert info['url'].startswith('http://127.0.0.1:')
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(info['url'] + '../console.log', timeout=5)

    # The destination: instances (and an image cache) of its own.
    CONF.set_override('instances_path', str(tmp_path / 'host-2'))
    source_cache = driver.migrations.image_cache
    driver.migrations.image_cache = imagebackend.ImageCache(str(tmp_path / 'host-2' / '_base'))
    resized = _resized(instance)
    driver.finish_migration(CONTEXT, _migration('host-1', 'host-2'), resized, info, None,
                            True, False)
    disk = os.path.join(instance_dir(instance), 'disk')
    details = qemu_img.info(disk, 'qcow2')
    assert details['virtual-size'] == 2 * GiB
    assert details['backing-filename'] == os.path.join(
        str(tmp_path / 'host-2'), '_base', imagebackend.base_name(instance['image_ref']))
    assert driver.get_power_state(instance) == states.SHUTDOWN
    driver.destroy(CONTEXT, resized)
    assert not os.path.exists(instance_dir(instance))

    CONF.set_override('instances_path', source_path)
    driver.migrations.image_cache = source_cache
    driver.finish_revert_migration(CONTEXT, instance, _migration('host-1', 'host-2'), True)
    assert driver.get_power_state(instance) == states.RUNNING
    assert qemu_img.info(os.path.join(instance_dir(instance), 'disk'), 'qcow2')[
        'virtual-size'] == GiB
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(info['url'] + 'disk', timeout=5)


def test_a_failed_fetch_leaves_nothing_on_the_destination(driver, tmp_path):
    instance = _spawned(driver, tmp_path)
    CONF.set_override('instances_path', str(tmp_path / 'host-2'))
    info = {'same_host': False, 'files': ['disk'], 'url': 'http://127.0.0.1:9/none/'}
    with pytest.raises(Exception, match='Fetching disk'):
        driver.finish_migration(CONTEXT, _migration('host-1', 'host-2'), _resized(instance),
                                info, None, True, True)
    assert not os.path.exists(instance_dir(instance))
