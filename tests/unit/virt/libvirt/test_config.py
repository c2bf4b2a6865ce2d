import dataclasses
import datetime
import pathlib
import xml.etree.ElementTree as ET

import pytest

from nova_common import exception
from nova_compute.virt.libvirt import config

GOLDEN = pathlib.Path(__file__).parent / 'golden'
NS = {'nova': config.NOVA_NS}
INSTANCE_DIR = '/var/lib/nova/instances/6f5f1a3e-3f4c-4d6e-9b1a-2c3d4e5f6a7b'


def canonical(xml_text):
    return ET.canonicalize(xml_data=xml_text, strip_text=True)


def assert_matches_golden(xml_text, name):
    assert canonical(xml_text) == canonical((GOLDEN / name).read_text())


def direct_boot_guest(**changes):
    guest = config.Guest(
        name=config.instance_name(42),
        uuid='6f5f1a3e-3f4c-4d6e-9b1a-2c3d4e5f6a7b',
        display_name='web-1',
        flavor=config.Flavor(name='m1.tiny', memory_mb=256, vcpus=1, root_gb=1),
        owner=config.Owner(user_id='8d9a4f6e1e2b4c3d9f0a1b2c3d4e5f60',
                           project_id='0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e',
                           user_name='alice', project_name='demo'),
        console_log=INSTANCE_DIR + '/console.log',
        boot=config.DirectBoot(kernel=INSTANCE_DIR + '/kernel',
                               initrd=INSTANCE_DIR + '/ramdisk',
                               cmdline='console=ttyS0'),
        disks=(config.Disk(path=INSTANCE_DIR + '/disk'),),
        image_id='155d900f-4e14-4e4c-a73d-069cbf4541e6',
        created_at=datetime.datetime(2024, 1, 2, 3, 4, 5),
    )
    return dataclasses.replace(guest, **changes)


def test_instance_name_uses_the_hex_template():
    assert config.instance_name(42) == 'instance-0000002a'
    assert config.instance_name(1, template='guest-%d') == 'guest-1'


def test_direct_boot_guest_matches_golden():
    assert_matches_golden(config.domain_xml(direct_boot_guest()), 'direct_boot.xml')


def test_disk_boot_kvm_guest_with_interfaces_matches_golden():
    guest = config.Guest(
        name=config.instance_name(256),
        uuid='2A0A9C3C5D7E4F1B8C6D9E0F1A2B3C4D',
        display_name='db-primary',
        flavor=config.Flavor(name='m1.large', memory_mb=8192, vcpus=4, root_gb=80,
                             ephemeral_gb=10, swap_mb=1024),
        owner=config.Owner(user_id='u-42', project_id='p-7'),
        console_log='/srv/instances/2a0a9c3c/console.log',
        virt_type='kvm',
        disks=(config.Disk(path='/srv/instances/2a0a9c3c/disk', cache='none'),
               config.Disk(path='/srv/instances/2a0a9c3c/disk.eph0', target_dev='vdb',
                           driver_type='raw')),
        interfaces=(config.Interface(kind='network', source='default',
                                     mac='fa:16:3e:12:34:56'),
                    config.Interface()),
    )
    assert_matches_golden(config.domain_xml(guest), 'disk_boot_kvm_network.xml')


def test_no_interface_and_no_disk_unless_asked():
    domain = ET.fromstring(config.domain_xml(direct_boot_guest(disks=())))
    assert domain.findall('devices/interface') == []
    assert domain.findall('devices/disk') == []
    assert domain.find('devices/serial/log').get('file') == INSTANCE_DIR + '/console.log'


def test_markup_in_user_strings_is_escaped_and_round_trips():
    nasty = 'evil <b>"quoted"</b> & \'single\' ]]> <!-- -->'
    guest = direct_boot_guest(
        display_name=nasty,
        flavor=config.Flavor(name=nasty, memory_mb=256, vcpus=1),
        owner=config.Owner(user_id='u" x="1', project_id='p', user_name=nasty,
                           project_name='</nova:project>'),
        boot=config.DirectBoot(kernel='/k', cmdline='console=ttyS0 x="<&>"'),
    )
    xml_text = config.domain_xml(guest)
    assert '<b>' not in xml_text
    domain = ET.fromstring(xml_text)
    instance = domain.find('metadata/nova:instance', NS)
    assert instance.find('nova:name', NS).text == nasty
    assert instance.find('nova:flavor', NS).get('name') == nasty
    user = instance.find('nova:owner/nova:user', NS)
    assert (user.text, user.get('uuid')) == (nasty, 'u" x="1')
    assert instance.find('nova:owner/nova:project', NS).text == '</nova:project>'
    assert domain.find('os/cmdline').text == 'console=ttyS0 x="<&>"'


def test_characters_xml_cannot_carry_are_replaced():
    xml_text = config.domain_xml(direct_boot_guest(display_name='a\x00b\x1bc\ud800d'))
    name = ET.fromstring(xml_text).find('metadata/nova:instance/nova:name', NS)
    assert name.text == 'a\ufffdb\ufffdc\ufffdd'


def test_metadata_declares_the_nova_namespace_on_its_own_element():
    # libvirt keeps metadata per namespace; the declaration must travel with
    # the element, not sit on <domain>.
    xml_text = config.domain_xml(direct_boot_guest())
    assert '<domain type="qemu">' in xml_text
    assert '<nova:instance xmlns:nova="%s">' % config.NOVA_NS in xml_text


@pytest.mark.parametrize('changes, reason', [
    ({'virt_type': 'xen'}, 'virt_type'),
    ({'uuid': 'not-a-uuid'}, 'uuid'),
    ({'name': 'a/b'}, 'domain name'),
    ({'console_log': 'console.log'}, 'not absolute'),
    ({'boot': config.DirectBoot(kernel='vmlinuz')}, 'not absolute'),
    ({'flavor': config.Flavor(name='f', memory_mb=0, vcpus=1)}, 'memory_mb'),
    ({'flavor': config.Flavor(name='f', memory_mb=64, vcpus='2')}, 'vcpus'),
    ({'disks': (config.Disk('/a'), config.Disk('/b'))}, 'repeat'),
    ({'disks': (config.Disk('/a', target_dev='vda1'),)}, 'disk target'),
    ({'disks': (config.Disk('/a', bus='usb'),)}, 'bus'),
    ({'disks': (config.Disk('/a', driver_type='vmdk'),)}, 'format'),
    ({'interfaces': (config.Interface(kind='direct', source='eth0'),)}, 'kind'),
    ({'interfaces': (config.Interface(kind='bridge'),)}, 'needs a source'),
    ({'interfaces': (config.Interface(mac='52:54:00:zz:00:01'),)}, 'MAC'),
])
def test_invalid_descriptions_are_refused(changes, reason):
    with pytest.raises(exception.InvalidInput, match=reason):
        config.build_domain(direct_boot_guest(**changes))
