"""Config drives: the ISO image read back with pycdlib (label, Rock Ridge
and Joliet names, every file of both trees), and the libvirt CD-ROM that
attaches it while the instance directory holds it."""
import base64
import io
import xml.etree.ElementTree as ET

import pycdlib
from oslo_serialization import jsonutils

from nova_common.conf import CONF
from nova_compute.virt import config_drive
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import instance_config
from nova_compute.virt.libvirt import instance_files
from nova_metadata import content

UUID = '6f5f1a3e-3f4c-4d6e-9b1a-2c3d4e5f6a7b'
SOURCE = {
    'instance': {'uuid': UUID, 'id': 42, 'display_name': 'vm', 'hostname': 'vm',
                 'launch_index': 0, 'availability_zone': 'nova', 'project_id': 'p',
                 'user_id': 'u', 'key_name': 'k', 'key_data': 'ssh-ed25519 AAAA k',
                 'user_data': base64.b64encode(b'#!/bin/sh\necho hi\n').decode(),
                 'metadata': {}, 'reservation_id': 'r-1', 'image_ref': 'img',
                 'kernel_id': None, 'ramdisk_id': None, 'flavor_name': 'm1.tiny'},
    'key_type': 'ssh', 'password': '', 'security_groups': ['default'],
    'vifs': [{'id': 'c0ffee00-1111-2222-3333-444455556666', 'mac_address': 'fa:16:3e:00:00:01',
              'mtu': 1450, 'network_id': 'n1', 'vif_type': 'bridge',
              'fixed_ips': [{'ip_address': '10.0.0.5', 'subnet': {
                  'cidr': '10.0.0.0/24', 'ip_version': 4, 'gateway_ip': '10.0.0.1',
                  'enable_dhcp': True, 'dns_nameservers': [], 'host_routes': []}}]}],
}


def test_iso_is_labelled_config_2_and_holds_both_trees():
    files = config_drive.files_for(SOURCE)
    image = config_drive.build_iso(files)
    assert config_drive.volume_label(image) == 'config-2'
    assert config_drive.read_files(image) == files
    assert jsonutils.loads(files['openstack/latest/meta_data.json'])['uuid'] == UUID
    assert files['openstack/latest/user_data'] == b'#!/bin/sh\necho hi\n'
    assert files['ec2/latest/user-data'] == b'#!/bin/sh\necho hi\n'
    for version in content.OPENSTACK_VERSIONS + ['latest']:
        assert 'openstack/%s/meta_data.json' % version in files
    network = jsonutils.loads(files['openstack/latest/network_data.json'])
    assert network['links'][0]['mtu'] == 1450
    assert network['networks'] == [{'id': 'network0', 'type': 'ipv4_dhcp',
                                    'link': 'tapc0ffee00-11', 'network_id': 'n1'}]
    # Joliet names as Windows guests read them.
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(image))
    try:
        out = io.BytesIO()
        iso.get_file_from_iso_fp(out, joliet_path='/openstack/latest/meta_data.json')
        assert out.getvalue() == files['openstack/latest/meta_data.json']
        assert iso.has_rock_ridge() and iso.has_joliet()
    finally:
        iso.close()


def test_write_iso_and_the_cdrom_of_the_domain(tmp_path):
    CONF.set_override('instances_path', str(tmp_path))
    try:
        assert instance_config.config_drive_disks(UUID) == ()
        path = instance_files.path(UUID, instance_files.CONFIG_DRIVE)
        (tmp_path / UUID).mkdir()
        config_drive.write_iso({'openstack/latest/meta_data.json': b'{}'}, path)
        [cdrom] = instance_config.config_drive_disks(UUID)
    finally:
        CONF.clear_override('instances_path')
    guest = config.Guest(
        name='instance-0000002a', uuid=UUID, display_name='vm',
        flavor=config.Flavor(name='m1.tiny', memory_mb=256, vcpus=1),
        owner=config.Owner(user_id='u', project_id='p'), console_log=str(tmp_path / 'log'),
        disks=(config.Disk(path=str(tmp_path / 'disk')), cdrom))
    [element] = [disk for disk in ET.fromstring(config.domain_xml(guest)).iter('disk')
                 if disk.get('device') == 'cdrom']
    assert element.get('type') == 'file'
    assert element.find('source').get('file') == path
    assert element.find('target').attrib == {'dev': 'hdd', 'bus': 'ide'}
    assert element.find('driver').get('type') == 'raw'
    assert element.find('readonly') is not None
