"""Resize of a real guest on one host (``allow_resize_to_same_host``, which
the shared libvirt deployment sets): the libvirt driver on the host's
libvirtd (qemu:///system, TCG), every daemon its own process over RabbitMQ
and MariaDB, the ``openstack`` CLI as the caller (libvirt_cloud.py).

``server resize --flavor --wait`` ends in VERIFY_RESIZE with the domain
redefined for the new flavor (memory), the root disk grown (qemu-img) and
the old directory kept as ``<uuid>_resize``; ``resize confirm`` removes
that copy, ``resize revert`` goes back to it (the old flavor's memory and
disk size); the guest boots after each. (The functional tests check the
claims of every step.)

Needs libvirtd and QEMU (tools/setup-libvirt.sh): skipped without them,
failed under CI=true.
"""
import json
import subprocess

import pytest

from tests.integration.libvirt_cloud import BOOTED
from tests.integration.libvirt_cloud import virsh
from tests.integration import shared_libvirt

pytestmark = pytest.mark.xdist_group(shared_libvirt.GROUP)

MiB = 1024 * 1024
GiB = 1024 * MiB


@pytest.fixture
def cloud(libvirt_cloud):
    return libvirt_cloud


def _virtual_size(path):
    info = subprocess.run(['qemu-img', 'info', '-U', '--output=json', '-f', 'qcow2',
                           str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(info)['virtual-size']


def _max_memory_kib(uuid):
    for line in virsh('dominfo', uuid).stdout.splitlines():
        if line.startswith('Max memory:'):
            return int(line.split()[2])
    raise AssertionError('no "Max memory" in virsh dominfo %s' % uuid)


def test_resize_confirm_and_revert_on_one_host(cloud):
    sdk = cloud.deployment.sdk()
    cloud.hypervisor()
    guest = cloud.test_guest()
    flavors = {name: sdk.compute.create_flavor(name=name, ram=ram, vcpus=1, disk=disk)
               for name, ram, disk in (('rz.small', 256, 1), ('rz.big', 320, 2),
                                       ('rz.bigger', 384, 3))}
    server = sdk.compute.create_server(name='rz-guest', image_id=guest.image_id,
                                       flavor_id=flavors['rz.small'].id, networks='none')
    uuid = server.id
    instance_dir = cloud.instances_path / uuid
    kept_dir = cloud.instances_path / (uuid + '_resize')
    cli = cloud.cli

    def server_now():
        return cloud.get('/servers/%s' % uuid)[1]['server']

    def settled(status):
        cloud.wait(lambda: (server_now()['status'], server_now()['OS-EXT-STS:task_state'])
                   == (status, None), 'the server to be %s' % status)
        return server_now()

    def booted():
        cloud.wait(lambda: BOOTED in cloud.console_file(uuid), 'the guest to boot')

    try:
        settled('ACTIVE')
        booted()

        cli.run('server', 'resize', '--flavor', 'rz.big', '--wait', uuid)
        resized = settled('VERIFY_RESIZE')
        assert resized['flavor']['original_name'] == 'rz.big'
        assert resized['OS-EXT-SRV-ATTR:host'] == cloud.host
        assert virsh('domstate', uuid).stdout.strip() == 'running'
        assert _max_memory_kib(uuid) == 320 * 1024
        assert _virtual_size(instance_dir / 'disk') == 2 * GiB
        assert _virtual_size(kept_dir / 'disk') == GiB
        booted()

        cli.run('server', 'resize', 'confirm', uuid)
        settled('ACTIVE')
        cloud.wait(lambda: not kept_dir.exists(), 'the kept copy to be removed')
        assert _max_memory_kib(uuid) == 320 * 1024

        cli.run('server', 'resize', '--flavor', 'rz.bigger', '--wait', uuid)
        settled('VERIFY_RESIZE')
        assert _virtual_size(instance_dir / 'disk') == 3 * GiB
        cli.run('server', 'resize', 'revert', uuid)
        reverted = settled('ACTIVE')
        assert reverted['flavor']['original_name'] == 'rz.big'
        assert virsh('domstate', uuid).stdout.strip() == 'running'
        assert _max_memory_kib(uuid) == 320 * 1024
        assert _virtual_size(instance_dir / 'disk') == 2 * GiB
        assert not kept_dir.exists()
        booted()
        migrations = cli.json('server', 'migration', 'list', '--server', uuid)
        assert sorted(m['Status'] for m in migrations) == ['confirmed', 'reverted']
    finally:
        sdk.compute.delete_server(uuid)
        cloud.wait(lambda: not instance_dir.exists() and not kept_dir.exists(),
                   'the guest to be removed')
        for flavor in flavors.values():
            sdk.compute.delete_flavor(flavor.id)
