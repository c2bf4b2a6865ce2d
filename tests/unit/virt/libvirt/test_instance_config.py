"""The guest description of an instance: identity, flavor, owner, files and
direct kernel boot from the image properties."""
import datetime

import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import instance_config

UUID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'


@pytest.fixture(autouse=True)
def paths(tmp_path):
    CONF.set_override('instances_path', str(tmp_path / 'instances'))
    CONF.set_override('virt_type', 'qemu', group='libvirt')
    return tmp_path / 'instances' / UUID


def instance(**changes):
    values = {
        'id': 300, 'uuid': UUID, 'display_name': 'web <1>', 'user_id': 'u1',
        'project_id': 'p1', 'image_ref': 'img-1', 'kernel_id': None, 'ramdisk_id': None,
        'flavor': {'name': 'm1.small', 'memory_mb': 512, 'vcpus': 2, 'root_gb': 5,
                   'ephemeral_gb': 0, 'swap': 0},
        'created_at': '2024-05-06T07:08:09.000000', 'system_metadata': {},
    }
    values.update(changes)
    return values


def test_disk_guest_has_the_instance_identity_and_files(paths):
    context = nova_context.RequestContext(user_id='u1', project_id='p1', user_name='alice',
                                          project_name='demo')
    guest = instance_config.guest(instance(), {}, context)
    assert guest.name == 'instance-0000012c'
    assert guest.uuid == UUID
    assert guest.virt_type == 'qemu'
    assert guest.flavor == config.Flavor(name='m1.small', memory_mb=512, vcpus=2, root_gb=5)
    assert guest.owner == config.Owner(user_id='u1', project_id='p1', user_name='alice',
                                       project_name='demo')
    assert guest.console_log == str(paths / 'console.log')
    assert guest.disks == (config.Disk(path=str(paths / 'disk')),)
    assert guest.boot is None
    assert guest.image_id == 'img-1'
    assert guest.created_at == datetime.datetime(2024, 5, 6, 7, 8, 9)
    config.domain_xml(guest)


def test_kernel_image_properties_boot_directly(paths):
    properties = {'kernel_id': 'k-1', 'ramdisk_id': 'r-1', 'os_command_line': 'console=ttyS0'}
    guest = instance_config.guest(instance(), properties)
    assert guest.boot == config.DirectBoot(kernel=str(paths / 'kernel'),
                                           initrd=str(paths / 'ramdisk'),
                                           cmdline='console=ttyS0')


def test_default_command_line_and_no_ramdisk(paths):
    guest = instance_config.guest(instance(kernel_id='k-1'), {})
    assert guest.boot == config.DirectBoot(kernel=str(paths / 'kernel'), initrd=None,
                                           cmdline=CONF.libvirt.kernel_cmdline)


def test_ramdisk_without_kernel_is_ignored():
    assert instance_config.kernel_and_ramdisk(instance(ramdisk_id='r-1'), {}) == (None, None)


def test_properties_come_from_system_metadata_without_the_image():
    record = instance(system_metadata={'image_kernel_id': 'k-9', 'image_min_ram': '0',
                                       'owner': 'x'})
    assert instance_config.image_properties(record, None) == {'kernel_id': 'k-9',
                                                               'min_ram': '0'}
    assert instance_config.image_properties(record, {'properties': {'a': 'b'}}) == {'a': 'b'}


def test_flavor_falls_back_to_the_instance_columns():
    record = instance(flavor=None, memory_mb=256, vcpus=1, root_gb=0, ephemeral_gb=0)
    assert instance_config.flavor_of(record) == config.Flavor(name='', memory_mb=256,
                                                              vcpus=1)
