"""Issue 9's Done-when walk with real guests moving between the two
namespaced hosts of the shared deployment (shared_ns.py: a libvirtd and a
nova-compute per host, the control plane as processes over RabbitMQ and
MariaDB, ``allow_resize_to_same_host`` off), the ``openstack`` CLI as the
caller.

After each step: the API's status, host and flavor; each host's libvirtd
has a running domain only where the API places the server (during
VERIFY_RESIZE the source keeps its powered-off domain and the
``<uuid>_resize`` copy a revert goes back to, as Nova); the guest booted
where it arrived (its serial console's boot line, counted on that host);
the root disk's virtual size; and the ledger's usage per compute node
equal to the flavors held there (the server's, plus a move's source claim
until the move ends). The live migration and its uptime are in
test_libvirt_live_migration.py.

Needs root, libvirtd and QEMU: skipped without them, failed under CI=true.
"""
import json

import pytest

from tests.integration.libvirt_cloud import BOOT_TIMEOUT
from tests.integration.libvirt_cloud import BOOTED
from tests.integration import shared_ns
from tests.integration.test_ns_hosts import read_console

pytestmark = pytest.mark.xdist_group(shared_ns.GROUP)

GiB = 1024 * 1024 * 1024
# Flavors of the walk: each step up has more memory and a bigger root disk.
FLAVORS = (('mv.small', 192, 1), ('mv.medium', 256, 2), ('mv.large', 320, 3))


@pytest.fixture
def two_hosts(ns_two_hosts):
    return ns_two_hosts


@pytest.fixture
def cloud(ns_cloud):
    return ns_cloud


class Made:
    """The flavors and servers a test makes, removed afterwards (also when
    it failed): the servers deleted and gone from both libvirtds, then
    the flavors; the ledger then holds nothing."""

    def __init__(self, cloud, hosts):
        self.cloud = cloud
        self.hosts = hosts
        self.sdk = cloud.deployment.sdk()
        self.flavors = {}
        self.servers = []

    def flavor_set(self):
        for name, ram, disk in FLAVORS:
            self.flavors[name] = self.sdk.compute.create_flavor(name=name, ram=ram, vcpus=1,
                                                                disk=disk)
        return self.flavors

    def server(self, name, flavor, host):
        """A server of the test guest booted on ``host``, ACTIVE, its guest booted."""
        server = self.sdk.compute.create_server(
            name=name, image_id=self.cloud.test_guest().image_id, flavor_id=flavor.id,
            networks='none', availability_zone='nova:%s' % host.hostname)
        self.servers.append(server.id)
        settled(self.cloud, server.id, 'ACTIVE')
        wait_for_boots(self.cloud, host, server.id, 1)
        return server.id

    def remove(self):
        for uuid in self.servers:
            self.sdk.compute.delete_server(uuid, ignore_missing=True)
        self.cloud.wait(lambda: not any(uuid in self.cloud.domain_uuids(host)
                                        for uuid in self.servers for host in self.hosts),
                        'the servers to be gone from both hosts', timeout=90)
        for flavor in self.flavors.values():
            self.sdk.compute.delete_flavor(flavor.id)
        self.cloud.wait(lambda: self.cloud.ledger_usage() == {},
                        'the ledger to hold nothing', timeout=30)


@pytest.fixture
def made(cloud, two_hosts):
    cloud.hypervisors()
    made = Made(cloud, two_hosts.hosts)
    yield made
    made.remove()


def server_now(cloud, uuid):
    return cloud.get('/servers/%s' % uuid)[1]['server']


def settled(cloud, uuid, status):
    """The server once its status is ``status`` with no task."""
    def reached():
        server = server_now(cloud, uuid)
        assert server['status'] != 'ERROR', server.get('fault')
        return (server['status'], server['OS-EXT-STS:task_state']) == (status, None) and server
    return cloud.wait(reached, 'server %s to be %s' % (uuid, status), timeout=BOOT_TIMEOUT)


def boots(host, uuid):
    """How many times the guest booted with its console log on ``host``."""
    return read_console(host, uuid).count(BOOTED)


def wait_for_boots(cloud, host, uuid, count):
    cloud.wait(lambda: boots(host, uuid) >= count,
               'the guest of %s to boot (%d) on %s' % (uuid, count, host.name),
               timeout=BOOT_TIMEOUT)
    assert boots(host, uuid) == count, read_console(host, uuid)


def domain_states(host, uuid):
    """{'running' or 'defined'} for each domain of ``uuid`` on ``host``'s
    libvirtd (empty: none)."""
    import libvirt
    connection = libvirt.open(host.uri)
    try:
        return {'running' if domain.isActive() else 'defined'
                for domain in connection.listAllDomains() if domain.UUIDString() == uuid}
    finally:
        connection.close()


def max_memory_mib(host, uuid):
    import libvirt
    connection = libvirt.open(host.uri)
    try:
        return connection.lookupByUUIDString(uuid).maxMemory() // 1024
    finally:
        connection.close()


def root_disk_size(two_hosts, host, uuid):
    """The virtual size of the server's root disk on ``host`` (read in the
    host's mount namespace, where its backing file is)."""
    info = host.run('qemu-img', 'info', '-U', '--output=json', '-f', 'qcow2',
                    '%s/%s/disk' % (two_hosts.instances_path, uuid), network=False).stdout
    return json.loads(info)['virtual-size']


def resources(flavor):
    return {'VCPU': flavor.vcpus, 'MEMORY_MB': flavor.ram, 'DISK_GB': flavor.disk}


def assert_ledger(cloud, held):
    """The ledger's usage per compute node is the sum of the flavors
    ``held`` ({host: [flavor, ...]}) there."""
    expected = {}
    for host, flavors in held.items():
        for flavor in flavors:
            usage = expected.setdefault(host.hostname, {})
            for resource_class, amount in resources(flavor).items():
                usage[resource_class] = usage.get(resource_class, 0) + amount
    assert cloud.ledger_usage() == expected


def assert_on(cloud, two_hosts, uuid, host, flavor, kept_on=None):
    """The API places the server on ``host`` with ``flavor``; only
    ``host`` runs its domain; ``kept_on`` (the source during
    VERIFY_RESIZE) keeps a powered-off domain and the ``_resize`` copy,
    any other host has nothing of it."""
    server = server_now(cloud, uuid)
    assert (server['OS-EXT-SRV-ATTR:host'], server['flavor']['original_name']) == (
        host.hostname, flavor.name)
    assert domain_states(host, uuid) == {'running'}
    assert max_memory_mib(host, uuid) == flavor.ram
    assert root_disk_size(two_hosts, host, uuid) == flavor.disk * GiB
    assert not (host.instances_dir / (uuid + '_resize')).exists()
    for other in two_hosts.hosts:
        if other is host:
            continue
        assert not (other.instances_dir / uuid).exists()
        if other is kept_on:
            assert domain_states(other, uuid) == {'defined'}
            assert (other.instances_dir / (uuid + '_resize')).is_dir()
        else:
            assert domain_states(other, uuid) == set()
            assert not (other.instances_dir / (uuid + '_resize')).exists()


def migrations_of(cloud, uuid):
    """(type, status) of the server's migrations, oldest first, from
    ``openstack server migration list``."""
    listed = cloud.cli.json('--os-compute-api-version', '2.23', 'server', 'migration', 'list',
                            '--server', uuid)
    return [(m['Type'], m['Status']) for m in sorted(listed, key=lambda m: m['Id'])]


def test_resize_moves_to_the_other_host_confirm_and_revert(cloud, two_hosts, made):
    first, second = two_hosts.hosts
    flavors = made.flavor_set()
    small, medium, large = (flavors[name] for name, _ram, _disk in FLAVORS)
    uuid = made.server('mv-resize', small, first)
    assert_on(cloud, two_hosts, uuid, first, small)
    assert_ledger(cloud, {first: [small]})

    cloud.cli.run('server', 'resize', '--flavor', medium.name, '--wait', uuid, timeout=300)
    settled(cloud, uuid, 'VERIFY_RESIZE')
    assert_on(cloud, two_hosts, uuid, second, medium, kept_on=first)
    wait_for_boots(cloud, second, uuid, 1)
    # The instance's claim on the destination, the migration's on the source.
    assert_ledger(cloud, {first: [small], second: [medium]})

    cloud.cli.run('server', 'resize', 'confirm', uuid)
    settled(cloud, uuid, 'ACTIVE')
    assert_on(cloud, two_hosts, uuid, second, medium)
    assert_ledger(cloud, {second: [medium]})

    cloud.cli.run('server', 'resize', '--flavor', large.name, '--wait', uuid, timeout=300)
    settled(cloud, uuid, 'VERIFY_RESIZE')
    assert_on(cloud, two_hosts, uuid, first, large, kept_on=second)
    wait_for_boots(cloud, first, uuid, 1)
    assert_ledger(cloud, {first: [large], second: [medium]})

    cloud.cli.run('server', 'resize', 'revert', uuid)
    settled(cloud, uuid, 'ACTIVE')
    assert_on(cloud, two_hosts, uuid, second, medium)
    # Started again from its kept copy, whose console log goes on.
    wait_for_boots(cloud, second, uuid, 2)
    assert_ledger(cloud, {second: [medium]})
    assert migrations_of(cloud, uuid) == [('resize', 'confirmed'), ('resize', 'reverted')]


def test_cold_migration_moves_the_guest_and_confirm_removes_the_source(cloud, two_hosts,
                                                                       made):
    first, second = two_hosts.hosts
    small = made.flavor_set()['mv.small']
    uuid = made.server('mv-cold', small, second)

    cloud.cli.run('server', 'migrate', '--wait', uuid, timeout=300)
    settled(cloud, uuid, 'VERIFY_RESIZE')
    assert_on(cloud, two_hosts, uuid, first, small, kept_on=second)
    wait_for_boots(cloud, first, uuid, 1)
    assert_ledger(cloud, {first: [small], second: [small]})

    cloud.cli.run('server', 'migration', 'confirm', uuid)
    settled(cloud, uuid, 'ACTIVE')
    assert_on(cloud, two_hosts, uuid, first, small)
    assert not (second.instances_dir / uuid).exists()
    assert not (second.instances_dir / (uuid + '_resize')).exists()
    assert_ledger(cloud, {first: [small]})
    assert migrations_of(cloud, uuid) == [('migration', 'confirmed')]


def _in_progress(cloud, uuid):
    """The server's live migration while it is ``running`` (else None),
    read through the API as ``server migration list`` does."""
    _status, body = cloud.get('/os-migrations?instance_uuid=%s' % uuid, version='2.23')
    running = [m for m in body['migrations'] if m['status'] == 'running']
    return running[0] if running else None


def _progress_of(cloud, uuid, migration_id):
    """The running migration as GET /servers/{id}/migrations/{mid} (2.23)
    shows it once the source reported memory sent by libvirt, else None."""
    _status, body = cloud.get('/servers/%s/migrations/%s' % (uuid, migration_id),
                              version='2.23')
    shown = body.get('migration') or {}
    return shown if shown.get('memory_processed_bytes') else None


def _slow_migrations_of(host, uuid):
    """Limit the guest's migration stream to 1 MiB/s on ``host``'s
    libvirtd (``virsh migrate-setspeed``): its few dozen MiB of memory in
    use then take long enough to list the migration and abort it."""
    host.run('virsh', '-c', 'qemu:///system', 'migrate-setspeed', uuid, '1', network=False)


def _left_to_migrate_mib(host, uuid):
    """What the running migration job of ``uuid`` on ``host`` has still to
    send (MiB; 0 when no job runs): how much time the abort had left."""
    import libvirt
    connection = libvirt.open(host.uri)
    try:
        stats = connection.lookupByUUIDString(uuid).jobStats()
    finally:
        connection.close()
    return stats.get('data_remaining', 0) / (1024.0 * 1024)


def test_live_migration_in_progress_is_listed_and_aborted(cloud, two_hosts, made):
    first, second = two_hosts.hosts
    small = made.flavor_set()['mv.small']
    uuid = made.server('mv-abort', small, first)
    _slow_migrations_of(first, uuid)

    cloud.cli.run('--os-compute-api-version', '2.30', 'server', 'migrate', '--live-migration',
                  '--host', second.hostname, uuid)
    migration = cloud.wait(lambda: _in_progress(cloud, uuid),
                           'the live migration of %s to run' % uuid, timeout=120)
    listed = cloud.cli.json('--os-compute-api-version', '2.23', 'server', 'migration',
                            'list', '--server', uuid)
    assert [(m['Id'], m['Type'], m['Status'], m['Dest Compute']) for m in listed] == [
        (migration['id'], 'live-migration', 'running', second.hostname)]
    assert server_now(cloud, uuid)['status'] == 'MIGRATING'
    shown = cloud.wait(lambda: _progress_of(cloud, uuid, migration['id']),
                       'the progress figures of %s' % uuid, timeout=30)
    assert 0 <= shown['memory_remaining_bytes'] <= shown['memory_total_bytes']
    print('left to migrate when aborted: %.1f MiB' % _left_to_migrate_mib(first, uuid))
    cloud.cli.run('--os-compute-api-version', '2.24', 'server', 'migration', 'abort', uuid,
                  migration['id'])

    settled(cloud, uuid, 'ACTIVE')
    assert_on(cloud, two_hosts, uuid, first, small)
    assert migrations_of(cloud, uuid) == [('live-migration', 'cancelled')]
    assert_ledger(cloud, {first: [small]})
    # The guest ran on through it all: no second boot.
    assert boots(first, uuid) == 1


def _service_state(cloud, host):
    """(State, Forced down?) of ``host``'s nova-compute as ``compute
    service list`` shows it."""
    [service] = cloud.cli.json('--os-compute-api-version', '2.11', 'compute', 'service',
                               'list', '--long', '--host', host.hostname, '--service',
                               'nova-compute')
    return service['State'], service['Forced Down']


def _service_now(cloud, host):
    """The same, read through the API (cheap enough to poll)."""
    _status, body = cloud.get('/os-services?binary=nova-compute&host=%s' % host.hostname,
                              version='2.11')
    [service] = body['services']
    return service['state'], service['forced_down']


def _migrations_now(cloud, uuid):
    _status, body = cloud.get('/os-migrations?instance_uuid=%s' % uuid, version='2.23')
    return [(m['migration_type'], m['status']) for m in body['migrations']]


def _force_up(cloud, host):
    """``compute service set --up`` for ``host``'s nova-compute, once the
    API takes it (it refuses while evacuations from it are not cleaned)."""
    def taken():
        return cloud.cli.run('--os-compute-api-version', '2.11', 'compute', 'service', 'set',
                             '--up', host.hostname, 'nova-compute', expect=None).returncode == 0
    cloud.wait(taken, 'the compute of %s to be forced up' % host.name, timeout=60)
    cloud.wait(lambda: _service_now(cloud, host) == ('up', False),
               'the compute of %s to be up' % host.name, timeout=60)


@pytest.fixture
def failing_first_host(cloud, two_hosts):
    """Gives back the first host's compute after the test as the group
    expects it, running and not forced down, whatever the test left."""
    first = two_hosts.hosts[0]
    yield first
    if first.hostname not in cloud.computes:
        cloud.start_compute(first)
    if _service_now(cloud, first) != ('up', False):
        _force_up(cloud, first)


def test_evacuation_from_a_failed_host_and_its_return(cloud, two_hosts, made,
                                                      failing_first_host):
    first, second = two_hosts.hosts
    small = made.flavor_set()['mv.small']
    uuid = made.server('mv-evacuate', small, first)
    cli = cloud.cli

    refused = cli.run('--os-compute-api-version', '2.68', 'server', 'evacuate', uuid,
                      expect=1)
    assert 'BadRequestException: 400' in refused.stderr
    assert 'Compute service of %s is still in use.' % first.hostname in refused.stderr

    # The host fails: its compute stops, its guest runs on unreachable.
    cloud.stop_compute(first)
    cli.run('--os-compute-api-version', '2.11', 'compute', 'service', 'set', '--down',
            first.hostname, 'nova-compute')
    # No --wait: python-openstackclient 10.5 waits for 'ACTIVE' in the
    # lower-cased status, which never comes.
    cli.run('--os-compute-api-version', '2.68', 'server', 'evacuate', uuid)
    settled(cloud, uuid, 'ACTIVE')
    assert server_now(cloud, uuid)['OS-EXT-SRV-ATTR:host'] == second.hostname
    assert domain_states(second, uuid) == {'running'}
    wait_for_boots(cloud, second, uuid, 1)
    assert domain_states(first, uuid) == {'running'}
    # The instance holds its claim on both hosts until the source is cleaned.
    assert_ledger(cloud, {first: [small], second: [small]})
    # Forcing it up before its compute came back and cleaned up is refused.
    refused = cli.run('--os-compute-api-version', '2.11', 'compute', 'service', 'set',
                      '--up', first.hostname, 'nova-compute', expect=1)
    assert 'Failed to set service state to up' in refused.stderr
    assert _service_state(cloud, first) == ('down', True)

    # The host comes back: its compute destroys the stale guest only.
    cloud.start_compute(first)
    cloud.wait(lambda: domain_states(first, uuid) == set(),
               'the stale guest on %s to be destroyed' % first.name, timeout=90)
    cloud.wait(lambda: _migrations_now(cloud, uuid) == [('evacuation', 'completed')],
               'the evacuation to be completed', timeout=30)
    assert migrations_of(cloud, uuid) == [('evacuation', 'completed')]
    assert_on(cloud, two_hosts, uuid, second, small)
    assert boots(second, uuid) == 1
    assert_ledger(cloud, {second: [small]})
    _force_up(cloud, first)
    assert _service_state(cloud, first) == ('up', False)
