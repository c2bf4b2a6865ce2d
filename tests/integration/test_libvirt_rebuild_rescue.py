"""Rebuild, rescue and unrescue of a real guest: the libvirt driver on the
host's libvirtd (qemu:///system, TCG), every daemon its own process over
RabbitMQ and MariaDB, the ``openstack`` CLI as the caller (libvirt_cloud.py).

The test guest prints the first bytes of its first disk (vda) on its
console, and each root disk image here starts with a marker of its own, so
the console tells which image the guest booted from: after ``server
rebuild --image`` the new image's, during ``server rescue`` the rescue
image's (with the server's own disk as vdb), after ``server unrescue``
the new image's again.

Needs libvirtd and QEMU (tools/setup-libvirt.sh): skipped without them,
failed under CI=true.
"""
import pathlib

import pytest

from tests.integration import harness
from tests.integration.libvirt_cloud import BOOTED
from tests.integration.libvirt_cloud import virsh
from tests.integration import shared_libvirt

DISK_TEXT = 'NOVA-TEST-GUEST-DISK-TEXT: '

# One libvirt deployment for this module and the others of the group.
pytestmark = pytest.mark.xdist_group(shared_libvirt.GROUP)


@pytest.fixture
def cloud(libvirt_cloud):
    return libvirt_cloud


def root_image(cloud, sdk, name, kernel_id, ramdisk_id):
    """A root disk image booting the test guest's kernel and ramdisk whose
    first bytes are a marker of its own; returns (image id, marker)."""
    marker = 'NOVA-IT-%s-%s' % (name.upper(), harness.random_suffix())
    disk = pathlib.Path(cloud.workdir) / ('%s.raw' % name)
    with disk.open('wb') as handle:
        handle.write(marker.encode())
        handle.truncate(1024 * 1024)
    image = sdk.image.create_image(name, filename=str(disk), disk_format='raw',
                                   container_format='bare', kernel_id=kernel_id,
                                   ramdisk_id=ramdisk_id,
                                   os_command_line='console=ttyS0 no_timer_check')
    return image.id, marker


def boot_images(cloud, sdk):
    """Three root disks starting with their own markers, booting the test
    guest's kernel and ramdisk (uploaded once): {name: (image id, marker)}."""
    guest = cloud.test_guest()
    return {name: root_image(cloud, sdk, name, guest.kernel_id, guest.ramdisk_id)
            for name in ('first', 'rebuilt', 'rescue')}


def disk_texts(cloud, uuid):
    """The markers the guest found on vda, one per boot, in order."""
    return [line.split(DISK_TEXT, 1)[1].strip('.\r ')
            for line in cloud.console_file(uuid).splitlines() if DISK_TEXT in line]


def test_rebuild_rescue_and_unrescue_a_real_guest(cloud):
    """Setup through openstacksdk (fast); the three actions through the CLI."""
    sdk = cloud.deployment.sdk()
    cloud.hypervisor()
    images = boot_images(cloud, sdk)
    (image_id, first_marker), (new_id, new_marker), (rescue_id, rescue_marker) = (
        images['first'], images['rebuilt'], images['rescue'])
    flavor = sdk.compute.create_flavor(name='nr.tiny', ram=256, vcpus=1, disk=1)
    server = sdk.compute.create_server(name='nr-guest', image_id=image_id,
                                       flavor_id=flavor.id, networks='none')
    uuid = server.id
    instance_dir = cloud.instances_path / uuid
    cli = cloud.cli

    def server_now():
        return cloud.get('/servers/%s' % uuid)[1]['server']

    def settled(status):
        cloud.wait(lambda: (server_now()['status'], server_now()['OS-EXT-STS:task_state'])
                   == (status, None), 'the server to be %s' % status)

    def booted_from(markers):
        """The console (the file the API serves) shows a boot per marker."""
        cloud.wait(lambda: disk_texts(cloud, uuid) == markers,
                   'the guest to boot from %s' % markers[-1])
        assert cloud.console_file(uuid).count(BOOTED) == len(markers)

    settled('ACTIVE')
    booted_from([first_marker])

    # Rebuild: the same server (id, host) on a new guest from the new image.
    cli.run('server', 'rebuild', '--image', new_id, '--wait', uuid)
    settled('ACTIVE')
    rebuilt = server_now()
    assert rebuilt['image']['id'] == new_id
    assert rebuilt['OS-EXT-SRV-ATTR:host'] == cloud.host
    booted_from([new_marker])  # a new console log: the old guest's files are gone
    assert virsh('domstate', uuid).stdout.strip() == 'running'

    # Rescue: vda is the rescue image, vdb the server's own disk.
    cli.run('server', 'rescue', '--image', rescue_id, uuid)
    settled('RESCUE')
    booted_from([new_marker, rescue_marker])
    blocks = virsh('domblklist', uuid).stdout
    assert 'vda' in blocks and str(instance_dir / 'disk.rescue') in blocks
    assert 'vdb' in blocks and str(instance_dir / 'disk') in blocks
    assert (instance_dir / 'unrescue.xml').exists()

    # Unrescue: booted from its own disk again, the rescue files gone.
    cli.run('server', 'unrescue', uuid)
    settled('ACTIVE')
    booted_from([new_marker, rescue_marker, new_marker])
    assert 'disk.rescue' not in virsh('domblklist', uuid).stdout
    assert not (instance_dir / 'disk.rescue').exists()
    assert not (instance_dir / 'unrescue.xml').exists()
    console = cli.run('console', 'log', 'show', uuid).stdout
    assert BOOTED in console and DISK_TEXT + new_marker in console

    sdk.compute.delete_server(uuid)
    cloud.wait(lambda: not instance_dir.exists(), 'the guest to be removed')
