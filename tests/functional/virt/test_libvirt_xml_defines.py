"""libvirt itself accepts the domain XML we build.

Runs against libvirt's in-process mock driver (test:///default): the XML is
parsed and validated by real libvirt, nothing is started. Needs the
libvirt-python binding; without it the module is skipped, except under CI
(CI=true), where a missing binding is a failure.
"""
import datetime
import uuid
import xml.etree.ElementTree as ET

import pytest

from nova_compute.virt.libvirt import config

from tests.functional.virt import libvirt_module

libvirt = libvirt_module.require()

NS = {'nova': config.NOVA_NS}


@pytest.fixture
def conn():
    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    connection = libvirt.open('test:///default')
    defined = []
    yield connection, defined
    for name in defined:
        connection.lookupByName(name).undefine()
    connection.close()


def make_guest(instance_id, **fields):
    defaults = dict(
        name=config.instance_name(instance_id),
        uuid=str(uuid.uuid4()),
        display_name='guest-%d' % instance_id,
        flavor=config.Flavor(name='m1.tiny', memory_mb=256, vcpus=2, root_gb=1),
        owner=config.Owner(user_id='u1', project_id='p1', user_name='alice',
                           project_name='demo'),
        console_log='/var/lib/nova/instances/%d/console.log' % instance_id,
        created_at=datetime.datetime(2024, 1, 2, 3, 4, 5),
    )
    defaults.update(fields)
    return config.Guest(**defaults)


def define(conn, guest):
    connection, defined = conn
    domain = connection.defineXML(config.domain_xml(guest))
    defined.append(domain.name())
    return domain


def test_direct_boot_guest_defines_with_its_identity_and_size(conn):
    guest = make_guest(
        0x1001,
        boot=config.DirectBoot(kernel='/images/vmlinuz', initrd='/images/initrd.img',
                               cmdline='console=ttyS0'),
        disks=(config.Disk(path='/var/lib/nova/instances/4097/disk'),),
    )
    domain = define(conn, guest)

    assert domain.name() == 'instance-00001001'
    assert domain.UUIDString() == guest.uuid
    assert not domain.isActive()
    assert domain.maxMemory() == 256 * 1024
    described = ET.fromstring(domain.XMLDesc())
    assert described.find('vcpu').text == '2'
    assert described.find('os/kernel').text == '/images/vmlinuz'
    assert described.find('os/cmdline').text == 'console=ttyS0'
    disk = described.find('devices/disk')
    assert disk.find('source').get('file') == '/var/lib/nova/instances/4097/disk'
    assert disk.find('target').attrib == {'dev': 'vda', 'bus': 'virtio'}
    assert described.find('devices/serial').get('type') == 'pty'
    assert described.findall('devices/interface') == []


def test_metadata_survives_libvirt_with_hostile_names(conn):
    nasty = 'x<y>&"\'</nova:name>'
    guest = make_guest(
        0x1002,
        display_name=nasty,
        owner=config.Owner(user_id='u1', project_id='p1', user_name=nasty,
                           project_name='demo & co'),
        boot=config.DirectBoot(kernel='/images/vmlinuz'),
    )
    domain = define(conn, guest)

    metadata = ET.fromstring(domain.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT,
                                             config.NOVA_NS))
    assert metadata.find('name').text == nasty
    assert metadata.find('owner/user').text == nasty
    assert metadata.find('owner/project').text == 'demo & co'
    assert metadata.find('flavor/memory').text == '256'
    assert metadata.find('flavor/vcpus').text == '2'


def test_disk_boot_guest_with_network_interface_defines(conn):
    guest = make_guest(
        0x1003,
        disks=(config.Disk(path='/srv/disk.qcow2'),
               config.Disk(path='/srv/disk.raw', target_dev='vdb', driver_type='raw')),
        interfaces=(config.Interface(kind='network', source='default',
                                     mac='fa:16:3e:00:00:01'),),
    )
    domain = define(conn, guest)

    described = ET.fromstring(domain.XMLDesc())
    assert [d.find('target').get('dev') for d in described.findall('devices/disk')] == \
        ['vda', 'vdb']
    interface = described.find('devices/interface')
    assert interface.get('type') == 'network'
    assert interface.find('source').get('network') == 'default'
    assert interface.find('mac').get('address') == 'fa:16:3e:00:00:01'
