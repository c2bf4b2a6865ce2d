"""The namespaced test hosts (tests/integration/ns_hosts.py,
tools/test-hosts.sh): isolated libvirtds, a live migration with non-shared
disks between two of them, and nothing left behind."""
import base64
import pathlib
import re
import subprocess
import time
import uuid

from openstack import connection as openstack_connection
import pytest

from nova_common.network import model
from tests.integration import harness
from tests.integration import libvirt_cloud
from tests.integration import ns_hosts
from tests.integration import shared_ns

pytestmark = pytest.mark.xdist_group(shared_ns.GROUP)

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


@pytest.fixture
def two_hosts(ns_two_hosts):
    return ns_two_hosts


@pytest.fixture
def cloud(ns_cloud):
    return ns_cloud


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
    assert _dnsmasq_argv(network.id) is None
    sdk.network.delete_network(network)
    sdk.compute.delete_flavor(flavor)


def _public_key(comment='nth-guestmeta'):
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives import serialization
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode() + ' ' + comment


# What the test guest prints once it has tried the metadata service, and
# once it has printed its hostname and key (META-SOURCE comes after them,
# whether they came from the config drive or the metadata service).
TRIED_METADATA = re.compile(r'NOVA-TEST-GUEST-(METADATA-UUID|NO-METADATA)')
TOLD_META_SOURCE = re.compile(r'NOVA-TEST-GUEST-META-SOURCE: ')
# Every line that tells a hostname, a key or where they came from.
TOLD_IDENTITY = re.compile(r'NOVA-TEST-GUEST-(?:HOSTNAME|KEY|META-SOURCE): [^\n]*')


def _printed(console, *patterns):
    """``console`` (line ends normalised) once it matches every one of
    ``patterns``, else None."""
    console = console.replace('\r', '')
    if all(pattern.search(console) for pattern in patterns):
        return console
    return None


def test_guests_read_their_config_drive_and_their_own_metadata(cloud, two_hosts):
    """Issue 11 item 5 with real guests on the second host, each with a key
    pair of its own: one server with a config drive prints its hostname and
    key from the drive, the other (no drive) from its meta_data.json; both
    print their own uuid, fetched from 169.254.169.254 through the
    network's metadata proxy (the route to it from DHCP option 121) and
    nova-metadata-api, and nothing of the other guest. The proxy goes with
    the network's last port."""
    host = two_hosts.hosts[1]
    cloud.hypervisors()
    image_id, _marker = cloud.upload_test_guest()
    sdk = cloud.deployment.sdk()
    flavor = sdk.compute.create_flavor(name='nth.meta', ram=128, vcpus=1, disk=1)
    # The guest prints a key's first 40 characters: they must tell the two apart.
    public_keys = [_public_key('nth-meta'), _public_key('nth-plain')]
    while public_keys[1][:40] == public_keys[0][:40]:
        public_keys[1] = _public_key('nth-plain')
    keypairs = [sdk.compute.create_keypair(name='nth-meta-key', public_key=public_keys[0]),
                sdk.compute.create_keypair(name='nth-plain-key', public_key=public_keys[1])]
    network = sdk.network.create_network(name='nth-meta-net')
    sdk.network.create_subnet(network_id=network.id, ip_version=4, cidr='10.43.0.0/24')
    common = dict(image_id=image_id, flavor_id=flavor.id, networks=[{'uuid': network.id}],
                  availability_zone='nova:%s' % host.hostname)
    created = [sdk.compute.create_server(name='nth-meta', config_drive=True,
                                         key_name=keypairs[0].name, **common),
               sdk.compute.create_server(name='nth-plain', key_name=keypairs[1].name,
                                         **common)]
    servers = [sdk.compute.wait_for_server(server, status='ACTIVE', wait=BOOT_TIMEOUT,
                                           interval=1)
               for server in created]
    with_drive, plain = servers
    consoles = {}
    for server in servers:
        # Both lines come once the guest has tried the metadata service
        # and told its hostname and key, whatever it found.
        consoles[server.id] = cloud.wait(
            lambda: _printed(cloud.console_file(server.id), TRIED_METADATA,
                             TOLD_META_SOURCE),
            'the guest %s to try its metadata and tell its hostname' % server.name)
    sources = {with_drive.id: 'config-drive', plain.id: 'metadata'}
    for server, public_key in zip(servers, public_keys):
        console = consoles[server.id]
        assert 'NOVA-TEST-GUEST-METADATA-UUID: %s\n' % server.id in console, console
        assert TOLD_IDENTITY.findall(console) == [
            'NOVA-TEST-GUEST-HOSTNAME: %s' % server.name,
            'NOVA-TEST-GUEST-KEY: %s' % public_key[:40],
            'NOVA-TEST-GUEST-META-SOURCE: %s' % sources[server.id]], console
        other, other_key = ((plain, public_keys[1]) if server is with_drive
                            else (with_drive, public_keys[0]))
        assert other.id not in console, console
        assert other_key[:40] not in console, console
        assert 'NOVA-TEST-GUEST-HOSTNAME: %s\n' % other.name not in console, console
    assert 'NOVA-TEST-GUEST-NO-CONFIG-DRIVE' in consoles[plain.id]
    assert '169.254.169.254' in host.run('ss', '-ltn').stdout

    for server in servers:
        sdk.compute.delete_server(server)
    for server in servers:
        sdk.compute.wait_for_delete(server, wait=60, interval=1)
    cloud.wait(lambda: '169.254.169.254' not in host.run('ss', '-ltn').stdout,
               'the metadata proxy of %s to stop' % network.id, timeout=30)
    sdk.network.delete_network(network)
    for keypair in keypairs:
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


# The test guest pings the addresses its user data names (NOVA-TEST-PING
# <address> <seconds>) and prints what came of each.
PING_RESULT = re.compile(r'NOVA-TEST-GUEST-PING-(OK|FAILED): (\S+)\n')
# Seconds a guest keeps pinging an address: long enough for a peer booting
# after it; a guest that is up answers the first ping, so an address that
# must not answer gets a shorter time.
PING_WAIT = 240
PING_WAIT_UNREACHABLE = 20


def _ping_user_data(*targets):
    """User data asking the test guest to ping each (address, seconds)."""
    return ''.join('NOVA-TEST-PING %s %d\n' % target for target in targets)


def _project_sdk(cloud, token):
    """openstacksdk as the noauth2 ``token`` (user:project)."""
    endpoint = cloud.deployment.endpoint
    return openstack_connection.Connection(
        auth_type='admin_token', auth={'endpoint': endpoint, 'token': token},
        compute_endpoint_override=cloud.deployment.compute_endpoint,
        image_endpoint_override=endpoint + '/image',
        network_endpoint_override=endpoint + '/network')


def _upload_test_guest(sdk, workdir):
    """The test guest's kernel, ramdisk and root disk uploaded through
    ``sdk`` (as libvirt_cloud.upload_test_guest does with the CLI): [root
    disk image, kernel, ramdisk]."""
    images = libvirt_cloud.build_test_guest()
    kernel = sdk.image.create_image('nth-kernel', filename=str(images / 'vmlinuz'),
                                    disk_format='aki', container_format='aki')
    ramdisk = sdk.image.create_image('nth-ramdisk', filename=str(images / 'initrd.img'),
                                     disk_format='ari', container_format='ari')
    disk = workdir / 'root.raw'
    disk.write_bytes(b'\0' * 1024 * 1024)
    root = sdk.image.create_image('nth-root', filename=str(disk), disk_format='raw',
                                  container_format='bare', kernel_id=kernel.id,
                                  ramdisk_id=ramdisk.id,
                                  os_command_line='console=ttyS0 no_timer_check')
    return [root, kernel, ramdisk]


def _create_server(sdk, name, image_id, flavor_id, network, user_data, host=None):
    """A server (not waited for) on ``network`` ({'uuid'} or {'port'}),
    on ``host`` when given."""
    attributes = dict(name=name, image_id=image_id, flavor_id=flavor_id, networks=[network],
                      user_data=base64.b64encode(user_data.encode()).decode())
    if host is not None:
        attributes['availability_zone'] = 'nova:%s' % host.hostname
    return sdk.compute.create_server(**attributes)


def _wait_for_address(cloud, server_id, address):
    cloud.wait(lambda: 'NOVA-TEST-GUEST-ADDRESS: %s' % address in cloud.console_file(server_id),
               'the guest %s to print its address %s' % (server_id, address))


def _address_of(sdk, server, network_name):
    server = sdk.compute.wait_for_server(server, status='ACTIVE', wait=BOOT_TIMEOUT,
                                         interval=1)
    [address] = [entry['addr'] for entry in server.addresses[network_name]]
    return address


def _ping_results(cloud, server_id, addresses):
    """{address: 'OK' or 'FAILED'} once the guest printed a result for
    each of ``addresses``."""
    def printed():
        console = cloud.console_file(server_id).replace('\r', '')
        found = {address: result for result, address in PING_RESULT.findall(console)}
        return set(addresses) <= set(found) and found
    return cloud.wait(printed, 'the guest %s to ping %s' % (server_id, ', '.join(addresses)),
                      timeout=BOOT_TIMEOUT + PING_WAIT)


def test_guests_reach_their_project_network_across_hosts_and_nothing_else(cloud, two_hosts,
                                                                          tmp_path):
    """Issue 11's Done-when, guest to guest (the steps it names with the
    ``openstack`` CLI): project A's vm1 on host1 and vm2 on host2 ping each
    other over their network's VXLAN segment between the hosts (both in
    the default security group, whose members may reach each other); vm2
    cannot ping vm3, on the same network and host but in a group that lets
    in only TCP 22; a server of project B, on a network of its own with
    the same CIDR, cannot ping vm1. Each unreachable guest is known to be
    up (it printed its address) before anyone pings it."""
    host1, host2 = two_hosts.hosts
    cloud.hypervisors()
    image_id = cloud.test_guest().image_id
    cli, sdk = cloud.cli, cloud.deployment.sdk()
    sdk_b = _project_sdk(cloud, 'user:projectB-%s' % harness.random_suffix())
    suffix = harness.random_suffix()
    network = 'nth-ping-a-%s' % suffix
    made = []  # (proxy, resource) to delete, the last made first
    servers = []
    try:
        flavor = sdk.compute.create_flavor(name='nth.ping-%s' % suffix, ram=128, vcpus=1, disk=1)
        made.append((sdk.compute.delete_flavor, flavor))
        network_id = cli.json('network', 'create', network)['id']
        made.append((sdk.network.delete_network, network_id))
        cli.run('subnet', 'create', '--network', network, '--subnet-range', '10.44.0.0/24',
                network + '-sub')
        # vm2's port is made first: vm1's host lets its address in (a member
        # of vm1's default group) from the start.
        port2 = sdk.network.create_port(network_id=network_id, name=network + '-vm2')
        made.append((sdk.network.delete_port, port2))
        ssh_only = sdk.network.create_security_group(name='nth-ssh-only-%s' % suffix)
        made.append((sdk.network.delete_security_group, ssh_only))
        sdk.network.create_security_group_rule(
            security_group_id=ssh_only.id, direction='ingress', ethertype='IPv4',
            protocol='tcp', port_range_min=22, port_range_max=22)
        port3 = sdk.network.create_port(network_id=network_id, name=network + '-vm3',
                                        security_group_ids=[ssh_only.id])
        made.append((sdk.network.delete_port, port3))
        vm2_address = port2.fixed_ips[0]['ip_address']
        vm3_address = port3.fixed_ips[0]['ip_address']
        keypair = sdk.compute.create_keypair(name='nth-ping-%s' % suffix,
                                             public_key=_public_key())
        made.append((sdk.compute.delete_keypair, keypair))

        vm3 = _create_server(sdk, 'nth-ping-vm3', image_id, flavor.id, {'port': port3.id},
                             '', host2)
        servers.append((sdk, vm3))
        user_data = tmp_path / 'vm1.txt'
        user_data.write_text(_ping_user_data((vm2_address, PING_WAIT)))
        vm1 = cli.json('server', 'create', '--image', image_id, '--flavor', flavor.id,
                       '--network', network, '--key-name', keypair.name,
                       '--user-data', user_data, '--availability-zone',
                       'nova:%s' % host1.hostname, '--wait', 'nth-ping-vm1')
        servers.append((sdk, sdk.compute.get_server(vm1['id'])))
        [vm1_address] = cli.json('server', 'show', vm1['id'])['addresses'][network]
        _wait_for_address(cloud, vm1['id'], vm1_address)
        _wait_for_address(cloud, vm3.id, _address_of(sdk, vm3, network))
        # The network's segment spans both hosts: a VXLAN device on its
        # bridge on each ([network] tunnel_local_ip).
        for host in (host1, host2):
            ports = host.run('ip', '-o', 'link', 'show', 'master',
                             model.bridge_name(network_id)).stdout
            assert 'vxlan-' in ports, (host.name, ports)

        # Project B: the same CIDR, so vm1's address is on its link too.
        network_b = sdk_b.network.create_network(name='nth-ping-b-%s' % suffix)
        made.append((sdk_b.network.delete_network, network_b))
        sdk_b.network.create_subnet(network_id=network_b.id, ip_version=4,
                                    cidr='10.44.0.0/24',
                                    allocation_pools=[{'start': '10.44.0.200',
                                                       'end': '10.44.0.250'}])
        images_b = _upload_test_guest(sdk_b, tmp_path)
        made.extend((sdk_b.image.delete_image, image) for image in reversed(images_b))

        vm2 = _create_server(sdk, 'nth-ping-vm2', image_id, flavor.id, {'port': port2.id},
                             _ping_user_data((vm1_address, PING_WAIT),
                                             (vm3_address, PING_WAIT_UNREACHABLE)), host2)
        servers.append((sdk, vm2))
        server_b = _create_server(sdk_b, 'nth-ping-b', images_b[0].id, flavor.id,
                                  {'uuid': network_b.id},
                                  _ping_user_data((vm1_address, PING_WAIT_UNREACHABLE)))
        servers.append((sdk_b, server_b))
        _wait_for_address(cloud, server_b.id, _address_of(sdk_b, server_b, network_b.name))

        assert _ping_results(cloud, vm2.id, [vm1_address, vm3_address]) == {
            vm1_address: 'OK', vm3_address: 'FAILED'}
        assert _ping_results(cloud, vm1['id'], [vm2_address]) == {vm2_address: 'OK'}
        assert _ping_results(cloud, server_b.id, [vm1_address]) == {vm1_address: 'FAILED'}
        placed = {server.name: sdk.compute.get_server(server.id).compute_host
                  for _proxy, server in servers[:3]}
        assert placed == {'nth-ping-vm1': host1.hostname, 'nth-ping-vm2': host2.hostname,
                          'nth-ping-vm3': host2.hostname}
    finally:
        for proxy, server in servers:
            proxy.compute.delete_server(server, ignore_missing=True)
        for proxy, server in servers:
            proxy.compute.wait_for_delete(server, wait=60, interval=1)
        for delete, resource in reversed(made):
            delete(resource, ignore_missing=True)


def _dnsmasq_argv(network_id):
    """The command line of the network's dnsmasq, None when none serves it
    (read from /proc: ``ps`` cuts long command lines to the terminal's
    width)."""
    for cmdline in pathlib.Path('/proc').glob('[0-9]*/cmdline'):
        try:
            argv = cmdline.read_bytes().decode(errors='replace').split('\0')
        except OSError:
            continue  # gone meanwhile
        if argv[0].endswith('dnsmasq') and network_id in ''.join(argv):
            return argv
    return None


def _dnsmasq_hosts(network_id):
    """The DHCP host file of the network's dnsmasq, '' when no dnsmasq
    serves the network."""
    argv = _dnsmasq_argv(network_id)
    if argv is None:
        return ''
    [path] = [arg.split('=', 1)[1] for arg in argv if arg.startswith('--dhcp-hostsfile=')]
    return pathlib.Path(path).read_text()


def test_a_hot_plugged_port_is_plumbed_on_its_host_and_unplumbed_after_its_detach(
        cloud, two_hosts):
    """os-interface on a real host (``openstack server add port`` /
    ``server remove port``): the port's tap on its network's bridge, its
    MAC and address in dnsmasq's host file, its rules in the firewall,
    all there when the attach returns; the bridge, dnsmasq and rules gone
    when the detach returns (the server's only port on that network)."""
    host = two_hosts.hosts[0]
    cloud.hypervisors()
    sdk = cloud.deployment.sdk()
    suffix = harness.random_suffix()
    flavor = sdk.compute.create_flavor(name='nth.hotplug-%s' % suffix, ram=128, vcpus=1,
                                       disk=1)
    network = sdk.network.create_network(name='nth-hotplug-%s' % suffix)
    sdk.network.create_subnet(network_id=network.id, ip_version=4, cidr='10.45.0.0/24')
    port = sdk.network.create_port(network_id=network.id)
    server = sdk.compute.create_server(name='nth-hotplug', image_id=cloud.test_guest().image_id,
                                       flavor_id=flavor.id, networks='none',
                                       availability_zone='nova:%s' % host.hostname)
    try:
        server = sdk.compute.wait_for_server(server, status='ACTIVE', wait=BOOT_TIMEOUT,
                                             interval=1)
        bridge, tap = model.bridge_name(network.id), model.device_name(port.id)

        cloud.cli.run('server', 'add', 'port', server.id, port.id)

        assert tap in host.run('ip', '-o', 'link', 'show', 'master', bridge).stdout
        assert '%s,%s' % (port.mac_address, port.fixed_ips[0]['ip_address']) in \
            _dnsmasq_hosts(network.id)
        ruleset = host.run('nft', 'list', 'ruleset').stdout
        assert tap in ruleset and port.mac_address in ruleset

        cloud.cli.run('server', 'remove', 'port', server.id, port.id)

        assert bridge not in host.run('ip', '-o', 'link').stdout
        assert _dnsmasq_hosts(network.id) == ''
        assert tap not in host.run('nft', 'list', 'ruleset').stdout
        assert sdk.network.get_port(port.id).device_id == ''
    finally:
        sdk.compute.delete_server(server, ignore_missing=True)
        sdk.compute.wait_for_delete(server, wait=60, interval=1)
        sdk.network.delete_port(port, ignore_missing=True)
        sdk.network.delete_network(network, ignore_missing=True)
        sdk.compute.delete_flavor(flavor, ignore_missing=True)
