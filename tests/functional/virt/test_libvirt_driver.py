"""LibvirtDriver against libvirt's in-memory test driver (test:///default):
real libvirt API calls, real images through the local image store, real
qemu-img; nothing boots (the test driver only keeps state), so power
operations are checked by the states libvirt reports and the lifecycle
events it sends. Without libvirt-python the module is skipped, except
under CI (CI=true), where that is a failure."""
import os
import threading
import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import exception
from nova_common.image import api as image_api
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import qemu_img

from tests.functional.virt import libvirt_module

libvirt = libvirt_module.require()

from nova_compute.virt.libvirt import driver as libvirt_driver  # noqa: E402

CONTEXT = nova_context.RequestContext(user_id='alice-id', project_id='demo-id',
                                      user_name='alice', project_name='demo',
                                      roles=['admin'], is_admin=True)
MAGIC = b'NOVA-TEST-DISK-MAGIC'


@pytest.fixture
def driver(tmp_path):
    CONF.set_override('instances_path', str(tmp_path / 'instances'))
    CONF.set_override('connection_uri', 'test:///default', group='libvirt')
    CONF.set_override('virt_type', 'qemu', group='libvirt')
    CONF.set_override('backend', 'local', group='image')
    CONF.set_override('local_store_dir', str(tmp_path / 'images'), group='image')
    CONF.set_override('soft_reboot_wait', 2, group='libvirt')
    virt = libvirt_driver.LibvirtDriver()
    virt.init_host('host-1')
    yield virt
    for domain_uuid in virt.list_instance_uuids():
        virt.destroy(CONTEXT, {'uuid': domain_uuid})
    virt.cleanup_host('host-1')


def upload(tmp_path, name, data, disk_format='raw', container_format='bare', **properties):
    images = image_api.ImageAPI()
    image = images.create(CONTEXT, {'name': name, 'disk_format': disk_format,
                                    'container_format': container_format,
                                    'properties': properties})
    source = tmp_path / name
    source.write_bytes(data)
    images.upload(CONTEXT, image['id'], str(source))
    return image['id']


_ids = iter(range(0x3000, 0x4000))


def make_instance(image_id, root_gb=1, **changes):
    instance = {
        'id': next(_ids), 'uuid': str(uuid.uuid4()), 'display_name': 'vm & <friends>',
        'user_id': 'alice-id', 'project_id': 'demo-id', 'image_ref': image_id,
        'kernel_id': None, 'ramdisk_id': None, 'node': 'host-1',
        'flavor': {'name': 'tiny', 'memory_mb': 128, 'vcpus': 1, 'root_gb': root_gb,
                   'ephemeral_gb': 0, 'swap': 0},
        'created_at': '2024-01-02T03:04:05.000000', 'system_metadata': {},
    }
    instance.update(changes)
    return instance


def disk_image(tmp_path, **properties):
    return upload(tmp_path, 'disk-%s' % uuid.uuid4().hex[:6], MAGIC + b'\0' * 65516,
                  **properties)


def instance_dir(instance):
    return os.path.join(CONF.instances_path, instance['uuid'])


def domain_of(driver, instance):
    return driver.host.connection().lookupByUUIDString(instance['uuid'])


def test_spawn_defines_and_starts_the_guest_on_an_overlay(driver, tmp_path):
    image_id = disk_image(tmp_path)
    instance = make_instance(image_id, root_gb=1)
    driver.spawn(CONTEXT, instance, {'id': image_id, 'properties': {}})

    domain = domain_of(driver, instance)
    assert domain.name() == 'instance-%08x' % instance['id']
    assert domain.isActive() and domain.isPersistent()
    assert driver.get_power_state(instance) == states.RUNNING
    assert instance['uuid'] in driver.list_instance_uuids()
    described = ET.fromstring(domain.XMLDesc())
    nova = described.find('metadata/{%s}instance' % config.NOVA_NS)
    assert nova.find('{%s}name' % config.NOVA_NS).text == 'vm & <friends>'
    assert nova.find('{%s}owner/{%s}user' % (config.NOVA_NS, config.NOVA_NS)).text == 'alice'
    assert nova.find('{%s}flavor' % config.NOVA_NS).get('name') == 'tiny'
    disk_path = described.find('devices/disk/source').get('file')
    assert disk_path == os.path.join(instance_dir(instance), 'disk')
    assert described.find('devices/serial/log').get('file') == os.path.join(
        instance_dir(instance), 'console.log')
    details = qemu_img.info(disk_path, 'qcow2')
    assert details['backing-filename'] == os.path.join(
        CONF.instances_path, '_base', imagebackend.base_name(image_id))
    assert details['virtual-size'] == 1024 ** 3

    driver.destroy(CONTEXT, instance)
    assert instance['uuid'] not in driver.list_instance_uuids()
    with pytest.raises(libvirt.libvirtError):
        domain_of(driver, instance)
    assert not os.path.exists(instance_dir(instance))
    assert driver.get_power_state(instance) == states.NOSTATE
    driver.destroy(CONTEXT, instance)


def test_kernel_and_ramdisk_images_boot_directly(driver, tmp_path):
    kernel_id = upload(tmp_path, 'vmlinuz', b'kernel bytes', 'aki', 'aki')
    ramdisk_id = upload(tmp_path, 'initrd', b'ramdisk bytes', 'ari', 'ari')
    image_id = disk_image(tmp_path, kernel_id=kernel_id, ramdisk_id=ramdisk_id,
                          os_command_line='console=ttyS0 quiet')
    instance = make_instance(image_id, kernel_id=kernel_id, ramdisk_id=ramdisk_id)
    driver.spawn(CONTEXT, instance, image_api.ImageAPI().get(CONTEXT, image_id))

    os_element = ET.fromstring(domain_of(driver, instance).XMLDesc()).find('os')
    kernel = os_element.find('kernel').text
    initrd = os_element.find('initrd').text
    assert kernel == os.path.join(instance_dir(instance), 'kernel')
    assert initrd == os.path.join(instance_dir(instance), 'ramdisk')
    assert open(kernel, 'rb').read() == b'kernel bytes'
    assert open(initrd, 'rb').read() == b'ramdisk bytes'
    assert os_element.find('cmdline').text == 'console=ttyS0 quiet'
    assert sorted(os.listdir(os.path.join(CONF.instances_path, '_base'))) == sorted(
        name + suffix for name in map(imagebackend.base_name, (kernel_id, ramdisk_id, image_id))
        for suffix in ('', '.lock'))


def test_failed_spawn_leaves_no_domain_and_no_files(driver, tmp_path):
    image_id = disk_image(tmp_path)
    first = make_instance(image_id)
    driver.spawn(CONTEXT, first, None)
    # Same domain name, another uuid: libvirt refuses the definition.
    clash = make_instance(image_id, id=first['id'])
    with pytest.raises(libvirt.libvirtError):
        driver.spawn(CONTEXT, clash, None)
    assert not os.path.exists(instance_dir(clash))
    assert driver.list_instance_uuids() == [first['uuid']]

    iso = upload(tmp_path, 'cd.iso', b'\0' * 2048, disk_format='iso')
    refused = make_instance(iso)
    with pytest.raises(exception.ImageUnacceptable):
        driver.spawn(CONTEXT, refused, None)
    assert not os.path.exists(instance_dir(refused))


def test_guests_of_others_are_not_ours(driver, tmp_path):
    # test:///default starts with a domain named "test" that we did not make.
    assert driver.host.connection().lookupByName('test').isActive()
    # Another compute service on this libvirtd, with its own instances path.
    neighbour = config.Guest(
        name='neighbour-1', uuid=str(uuid.uuid4()), display_name='theirs',
        flavor=config.Flavor(name='tiny', memory_mb=128, vcpus=1),
        owner=config.Owner(user_id='u', project_id='p'),
        console_log=str(tmp_path / 'elsewhere' / 'console.log'))
    domain = driver.host.connection().defineXML(config.domain_xml(neighbour))
    try:
        assert driver.list_instance_uuids() == []
        instance = make_instance(disk_image(tmp_path))
        driver.spawn(CONTEXT, instance, None)
        assert driver.list_instance_uuids() == [instance['uuid']]
    finally:
        domain.undefine()


class Listener:
    def __init__(self):
        self.events = []
        self.changed = threading.Condition()

    def __call__(self, instance_uuid, power_state):
        with self.changed:
            self.events.append((instance_uuid, power_state))
            self.changed.notify_all()

    def wait_for(self, expected, timeout=5):
        """Wait until the events of the last step are ``expected`` and
        forget them."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.events) >= len(expected), timeout)
            seen, self.events = self.events, []
        return seen


def test_power_operations_and_their_lifecycle_events(driver, tmp_path):
    listener = Listener()
    driver.register_event_listener(listener)
    instance = make_instance(disk_image(tmp_path))
    driver.spawn(CONTEXT, instance, None)
    uuid_ = instance['uuid']
    assert listener.wait_for([(uuid_, states.RUNNING)]) == [(uuid_, states.RUNNING)]
    domain = domain_of(driver, instance)

    def step(action, power_state, events):
        action()
        assert driver.get_power_state(instance) == power_state, action
        assert listener.wait_for(events) == [(uuid_, event) for event in events], action

    step(lambda: driver.power_off(instance, timeout=5), states.SHUTDOWN, [states.SHUTDOWN])
    step(lambda: driver.power_off(instance, timeout=5), states.SHUTDOWN, [])
    step(lambda: driver.power_on(CONTEXT, instance), states.RUNNING, [states.RUNNING])
    step(lambda: driver.power_off(instance), states.SHUTDOWN, [states.SHUTDOWN])
    step(lambda: driver.power_on(CONTEXT, instance), states.RUNNING, [states.RUNNING])
    step(lambda: driver.reboot(CONTEXT, instance, 'SOFT'), states.RUNNING,
         [states.SHUTDOWN, states.RUNNING])
    step(lambda: driver.reboot(CONTEXT, instance, 'HARD'), states.RUNNING,
         [states.SHUTDOWN, states.RUNNING])
    step(lambda: driver.pause(instance), states.POWER_PAUSED, [states.POWER_PAUSED])
    step(lambda: driver.unpause(instance), states.RUNNING, [states.RUNNING])
    step(lambda: driver.suspend(CONTEXT, instance), states.POWER_SUSPENDED,
         [states.POWER_SUSPENDED])
    assert domain.hasManagedSaveImage(0)
    step(lambda: driver.resume(CONTEXT, instance), states.RUNNING, [states.RUNNING])
    assert not domain.hasManagedSaveImage(0)
    step(lambda: driver.pause(instance), states.POWER_PAUSED, [states.POWER_PAUSED])
    step(lambda: driver.reboot(CONTEXT, instance, 'SOFT'), states.RUNNING,
         [states.SHUTDOWN, states.RUNNING])
    with pytest.raises(exception.InvalidInput):
        driver.reboot(CONTEXT, instance, 'SIDEWAYS')


def test_suspended_guest_is_removed_with_its_saved_state(driver, tmp_path):
    instance = make_instance(disk_image(tmp_path))
    driver.spawn(CONTEXT, instance, None)
    driver.suspend(CONTEXT, instance)
    driver.destroy(CONTEXT, instance)
    assert driver.list_instance_uuids() == []
    assert not os.path.exists(instance_dir(instance))


def test_power_on_defines_a_lost_domain_again(driver, tmp_path):
    instance = make_instance(disk_image(tmp_path))
    driver.spawn(CONTEXT, instance, None)
    domain = domain_of(driver, instance)
    domain.destroy()
    domain.undefine()
    driver.power_on(CONTEXT, instance)
    assert driver.get_power_state(instance) == states.RUNNING
    with pytest.raises(exception.InstanceNotFound):
        driver.pause(make_instance('no-image'))


def test_console_output_is_the_end_of_the_log(driver, tmp_path):
    instance = make_instance(disk_image(tmp_path))
    assert pytest.raises(exception.InstanceNotFound, driver.get_console_output, CONTEXT,
                         instance)
    driver.spawn(CONTEXT, instance, None)
    assert driver.get_console_output(CONTEXT, instance) == ''
    log = os.path.join(instance_dir(instance), 'console.log')
    with open(log, 'wb') as handle:
        handle.write(b'x' * libvirt_driver.MAX_CONSOLE_BYTES + b'\nNOVA-TEST-GUEST-BOOTED\n\xff')
    output = driver.get_console_output(CONTEXT, instance)
    assert len(output.encode('utf-8')) <= libvirt_driver.MAX_CONSOLE_BYTES + 2
    assert output.endswith('\nNOVA-TEST-GUEST-BOOTED\n\ufffd')


def test_resources_report_the_host_and_our_guests(driver, tmp_path):
    instance = make_instance(disk_image(tmp_path))
    driver.spawn(CONTEXT, instance, None)
    assert driver.get_available_nodes() == ['host-1']
    report = driver.get_available_resource('host-1')
    info = driver.host.connection().getInfo()
    statvfs = os.statvfs(CONF.instances_path)
    assert report['hypervisor_hostname'] == 'host-1'
    assert report['hypervisor_type'] == 'TEST'
    assert report['hypervisor_version'] == driver.host.connection().getVersion()
    assert (report['vcpus'], report['memory_mb']) == (info[2], info[1])
    assert report['local_gb'] == statvfs.f_frsize * statvfs.f_blocks // 1024 ** 3
    assert report['vcpus_used'] == 1 and report['running_vms'] == 1
    assert 0 < report['memory_mb_used'] <= report['memory_mb']
    assert '"arch"' in report['cpu_info']
    assert ' up ' in driver.get_host_uptime()


def test_power_off_waits_for_a_clean_shutdown_then_forces(driver, tmp_path):
    instance = make_instance(disk_image(tmp_path))
    driver.spawn(CONTEXT, instance, None)
    driver.pause(instance)
    started = time.monotonic()
    driver.power_off(instance, timeout=30)
    assert time.monotonic() - started < 5, 'a paused guest cannot answer ACPI: forced at once'
    assert driver.get_power_state(instance) == states.SHUTDOWN


def test_diagnostics_of_a_running_guest(driver, tmp_path):
    """The test driver answers info, vcpus and blockStats with its own
    figures: both forms carry them, shaped as Nova's."""
    instance = make_instance(disk_image(tmp_path), launched_at='2024-01-02T03:04:05Z')
    driver.spawn(CONTEXT, instance, None)
    domain = domain_of(driver, instance)

    standard = driver.get_instance_diagnostics(instance)
    assert (standard['state'], standard['driver'], standard['hypervisor']) == (
        'running', 'libvirt', 'qemu')
    # No pid file for a test-driver domain: counted from launched_at.
    assert standard['uptime'] > 3600
    assert standard['num_cpus'] == len(standard['cpu_details']) == domain.info()[3]
    assert standard['memory_details']['maximum'] == domain.maxMemory() // 1024
    assert standard['num_disks'] == 1
    assert set(standard['disk_details'][0]) == {'read_bytes', 'read_requests', 'write_bytes',
                                                'write_requests', 'errors_count'}

    legacy = driver.get_diagnostics(instance)
    assert legacy['memory'] == domain.maxMemory()
    assert {'cpu0_time', 'vda_read', 'vda_read_req', 'vda_write', 'vda_write_req',
            'vda_errors'} <= set(legacy)

    driver.destroy(CONTEXT, instance)
    with pytest.raises(exception.InstanceNotFound):
        driver.get_instance_diagnostics(instance)
