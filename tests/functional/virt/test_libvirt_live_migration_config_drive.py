"""LibvirtDriver's live migration steps for a server with a config drive,
against libvirt's in-memory test driver (test:///default), the disk
transfer server on 127.0.0.1 and a "destination" with an instances
directory of its own: the source offers only the drive, the
destination's pre_live_migration fetches the same bytes, and the offer
and the fetched drive go away when the migration ends, done, rolled back
or failed. Without libvirt-python the module is skipped, except under CI."""
import os
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from nova_common.conf import CONF
from nova_common import exception

from tests.functional.virt import libvirt_module

libvirt = libvirt_module.require()

from tests.functional.virt.test_libvirt_driver import CONTEXT  # noqa: E402
from tests.functional.virt.test_libvirt_driver import disk_image  # noqa: E402
from tests.functional.virt.test_libvirt_driver import domain_of  # noqa: E402
from tests.functional.virt.test_libvirt_driver import driver  # noqa: E402,F401 - fixture
from tests.functional.virt.test_libvirt_driver import instance_dir  # noqa: E402
from tests.functional.virt.test_libvirt_driver import make_instance  # noqa: E402
from tests.unit.virt.test_config_drive import SOURCE  # noqa: E402

BLOCK = {'block_migration': True, 'is_shared_instance_path': False, 'dest_host': 'host-2'}


def _spawned_with_drive(driver, tmp_path):
    CONF.set_override('disk_transfer_address', '127.0.0.1', group='libvirt')
    instance = make_instance(disk_image(tmp_path))
    source = dict(SOURCE, instance=dict(SOURCE['instance'], uuid=instance['uuid']))
    driver.spawn(CONTEXT, instance, None, config_drive_metadata=source)
    cdrom = ET.fromstring(domain_of(driver, instance).XMLDesc()).find(
        "devices/disk[@device='cdrom']")
    drive = os.path.join(instance_dir(instance), 'disk.config')
    assert cdrom.find('source').get('file') == drive
    assert cdrom.find('readonly') is not None
    with open(drive, 'rb') as handle:
        return instance, handle.read()


def _served(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        assert error.code == 404
        return None


def _on(host_dir):
    """Act as the host whose instances directory is ``host_dir``."""
    CONF.set_override('instances_path', str(host_dir))


def test_the_destination_gets_the_same_drive_and_the_offer_ends_with_the_migration(
        driver, tmp_path):
    instance, drive = _spawned_with_drive(driver, tmp_path)
    source_dir = CONF.instances_path
    migrate_data = driver.prepare_live_migration_at_source(CONTEXT, instance, dict(BLOCK))
    url = migrate_data['config_drive_url']
    assert url.startswith('http://127.0.0.1:')
    assert _served(url + 'disk.config') == drive
    # Only the drive: not the root disk or the console log beside it.
    assert _served(url + 'disk') is None and _served(url + 'console.log') is None

    _on(tmp_path / 'host-2')
    returned = driver.pre_live_migration(CONTEXT, instance, migrate_data)
    assert returned['config_drive_url'] == url
    with open(os.path.join(instance_dir(instance), 'disk.config'), 'rb') as handle:
        assert handle.read() == drive
    assert os.path.exists(os.path.join(instance_dir(instance), 'disk'))

    _on(source_dir)
    driver.post_live_migration(CONTEXT, instance, returned)
    assert _served(url + 'disk.config') is None
    assert driver.config_drive_offers.offered() == []
    assert not os.path.exists(instance_dir(instance))


def test_a_rollback_removes_the_fetched_drive_and_withdraws_the_offer(driver, tmp_path):
    instance, drive = _spawned_with_drive(driver, tmp_path)
    source_dir = CONF.instances_path
    migrate_data = driver.prepare_live_migration_at_source(CONTEXT, instance, dict(BLOCK))
    url = migrate_data['config_drive_url']
    _on(tmp_path / 'host-2')
    driver.pre_live_migration(CONTEXT, instance, migrate_data)
    assert os.path.exists(os.path.join(instance_dir(instance), 'disk.config'))
    driver.rollback_live_migration_at_destination(CONTEXT, instance, migrate_data)
    assert not os.path.exists(instance_dir(instance))

    _on(source_dir)
    driver.rollback_live_migration_at_source(CONTEXT, instance, migrate_data)
    assert _served(url + 'disk.config') is None
    assert driver.config_drive_offers.offered() == []
    # The source keeps its drive (its domain is not checked: the one test
    # libvirt here stands for both hosts, and the destination's rollback
    # undefined the domain it took for the incoming one).
    with open(os.path.join(instance_dir(instance), 'disk.config'), 'rb') as handle:
        assert handle.read() == drive


def test_a_failed_fetch_leaves_nothing_on_the_destination(driver, tmp_path):
    instance, _drive = _spawned_with_drive(driver, tmp_path)
    migrate_data = driver.prepare_live_migration_at_source(CONTEXT, instance, dict(BLOCK))
    driver.rollback_live_migration_at_source(CONTEXT, instance, migrate_data)
    _on(tmp_path / 'host-2')
    with pytest.raises(exception.NovaException, match='Fetching disk.config'):
        driver.pre_live_migration(CONTEXT, instance, migrate_data)
    assert not os.path.exists(instance_dir(instance))


def test_nothing_is_offered_over_a_shared_instances_directory(driver, tmp_path):
    instance, _drive = _spawned_with_drive(driver, tmp_path)
    shared = dict(BLOCK, block_migration=False, is_shared_instance_path=True)
    assert driver.prepare_live_migration_at_source(CONTEXT, instance, shared) == shared
    assert driver.config_drive_offers.offered() == []
