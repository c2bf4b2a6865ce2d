"""Real guests: the libvirt driver against the host's libvirtd (qemu:///system)
with virt_type = qemu (TCG), every daemon its own process over RabbitMQ and
MariaDB, the ``openstack`` CLI as the caller (see libvirt_cloud.py for the
deployment and how the test guest is uploaded).

One server goes through create, the console log, its diagnostics, stop, start, a soft and a
hard reboot, pause, unpause, suspend, resume, a shutdown from inside (the
power state sync shows SHUTOFF) and delete; after each step ``virsh`` must
agree with the API. After delete no domain, no disk and no allocation
remain. A second server, with a config drive, has it as a read-only IDE
CD-ROM in its domain.

Needs libvirtd and QEMU (tools/setup-libvirt.sh): skipped without them,
failed under CI=true.
"""
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from oslo_serialization import jsonutils

from nova_compute.virt import config_drive
from tests.functional.test_keypairs import PUBLIC_KEY
from tests.integration.libvirt_cloud import ACPI_READY
from tests.integration.libvirt_cloud import BOOTED
from tests.integration.libvirt_cloud import virsh
from tests.integration import shared_libvirt

# One libvirt deployment for this module and the others of the group.
pytestmark = pytest.mark.xdist_group(shared_libvirt.GROUP)


@pytest.fixture
def cloud(libvirt_cloud):
    return libvirt_cloud


@pytest.fixture
def hypervisor(cloud):
    return cloud.hypervisor()


def test_hypervisor_reports_the_real_host(cloud, hypervisor):
    assert hypervisor['hypervisor_type'] == 'QEMU'
    qemu_version = subprocess.run(['qemu-system-x86_64', '--version'], capture_output=True,
                                  text=True).stdout.split()[3]
    major, minor, micro = (int(part) for part in qemu_version.split('.')[:3])
    assert hypervisor['hypervisor_version'] == major * 1000000 + minor * 1000 + micro
    assert hypervisor['vcpus'] == os.cpu_count()
    meminfo = dict(line.split(':', 1) for line in open('/proc/meminfo'))
    assert hypervisor['memory_mb'] == int(meminfo['MemTotal'].split()[0]) // 1024
    stat = os.statvfs(cloud.instances_path)
    assert hypervisor['local_gb'] == stat.f_frsize * stat.f_blocks // 1024 ** 3
    assert hypervisor['state'] == 'up' and hypervisor['status'] == 'enabled'


def boot_server(cloud, image_id, flavor, name):
    """Create a server with the CLI; once it left BUILD, the server as the
    API shows it. Waited for by polling the API: ``server create --wait``
    looks only every 5 s."""
    created = cloud.cli.json('--os-compute-api-version', '2.90', 'server', 'create',
                             '--image', image_id, '--flavor', flavor, '--nic', 'none', name)

    def built():
        status, body = cloud.get('/servers/%s' % created['id'])
        assert status == 200, body
        return body['server'] if body['server']['status'] != 'BUILD' else None
    # The bound the CLI run had (harness.OpenStackCLI.run).
    return cloud.wait(built, 'server %s to leave BUILD' % name, timeout=120)


def test_server_lifecycle_on_a_real_guest(cloud, hypervisor, mariadb):
    cli = cloud.cli
    image_id, marker = cloud.test_guest()[:2]
    cli.run('flavor', 'create', '--ram', '256', '--vcpus', '1', '--disk', '1', 'nt.tiny')

    server = boot_server(cloud, image_id, 'nt.tiny', 'nt-guest')
    uuid = server['id']
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == cloud.host
    instance_dir = cloud.instances_path / uuid

    def server_now():
        return cloud.get('/servers/%s' % uuid)[1]['server']

    def console():
        return cli.run('console', 'log', 'show', uuid).stdout

    def seen(count, line=BOOTED):
        cloud.wait(lambda: cloud.console_file(uuid).count(line) >= count,
                   '%s #%d on the console' % (line, count))

    def domstate():
        return virsh('domstate', uuid).stdout.strip()

    def act(command, expected_status, expected_domstate, *args):
        cli.run('server', command, *args, uuid)
        cloud.wait(lambda: (server_now()['status'], server_now()['OS-EXT-STS:task_state'])
                   == (expected_status, None), '%s to end in %s' % (command, expected_status))
        assert domstate() == expected_domstate, command

    # The guest really booted from our kernel, ramdisk and root disk.
    assert domstate() == 'running'
    seen(1, ACPI_READY)
    output = console()
    assert BOOTED in output
    assert 'NOVA-TEST-GUEST-DISK-TEXT: %s' % marker in output
    assert len(cli.run('console', 'log', 'show', '--lines', '2', uuid).stdout.splitlines()) <= 2
    disk = instance_dir / 'disk'
    assert disk.exists()
    domain_xml = virsh('dumpxml', uuid).stdout
    assert str(disk) in domain_xml and '<nova:owner>' in domain_xml

    # Live figures from libvirt through the compute: the running guest's.
    status, diagnostics = cloud.get('/servers/%s/diagnostics' % uuid, version='2.48')
    assert status == 200, diagnostics
    assert (diagnostics['state'], diagnostics['driver'], diagnostics['hypervisor']) == (
        'running', 'libvirt', 'qemu')
    assert diagnostics['num_cpus'] == 1 and diagnostics['cpu_details'][0]['time'] > 0
    assert diagnostics['memory_details']['maximum'] == 256
    assert diagnostics['disk_details'][0]['read_bytes'] > 0, 'the guest read its disk'
    assert 0 <= diagnostics['uptime'] < 600
    status, legacy = cloud.get('/servers/%s/diagnostics' % uuid, version='2.47')
    assert status == 200 and legacy['memory'] == 256 * 1024 and legacy['vda_read'] > 0
    shown = cli.json('server', 'show', '--diagnostics', uuid)
    assert (shown['driver'], shown['state'], shown['num_disks']) == ('libvirt', 'running', 1)

    act('stop', 'SHUTOFF', 'shut off')
    status, fault = cloud.get('/servers/%s/diagnostics' % uuid, version='2.48')
    assert status == 409 and 'power state shutdown' in fault['conflictingRequest']['message']
    assert 'NOVA-TEST-GUEST-POWEROFF' in cloud.console_file(uuid), 'a clean (ACPI) shutdown'
    act('start', 'ACTIVE', 'running')
    seen(2, ACPI_READY)
    act('reboot', 'ACTIVE', 'running', '--soft')
    seen(3, ACPI_READY)
    assert cloud.console_file(uuid).count('NOVA-TEST-GUEST-POWEROFF') == 2, (
        'the soft reboot went through ACPI')
    act('reboot', 'ACTIVE', 'running', '--hard')
    seen(4, ACPI_READY)
    act('pause', 'PAUSED', 'paused')
    act('unpause', 'ACTIVE', 'running')
    act('suspend', 'SUSPENDED', 'shut off')
    assert 'Managed save:   yes' in virsh('dominfo', uuid).stdout
    act('resume', 'ACTIVE', 'running')
    assert console().count(BOOTED) == 4, 'resume restored the running guest: no new boot'

    # A guest that powers off by itself shows SHUTOFF (lifecycle event -> sync).
    virsh('shutdown', uuid)
    cloud.wait(lambda: server_now()['status'] == 'SHUTOFF',
               'the guest shut down from inside to show SHUTOFF', timeout=30)
    assert domstate() == 'shut off'

    cli.run('server', 'delete', '--wait', uuid)
    assert virsh('dominfo', uuid, expect=None).returncode != 0, 'the domain is gone'
    assert not instance_dir.exists(), 'the disk and console log are gone'
    assert mariadb.query(cloud.deployment.api_db,
                         'SELECT COUNT(*) FROM allocations WHERE consumer_id = %s',
                         uuid)[0][0] == 0


def test_config_drive_is_a_readonly_cdrom(cloud, hypervisor, tmp_path):
    """A server created with a config drive, a key pair and user data: its
    domain has the ISO (labelled config-2, both trees) as a read-only IDE
    CD-ROM; delete removes it with the instance directory."""
    cli = cloud.cli
    image_id = cloud.test_guest().image_id
    if 'nt.tiny' not in {row['Name'] for row in cli.json('flavor', 'list')}:
        cli.run('flavor', 'create', '--ram', '256', '--vcpus', '1', '--disk', '1', 'nt.tiny')
    key_file, user_data = tmp_path / 'key.pub', tmp_path / 'user-data'
    key_file.write_text(PUBLIC_KEY)
    user_data.write_bytes(b'#cloud-config\n')
    cli.run('keypair', 'create', '--public-key', str(key_file), 'cd-key')
    server = cli.json('--os-compute-api-version', '2.90', 'server', 'create', '--image',
                      image_id, '--flavor', 'nt.tiny', '--nic', 'none', '--config-drive',
                      'True', '--key-name', 'cd-key', '--user-data', str(user_data),
                      '--hostname', 'cd-guest', '--wait', 'cd-guest')
    uuid = server['id']
    assert server['status'] == 'ACTIVE' and server['config_drive'] == 'True'
    iso = cloud.instances_path / uuid / 'disk.config'
    [cdrom] = [disk for disk in ET.fromstring(virsh('dumpxml', uuid).stdout).iter('disk')
               if disk.get('device') == 'cdrom']
    assert cdrom.find('source').get('file') == str(iso)
    assert cdrom.find('target').attrib == {'dev': 'hdd', 'bus': 'ide'}
    assert cdrom.find('readonly') is not None
    image = iso.read_bytes()
    assert config_drive.volume_label(image) == 'config-2'
    files = config_drive.read_files(image)
    meta = jsonutils.loads(files['openstack/latest/meta_data.json'])
    assert (meta['uuid'], meta['hostname'], meta['public_keys']) == (
        uuid, 'cd-guest', {'cd-key': PUBLIC_KEY})
    assert files['openstack/latest/user_data'] == b'#cloud-config\n'
    assert files['ec2/latest/user-data'] == b'#cloud-config\n'
    cli.run('server', 'delete', '--wait', uuid)
    cli.run('keypair', 'delete', 'cd-key')
    assert not iso.exists()
