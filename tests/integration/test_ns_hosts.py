"""The namespaced test hosts (tests/integration/ns_hosts.py,
tools/test-hosts.sh): isolated libvirtds, a live migration with non-shared
disks between two of them, and nothing left behind."""
import re
import subprocess
import time
import uuid

import pytest

from tests.integration import harness
from tests.integration import libvirt_cloud
from tests.integration import ns_cloud
from tests.integration import ns_hosts

two_hosts = ns_hosts.fixture(2)

BOOT_TIMEOUT = libvirt_cloud.BOOT_TIMEOUT
DISK_MB = 16
# A kernel log line's timestamp: the guest's uptime in seconds.
UPTIME = re.compile(r'^\[\s*(\d+\.\d+)\]', re.M)


@pytest.fixture(scope='module')
def libvirt():
    try:
        import libvirt as libvirt_module
    except ImportError:
        harness.require(False, 'libvirt-python is not installed')
    return libvirt_module


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb, two_hosts, libvirt):
    cloud = ns_cloud.NsLibvirtCloud(tmp_path_factory.mktemp('ns-cloud'), rabbitmq, mariadb,
                                    two_hosts)
    yield cloud
    cloud.stop()


def domain_xml(name, instances_path, guest_images, disk=True):
    """The test guest booted from its kernel and initrd, its disk and
    console log in the instance's directory (the same path on every host)."""
    directory = '%s/%s' % (instances_path, name)
    disk_xml = ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                "<source file='%s/disk'/><target dev='vda' bus='virtio'/></disk>"
                % directory) if disk else ''
    return """<domain type='qemu'>
  <name>%(name)s</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><kernel>%(images)s/vmlinuz</kernel>
    <initrd>%(images)s/initrd.img</initrd><cmdline>console=ttyS0 no_timer_check</cmdline></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>%(disk)s
    <serial type='pty'><log file='%(dir)s/console.log' append='on'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>""" % {'name': name, 'images': guest_images, 'disk': disk_xml, 'dir': directory}


def read_console(host, name):
    try:
        return (host.instances_dir / name / 'console.log').read_text(errors='replace')
    except FileNotFoundError:
        return ''


def wait_for_console(host, name, line, timeout=BOOT_TIMEOUT):
    deadline = time.monotonic() + timeout
    while line not in read_console(host, name):
        assert time.monotonic() < deadline, '%s did not print %s on %s within %d s:\n%s' % (
            name, line, host.name, timeout, read_console(host, name)[-2000:])
        time.sleep(0.5)
    return read_console(host, name)


def create_disk(host, name):
    directory = host.instances_dir / name
    directory.mkdir()
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(directory / 'disk'),
                    '%dM' % DISK_MB], check=True, timeout=60)


def disk_contains(host, name, text):
    """Whether the qcow2 disk of ``name`` on ``host`` holds ``text``."""
    raw = host.instances_dir / name / 'disk.raw'
    subprocess.run(['qemu-img', 'convert', '-O', 'raw', str(host.instances_dir / name / 'disk'),
                    str(raw)], check=True, timeout=60)
    try:
        return text.encode() in raw.read_bytes()
    finally:
        raw.unlink()


def domain_names(connection):
    return sorted(domain.name() for domain in connection.listAllDomains())


def test_each_host_has_its_own_libvirtd_reachable_over_the_fabric(two_hosts, libvirt):
    first, second = two_hosts.hosts
    connections = [libvirt.open(host.uri) for host in two_hosts.hosts]
    try:
        assert [c.getHostname() for c in connections] == [first.hostname, second.hostname]
        assert first.hostname != second.hostname
        assert [c.getURI() for c in connections] == [first.uri, second.uri]
        # Separate daemons: separate domain lists, and neither is the root
        # namespace's libvirtd.
        assert len({host.pid_of('libvirtd') for host in two_hosts.hosts}) == 2
    finally:
        for connection in connections:
            connection.close()
    # Host to host over qemu+tcp on the fabric, both ways.
    assert first.run('virsh', '-c', second.tcp_uri, 'hostname').stdout.strip() == \
        second.hostname
    assert second.run('virsh', '-c', first.tcp_uri, 'hostname').stdout.strip() == \
        first.hostname
    # The root namespace is not on the fabric; the hosts route nowhere else.
    root_addresses = subprocess.run(['ip', '-o', 'addr'], capture_output=True, text=True,
                                    check=True).stdout
    assert '%s.' % ns_hosts.NET not in root_addresses
    assert first.run('ip', 'route').stdout.split('\n')[0].startswith('%s.0/24' % ns_hosts.NET)
    assert 'default' not in first.run('ip', 'route').stdout
    # One instances path, a directory of each host's own behind it; nova-compute's
    # way in (root netns, host mount namespace) sees the same.
    first.run('touch', '%s/only-on-host1' % two_hosts.instances_path)
    assert (first.instances_dir / 'only-on-host1').exists()
    assert not (second.instances_dir / 'only-on-host1').exists()
    assert first.run('virsh', '-c', 'qemu:///system', 'hostname',
                     network=False).stdout.strip() == first.hostname
    listing = first.run('ls', two_hosts.instances_path, network=False).stdout.split()
    assert listing == ['only-on-host1']


def test_guest_live_migrates_with_its_disk_and_keeps_running(two_hosts, libvirt):
    source, destination = two_hosts.hosts
    images = libvirt_cloud.build_test_guest()
    name = 'nth-guest-%s' % uuid.uuid4().hex[:8]
    create_disk(source, name)
    # As Nova's pre_live_migration does: an empty disk of the same size waits
    # at the same path on the destination.
    create_disk(destination, name)
    source_conn = libvirt.open(source.uri)
    destination_conn = libvirt.open(destination.uri)
    try:
        domain = source_conn.defineXML(domain_xml(name, two_hosts.instances_path, images))
        domain.create()
        console = wait_for_console(source, name, libvirt_cloud.ACPI_READY)
        marker = re.search(r'NOVA-TEST-GUEST-MARKER-WRITTEN: (MARKER-[0-9a-f]+)',
                           console).group(1)
        uptime_before = max(float(value) for value in UPTIME.findall(console))

        flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
                 libvirt.VIR_MIGRATE_PERSIST_DEST | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE |
                 libvirt.VIR_MIGRATE_NON_SHARED_DISK)
        domain.migrateToURI3(destination.tcp_uri, {}, flags)

        assert domain_names(source_conn) == []
        moved = destination_conn.lookupByName(name)
        state, reason = moved.state()
        assert (state, reason) == (libvirt.VIR_DOMAIN_RUNNING,
                                   libvirt.VIR_DOMAIN_RUNNING_MIGRATED)
        assert moved.isPersistent()
        # The same guest goes on: acpid, started at boot on the source,
        # answers the power button on the destination, which never saw a
        # boot, and the kernel's uptime went on counting.
        moved.shutdown()
        wait_for_console(destination, name, 'NOVA-TEST-GUEST-POWEROFF')
        deadline = time.monotonic() + 60
        while moved.isActive():
            assert time.monotonic() < deadline, 'the guest did not power off'
            time.sleep(0.2)
        after = read_console(destination, name)
        assert libvirt_cloud.BOOTED not in after
        uptimes_after = [float(value) for value in UPTIME.findall(after)]
        assert uptimes_after and max(uptimes_after) > uptime_before, after
        # Its disk came along: the marker the guest wrote on the source.
        assert disk_contains(destination, name, marker)
    finally:
        for connection in (source_conn, destination_conn):
            remove_domain(libvirt, connection, name)
            connection.close()


def remove_domain(libvirt, connection, name):
    """Destroy and undefine ``name`` if ``connection``'s libvirtd has it."""
    try:
        domain = connection.lookupByName(name)
    except libvirt.libvirtError:
        return
    if domain.isActive():
        domain.destroy()
    domain.undefine()


def test_a_nova_compute_on_each_host_runs_its_guests_there(cloud, two_hosts):
    hypervisors = cloud.hypervisors()
    assert [h['hypervisor_hostname'] for h in hypervisors] == [
        host.hostname for host in two_hosts.hosts]
    assert all(h['state'] == 'up' and h['hypervisor_type'] == 'QEMU' for h in hypervisors)
    image_id, _marker = cloud.upload_test_guest()
    sdk = cloud.deployment.sdk()
    flavor = sdk.compute.create_flavor(name='nth.tiny', ram=128, vcpus=1, disk=1)
    created = [sdk.compute.create_server(name='nth-%s' % host.name, image_id=image_id,
                                         flavor_id=flavor.id, networks='none',
                                         availability_zone='nova:%s' % host.hostname)
               for host in two_hosts.hosts]
    servers = [sdk.compute.wait_for_server(server, status='ACTIVE', wait=BOOT_TIMEOUT,
                                           interval=1)
               for server in created]
    pairs = zip(servers, two_hosts.hosts, reversed(two_hosts.hosts))
    for server, host, other in pairs:
        assert server.compute_host == host.hostname
        assert server.id in cloud.domain_uuids(host)
        assert server.id not in cloud.domain_uuids(other)
        cloud.wait(lambda: libvirt_cloud.BOOTED in cloud.console_file(server.id),
                   'the guest on %s to boot' % host.name)
        assert not (other.instances_dir / server.id).exists()
    for server in servers:
        sdk.compute.delete_server(server)
    for server in servers:
        sdk.compute.wait_for_delete(server, wait=60, interval=1)
    left = [cloud.domain_uuids(host) for host in two_hosts.hosts]
    assert not any(server.id in uuids for server in servers for uuids in left), left


def test_a_guest_on_a_network_gets_its_address_by_dhcp(cloud, two_hosts):
    """The host side of networking with a real guest (nova_compute/network):
    its NIC on the network's bridge in its host's namespace, dnsmasq there
    handing it its port's address (printed on its console); the bridge,
    dnsmasq and the firewall tables gone with the server."""
    host = two_hosts.hosts[0]
    cloud.hypervisors()
    image_id, _marker = cloud.upload_test_guest()
    sdk = cloud.deployment.sdk()
    flavor = sdk.compute.create_flavor(name='nth.net', ram=128, vcpus=1, disk=1)
    network = sdk.network.create_network(name='nth-net')
    sdk.network.create_subnet(network_id=network.id, ip_version=4, cidr='10.42.0.0/24')
    server = sdk.compute.create_server(name='nth-dhcp', image_id=image_id,
                                       flavor_id=flavor.id, networks=[{'uuid': network.id}],
                                       availability_zone='nova:%s' % host.hostname)
    server = sdk.compute.wait_for_server(server, status='ACTIVE', wait=BOOT_TIMEOUT,
                                         interval=1)
    [address] = [entry['addr'] for entry in server.addresses['nth-net']]
    cloud.wait(lambda: 'NOVA-TEST-GUEST-ADDRESS: %s' % address in cloud.console_file(server.id),
               'the guest to print its address %s' % address)
    bridge = 'brq' + network.id[:11]
    links = host.run('ip', '-o', 'link').stdout
    assert bridge in links
    assert 'nova_lite' in host.run('nft', 'list', 'tables').stdout

    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, wait=60, interval=1)
    cloud.wait(lambda: bridge not in host.run('ip', '-o', 'link').stdout,
               'the bridge of %s to go' % network.id, timeout=30)
    assert 'nova_lite' not in host.run('nft', 'list', 'tables').stdout
    assert not [line for line in subprocess.run(['ps', '-eo', 'args'], capture_output=True,
                                                text=True, check=True).stdout.splitlines()
                if line.startswith('dnsmasq') and network.id in line]
    sdk.network.delete_network(network)
    sdk.compute.delete_flavor(flavor)


def _public_key():
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives import serialization
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode() + ' nth-guestmeta'


# What the test guest prints once it has tried the metadata service, and
# once it has looked for a config drive (KEY comes after HOSTNAME).
TRIED_METADATA = re.compile(r'NOVA-TEST-GUEST-(METADATA-UUID|NO-METADATA)')
TRIED_CONFIG_DRIVE = re.compile(r'NOVA-TEST-GUEST-(KEY|NO-CONFIG-DRIVE)')


def _printed(console, *patterns):
    """``console`` (line ends normalised) once it matches every one of
    ``patterns``, else None."""
    console = console.replace('\r', '')
    if all(pattern.search(console) for pattern in patterns):
        return console
    return None


def test_guests_read_their_config_drive_and_their_own_metadata(cloud, two_hosts):
    """Issue 11 item 5 with real guests on the second host: one server with
    a config drive and a key pair prints its hostname and key from the
    drive; both print their own uuid, fetched from 169.254.169.254 through
    the network's metadata proxy (the route to it from DHCP option 121) and
    nova-metadata-api. The proxy goes with the network's last port."""
    host = two_hosts.hosts[1]
    cloud.hypervisors()
    image_id, _marker = cloud.upload_test_guest()
    sdk = cloud.deployment.sdk()
    flavor = sdk.compute.create_flavor(name='nth.meta', ram=128, vcpus=1, disk=1)
    public_key = _public_key()
    keypair = sdk.compute.create_keypair(name='nth-meta-key', public_key=public_key)
    network = sdk.network.create_network(name='nth-meta-net')
    sdk.network.create_subnet(network_id=network.id, ip_version=4, cidr='10.43.0.0/24')
    common = dict(image_id=image_id, flavor_id=flavor.id, networks=[{'uuid': network.id}],
                  availability_zone='nova:%s' % host.hostname)
    created = [sdk.compute.create_server(name='nth-meta', config_drive=True,
                                         key_name=keypair.name, **common),
               sdk.compute.create_server(name='nth-plain', **common)]
    servers = [sdk.compute.wait_for_server(server, status='ACTIVE', wait=BOOT_TIMEOUT,
                                           interval=1)
               for server in created]
    with_drive, plain = servers
    consoles = {}
    for server in servers:
        # Both lines come once the guest has tried the metadata service
        # and its CD-ROM, whatever it found.
        consoles[server.id] = cloud.wait(
            lambda: _printed(cloud.console_file(server.id), TRIED_METADATA,
                             TRIED_CONFIG_DRIVE),
            'the guest %s to try its metadata and its config drive' % server.name)
    for server in servers:
        console = consoles[server.id]
        assert 'NOVA-TEST-GUEST-METADATA-UUID: %s\n' % server.id in console, console
        other = plain if server is with_drive else with_drive
        assert other.id not in console, console
    assert 'NOVA-TEST-GUEST-HOSTNAME: nth-meta\n' in consoles[with_drive.id]
    assert 'NOVA-TEST-GUEST-KEY: %s\n' % public_key[:40] in consoles[with_drive.id]
    assert 'NOVA-TEST-GUEST-NO-CONFIG-DRIVE' in consoles[plain.id]
    assert 'NOVA-TEST-GUEST-HOSTNAME' not in consoles[plain.id]
    assert '169.254.169.254' in host.run('ss', '-ltn').stdout

    for server in servers:
        sdk.compute.delete_server(server)
    for server in servers:
        sdk.compute.wait_for_delete(server, wait=60, interval=1)
    cloud.wait(lambda: '169.254.169.254' not in host.run('ss', '-ltn').stdout,
               'the metadata proxy of %s to stop' % network.id, timeout=30)
    sdk.network.delete_network(network)
    sdk.compute.delete_keypair(keypair)
    sdk.compute.delete_flavor(flavor)


def test_down_removes_hosts_with_guests_and_processes_still_running(libvirt):
    images = libvirt_cloud.build_test_guest()
    with ns_hosts.running(1) as hosts:
        host = hosts.hosts[0]
        name = 'nth-left-%s' % uuid.uuid4().hex[:8]
        (host.instances_dir / name).mkdir()
        connection = libvirt.open(host.uri)
        try:
            connection.createXML(domain_xml(name, hosts.instances_path, images, disk=False))
        finally:
            connection.close()
        qemu = int((host.directory / 'run-libvirt' / 'qemu' / ('%s.pid' % name)).read_text())
        # As a nova-compute on the host: its mount namespace, the root netns.
        sleeper = subprocess.Popen(host.command('sleep', '600', network=False))
        pids = [host.pid_of('libvirtd'), host.pid_of('virtlogd'), qemu, sleeper.pid]
    assert sleeper.wait(timeout=30) is not None
    for pid in pids:
        assert not process_alive(pid), 'pid %d survived down' % pid
    assert hosts.leftovers() == []
    netns = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True,
                           check=True).stdout
    assert hosts.fabric_netns not in netns and host.netns not in netns


def test_failed_start_up_leaves_nothing():
    ns_hosts.require_tools()
    # The third octet is out of range: `ip addr add` fails after the fabric
    # and the first network namespace exist.
    hosts = ns_hosts.NsHosts(2, net='10.250.999')
    with pytest.raises(RuntimeError, match='up 2 failed'):
        hosts.up()
    assert hosts.leftovers() == []


def process_alive(pid):
    """Alive and not a zombie (PID 1 may be slow to reap)."""
    try:
        with open('/proc/%d/status' % pid) as status:
            return not re.search(r'^State:\s+Z', status.read(), re.M)
    except FileNotFoundError:
        return False
