"""Snapshots, backups and shelving of real guests: the libvirt driver on the
host's libvirtd, every daemon its own process over RabbitMQ and MariaDB,
the ``openstack`` CLI as the caller, and nova-api's built-in image store
as the Glance v2 endpoint the compute uploads to (see libvirt_cloud.py).

The test guest (tools/build-test-image.sh) prints the marker it finds at
1 MiB on its root disk and writes a new one. A server is snapshotted with
``server image create --wait``; a second server booted from the snapshot
finds the first one's marker. ``server backup create --rotate 2`` three
times leaves two backups. Shelving the first server offloads it at once
(its vCPU and claim leave the host), and unshelving boots it again from
the shelve snapshot, finding its own marker; the snapshot is then gone.

Needs libvirtd and QEMU (tools/setup-libvirt.sh): skipped without them,
failed under CI=true.
"""
import os
import re

from openstack import exceptions as openstack_exceptions
import pytest

from tests.integration.libvirt_cloud import virsh
from tests.integration import shared_libvirt

WRITTEN = re.compile(r'NOVA-TEST-GUEST-MARKER-WRITTEN: (MARKER-[0-9a-f]+)')
FOUND = 'NOVA-TEST-GUEST-MARKER-FOUND: %s'


# One libvirt deployment (shelve offloads at once: shared_libvirt.COMPUTE_OPTIONS)
# for this module and the others of the group.
pytestmark = pytest.mark.xdist_group(shared_libvirt.GROUP)


@pytest.fixture
def cloud(libvirt_cloud):
    return libvirt_cloud


def written_marker(cloud, server_id):
    """The marker the guest wrote at 1 MiB on its disk, once it did."""
    def found():
        match = WRITTEN.search(cloud.console_file(server_id))
        return match and match.group(1)
    return cloud.wait(found, 'the guest of %s to write its marker' % server_id)


def server(cloud, server_id):
    return cloud.get('/servers/%s' % server_id)[1]['server']


def settled(cloud, server_id, status):
    cloud.wait(lambda: (server(cloud, server_id)['status'],
                        server(cloud, server_id)['OS-EXT-STS:task_state']) == (status, None),
               'server %s to be %s' % (server_id, status))
    return server(cloud, server_id)


def prop(image, name):
    """An image property, whether openstacksdk knows it as an attribute
    (instance_uuid) or keeps it in ``properties``."""
    return getattr(image, name, None) or image.properties.get(name)


def boot(cloud, image_id, name):
    return cloud.cli.json('--os-compute-api-version', '2.90', 'server', 'create', '--image',
                          image_id, '--flavor', 'nt.snap', '--nic', 'none', '--wait',
                          name)['id']


def test_snapshot_backup_and_shelve_of_real_guests(cloud, mariadb):
    cli = cloud.cli
    sdk = cloud.deployment.sdk()
    hypervisor = cloud.hypervisor()
    image_id = cloud.test_guest().image_id
    cli.run('flavor', 'create', '--ram', '256', '--vcpus', '1', '--disk', '1', 'nt.snap')
    first = boot(cloud, image_id, 'nt-first')
    first_marker = written_marker(cloud, first)
    assert FOUND % '(none)' in cloud.console_file(first)

    # Snapshot of the running guest: the image holds its disk as it was.
    cli.run('server', 'image', 'create', '--wait', '--name', 'nt-snap', first, timeout=300)
    [snap] = sdk.image.images(name='nt-snap')
    assert snap.status == 'active' and snap.disk_format == 'qcow2'
    assert (prop(snap, 'image_type'), prop(snap, 'instance_uuid'),
            prop(snap, 'base_image_ref')) == ('snapshot', first, image_id)
    assert settled(cloud, first, 'ACTIVE')['OS-EXT-STS:power_state'] == 1
    assert virsh('domstate', first).stdout.strip() == 'running', 'resumed after the copy'
    assert os.listdir(cloud.instances_path / 'snapshots') == [], 'no copy left behind'

    second = boot(cloud, snap.id, 'nt-second')
    cloud.wait(lambda: FOUND % first_marker in cloud.console_file(second),
               'the second guest to find the first one\'s marker')

    # Three backups with rotation 2 leave the two newest.
    for index in range(3):
        cli.run('server', 'backup', 'create', '--name', 'nt-backup-%d' % index, '--type',
                'daily', '--rotate', '2', '--wait', second, timeout=300)
        settled(cloud, second, 'ACTIVE')
    backups = [image.name for image in sdk.image.images()
               if (prop(image, 'instance_uuid'), prop(image, 'image_type')) == (second, 'backup')]
    assert sorted(backups) == ['nt-backup-1', 'nt-backup-2']

    # Shelve offloads at once: the guest, its vCPU and its claim leave the host.
    before = cloud.hypervisor()['vcpus_used']
    cli.run('server', 'shelve', first)
    offloaded = settled(cloud, first, 'SHELVED_OFFLOADED')
    assert offloaded['OS-EXT-SRV-ATTR:host'] is None
    assert virsh('dominfo', first, expect=None).returncode != 0, 'the domain is gone'
    cloud.wait(lambda: cloud.hypervisor()['vcpus_used'] == before - 1,
               'the host usage to drop by the flavor')
    assert mariadb.query(cloud.deployment.api_db,
                         'SELECT COUNT(*) FROM allocations WHERE consumer_id = %s',
                         first)[0][0] == 0
    [shelve_image] = sdk.image.images(name='nt-first-shelved')
    assert shelve_image.status == 'active'

    cli.run('server', 'unshelve', first)
    unshelved = settled(cloud, first, 'ACTIVE')
    assert unshelved['OS-EXT-SRV-ATTR:host'] == cloud.host
    assert unshelved['image']['id'] == image_id
    cloud.wait(lambda: FOUND % first_marker in cloud.console_file(first),
               'the unshelved guest to find its own marker')
    with pytest.raises(openstack_exceptions.NotFoundException):
        sdk.image.get_image(shelve_image.id)  # the shelve snapshot is deleted
    assert hypervisor['hypervisor_hostname'] == cloud.host

    servers = [sdk.compute.get_server(server_id) for server_id in (first, second)]
    for found in servers:
        sdk.compute.delete_server(found)
    for found in servers:
        sdk.compute.wait_for_delete(found, wait=120)
