"""LibvirtDriver rescue and unrescue against libvirt's in-memory test
driver (test:///default): the rescue domain's definition (rescue disk vda,
own disk vdb, the rescue kernel), the saved unrescue.xml, the definition
restored and the rescue files removed on unrescue, and a failed rescue
putting the guest back as it was. Without libvirt-python the module is
skipped, except under CI."""
import os
import xml.etree.ElementTree as ET

import pytest

from nova_common import compute_states as states
from nova_common import exception
from nova_common.image import api as image_api
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
from tests.functional.virt.test_libvirt_driver import upload  # noqa: E402


def disks_of(domain):
    described = ET.fromstring(domain.XMLDesc())
    return {disk.find('target').get('dev'): disk.find('source').get('file')
            for disk in described.findall('devices/disk')}


def test_rescue_boots_the_rescue_disk_first_and_unrescue_restores(driver, tmp_path):
    kernel_id = upload(tmp_path, 'vmlinuz', b'kernel bytes', 'aki', 'aki')
    ramdisk_id = upload(tmp_path, 'initrd', b'ramdisk bytes', 'ari', 'ari')
    image_id = disk_image(tmp_path, kernel_id=kernel_id, ramdisk_id=ramdisk_id,
                          os_command_line='console=ttyS0')
    rescue_kernel = upload(tmp_path, 'rescue-vmlinuz', b'rescue kernel', 'aki', 'aki')
    rescue_id = disk_image(tmp_path, kernel_id=rescue_kernel)
    instance = make_instance(image_id, kernel_id=kernel_id, ramdisk_id=ramdisk_id)
    driver.spawn(CONTEXT, instance, image_api.ImageAPI().get(CONTEXT, image_id))
    own_xml = domain_of(driver, instance).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    directory = instance_dir(instance)

    driver.rescue(CONTEXT, instance, image_api.ImageAPI().get(CONTEXT, rescue_id), 'pw')
    domain = domain_of(driver, instance)
    assert domain.isActive() and driver.get_power_state(instance) == states.RUNNING
    assert disks_of(domain) == {'vda': os.path.join(directory, 'disk.rescue'),
                                'vdb': os.path.join(directory, 'disk')}
    assert qemu_img.info(os.path.join(directory, 'disk.rescue'), 'qcow2')[
        'backing-filename'].endswith(imagebackend.base_name(rescue_id))
    os_element = ET.fromstring(domain.XMLDesc()).find('os')
    # The rescue image's kernel; no ramdisk of its own, and the instance's
    # ramdisk does not go with another kernel.
    assert os_element.find('kernel').text == os.path.join(directory, 'kernel.rescue')
    assert open(os.path.join(directory, 'kernel.rescue'), 'rb').read() == b'rescue kernel'
    assert os_element.find('initrd') is None
    with open(os.path.join(directory, 'unrescue.xml')) as saved:
        assert saved.read() == own_xml
    with pytest.raises(exception.InstanceInvalidState):
        driver.rescue(CONTEXT, instance, {'id': rescue_id, 'properties': {}}, None)

    driver.unrescue(CONTEXT, instance)
    domain = domain_of(driver, instance)
    assert domain.isActive()
    assert disks_of(domain) == {'vda': os.path.join(directory, 'disk')}
    assert domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE) == own_xml
    assert set(os.listdir(directory)) - {'console.log'} == {'disk', 'kernel', 'ramdisk'}
    with pytest.raises(exception.InstanceInvalidState):
        driver.unrescue(CONTEXT, instance)


def test_failed_rescue_puts_the_guest_back(driver, tmp_path):
    image_id = disk_image(tmp_path)
    instance = make_instance(image_id)
    driver.spawn(CONTEXT, instance, None)
    own_xml = domain_of(driver, instance).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    iso = upload(tmp_path, 'rescue.iso', b'\0' * 2048, disk_format='iso')
    with pytest.raises(exception.ImageUnacceptable):
        driver.rescue(CONTEXT, instance, {'id': iso, 'properties': {}}, None)
    domain = domain_of(driver, instance)
    assert domain.isActive()
    assert domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE) == own_xml
    assert not [name for name in os.listdir(instance_dir(instance))
                if 'rescue' in name]


def test_destroy_of_a_rescued_guest_removes_everything(driver, tmp_path):
    image_id = disk_image(tmp_path)
    instance = make_instance(image_id)
    driver.spawn(CONTEXT, instance, None)
    driver.rescue(CONTEXT, instance, {'id': image_id, 'properties': {}}, None)
    driver.destroy(CONTEXT, instance)
    assert instance['uuid'] not in driver.list_instance_uuids()
    assert not os.path.exists(instance_dir(instance))
