"""The host side of networking for real, inside network namespaces this
test makes: a "host" namespace where nova_compute.network plumbs (bridge,
dnsmasq, nftables), and "guest" namespaces each holding the far end of a
veth pair named as the port's tap, with the port's MAC. Nothing touches
the root namespace's interfaces; everything is removed afterwards.
"""
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest

from nova_common.conf import CONF
from nova_common.network import model
from nova_compute.network import dhcp
from nova_compute.network import metadata_proxies
from nova_compute.network import metadata_proxy
from nova_compute.network import plumbing
from nova_compute.network import runner as runner_lib
from tests.integration import harness

NETWORK_ID = '5e0c6a2b-7d7e-4a53-9a2c-1f2e3d4c5b6a'
SUBNET_ID = '9b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b'
DEFAULT_GROUP = 'a1a1a1a1-0000-4000-8000-000000000001'
WEB_GROUP = 'b2b2b2b2-0000-4000-8000-000000000002'
DHCP_SERVER = '10.42.0.2'
UDHCPC_SCRIPT = """#!/bin/sh
case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface" ;;
esac
exit 0
"""


# The test guest's (tools/build-test-image.sh): option 121's routes.
ROUTES_UDHCPC_SCRIPT = """#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface"
    set -- $staticroutes
    while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface"; shift 2; done ;;
esac
exit 0
"""


def _tools_present():
    return all(shutil.which(tool) for tool in ('ip', 'nft', 'dnsmasq', 'busybox'))


def _network():
    return {'id': NETWORK_ID, 'label': 'net1', 'mtu': 1500,
            'bridge': model.bridge_name(NETWORK_ID),
            'segmentation': {'type': 'vxlan', 'id': model.vni(NETWORK_ID)},
            'subnets': [{'id': SUBNET_ID, 'cidr': '10.42.0.0/24', 'version': 4,
                         'gateway': '10.42.0.1', 'dns': [], 'enable_dhcp': True,
                         'dhcp_server': DHCP_SERVER}]}


DEFAULT_RULES = [
    {'direction': 'egress', 'ethertype': 'IPv4', 'protocol': None, 'port_range_min': None,
     'port_range_max': None, 'remote_ip_prefix': None, 'remote_group_id': None},
    {'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': None, 'port_range_min': None,
     'port_range_max': None, 'remote_ip_prefix': None, 'remote_group_id': DEFAULT_GROUP},
]
WEB_RULES = [
    {'direction': 'egress', 'ethertype': 'IPv4', 'protocol': None, 'port_range_min': None,
     'port_range_max': None, 'remote_ip_prefix': None, 'remote_group_id': None},
    {'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp', 'port_range_min': 8080,
     'port_range_max': 8080, 'remote_ip_prefix': '10.42.0.0/24', 'remote_group_id': None},
]


def _vif(port_id, mac, address, group_id, rules, members):
    return {'id': port_id, 'address': mac, 'devname': model.device_name(port_id),
            'hostname': model.hostname_for(address), 'port_security_enabled': True,
            'fixed_ips': [{'subnet_id': SUBNET_ID, 'ip_address': address}],
            'network': _network(),
            'security_groups': [{'id': group_id, 'rules': rules}],
            'remote_groups': {DEFAULT_GROUP: members} if group_id == DEFAULT_GROUP else {}}


class Namespaces:
    """The namespaces of one test, all deleted by ``remove``."""

    def __init__(self):
        self.tag = uuid.uuid4().hex[:6]
        self.names = []

    def add(self, role):
        name = 'nlhn-%s-%s' % (role, self.tag)
        subprocess.run(['ip', 'netns', 'add', name], check=True)
        self.names.append(name)
        subprocess.run(['ip', '-n', name, 'link', 'set', 'lo', 'up'], check=True)
        return name

    def remove(self):
        for name in reversed(self.names):
            subprocess.run(['ip', 'netns', 'del', name], check=False)


def _run(namespace, *argv, timeout=15):
    return subprocess.run(['ip', 'netns', 'exec', namespace] + list(argv),
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def host(tmp_path):
    harness.require(os.geteuid() == 0 and _tools_present(),
                    'root with ip, nft, dnsmasq and busybox (Makefile DEB_PACKAGES)')
    namespaces = Namespaces()
    host_ns = namespaces.add('host')
    # dnsmasq drops to its unprivileged user, which must reach its files
    # (pytest's tmp_path is private to root).
    state_path = tempfile.mkdtemp(prefix='nlhn-state-')
    os.chmod(state_path, 0o755)
    networking = plumbing.HostNetworking(runner_lib.Runner(host_ns), state_path)
    script = tmp_path / 'udhcpc.sh'
    script.write_text(UDHCPC_SCRIPT)
    script.chmod(0o755)
    try:
        yield networking, namespaces, host_ns, str(script)
    finally:
        for instance_uuid in list(networking.plugged()):
            try:
                networking.unplug(instance_uuid)
            except Exception:  # noqa: BLE001 - the namespaces go all the same
                pass
        dhcp.stop(state_path, NETWORK_ID)
        namespaces.remove()
        shutil.rmtree(state_path, ignore_errors=True)


def _guest(namespaces, host_ns, role, vif):
    """A guest namespace whose eth0 is the far end of the port's tap."""
    guest = namespaces.add(role)
    subprocess.run(['ip', '-n', host_ns, 'link', 'add', vif['devname'], 'type', 'veth',
                    'peer', 'name', 'eth0', 'netns', guest], check=True)
    subprocess.run(['ip', '-n', guest, 'link', 'set', 'eth0', 'address', vif['address'],
                    'up'], check=True)
    return guest


def _dhcp(guest, script):
    return _run(guest, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '3',
                '-T', '1', '-A', '1', '-s', script)


def _address_of(guest):
    return _run(guest, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0').stdout


def _ping(guest, address, source=None):
    argv = ['busybox', 'ping', '-c', '1', '-W', '1']
    if source:
        argv += ['-I', source]
    return _run(guest, *(argv + [address])).returncode == 0


def _tcp_open(guest, address, port):
    return _run(guest, 'busybox', 'nc', '-w', '2', address, str(port),
                timeout=10).returncode == 0


def test_dhcp_antispoofing_security_groups_and_removal(host):
    networking, namespaces, host_ns, script = host
    vif_a = _vif(str(uuid.uuid4()), 'fa:16:3e:00:00:0a', '10.42.0.10', DEFAULT_GROUP,
                 DEFAULT_RULES, ['10.42.0.10', '10.42.0.11'])
    vif_b = _vif(str(uuid.uuid4()), 'fa:16:3e:00:00:0b', '10.42.0.11', DEFAULT_GROUP,
                 DEFAULT_RULES, ['10.42.0.10', '10.42.0.11'])
    vif_web = _vif(str(uuid.uuid4()), 'fa:16:3e:00:00:0c', '10.42.0.12', WEB_GROUP,
                   WEB_RULES, [])
    guest_a = _guest(namespaces, host_ns, 'ga', vif_a)
    guest_b = _guest(namespaces, host_ns, 'gb', vif_b)
    guest_web = _guest(namespaces, host_ns, 'gw', vif_web)
    networking.plug('instance-a', [vif_a])
    networking.plug('instance-b', [vif_b])
    networking.plug('instance-web', [vif_web])

    # Each known MAC gets its port's address from dnsmasq.
    for guest, address in ((guest_a, '10.42.0.10'), (guest_b, '10.42.0.11'),
                           (guest_web, '10.42.0.12')):
        result = _dhcp(guest, script)
        assert result.returncode == 0, result.stderr
        assert '%s/24' % address in _address_of(guest)

    # An unknown MAC on the bridge gets nothing.
    stranger = namespaces.add('gx')
    subprocess.run(['ip', '-n', host_ns, 'link', 'add', 'tapstranger', 'type', 'veth',
                    'peer', 'name', 'eth0', 'netns', stranger], check=True)
    subprocess.run(['ip', '-n', stranger, 'link', 'set', 'eth0', 'address',
                    'fa:16:3e:00:00:99', 'up'], check=True)
    subprocess.run(['ip', '-n', host_ns, 'link', 'set', 'tapstranger', 'master',
                    vif_a['network']['bridge'], 'up'], check=True)
    assert _dhcp(stranger, script).returncode != 0
    assert '10.42.' not in _address_of(stranger)

    # Same default group: allowed both ways.
    assert _ping(guest_a, '10.42.0.11')
    assert _ping(guest_b, '10.42.0.10')
    # The web group lets in TCP 8080 only (stateful: the answers come back).
    listener = subprocess.Popen(['ip', 'netns', 'exec', guest_web, 'busybox', 'nc', '-l',
                                 '-p', '8080'], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        assert _eventually(lambda: _tcp_open(guest_a, '10.42.0.12', 8080))
    finally:
        listener.kill()
        listener.wait()
    listener = subprocess.Popen(['ip', 'netns', 'exec', guest_web, 'busybox', 'nc', '-l',
                                 '-p', '8081'], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        assert not _tcp_open(guest_a, '10.42.0.12', 8081)
    finally:
        listener.kill()
        listener.wait()
    assert not _ping(guest_a, '10.42.0.12')
    # The web guest is not in the default group: the default guests refuse it.
    assert not _ping(guest_web, '10.42.0.10')

    # Spoofing: another source address, then another MAC, are dropped.
    subprocess.run(['ip', '-n', guest_a, 'addr', 'add', '10.42.0.99/24', 'dev', 'eth0'],
                   check=True)
    assert not _ping(guest_a, '10.42.0.11', source='10.42.0.99')
    assert _ping(guest_a, '10.42.0.11', source='10.42.0.10')
    subprocess.run(['ip', '-n', guest_a, 'link', 'set', 'eth0', 'address',
                    'fa:16:3e:00:00:77'], check=True)
    subprocess.run(['ip', '-n', guest_b, 'neigh', 'flush', 'all'], check=True)
    assert not _ping(guest_a, '10.42.0.11', source='10.42.0.10')

    # Removal: the last port takes the bridge, dnsmasq and the tables along.
    directory = dhcp.network_dir(networking.state_path, NETWORK_ID)
    pid = dhcp.running_pid(directory)
    assert pid is not None
    for instance_uuid in ('instance-a', 'instance-b'):
        networking.unplug(instance_uuid)
    assert '10.42.0.10' not in open(os.path.join(directory, dhcp.HOST_FILE)).read()
    networking.unplug('instance-web')
    networking.runner.run(['ip', 'link', 'del', 'tapstranger'], check=False)
    assert not os.path.exists('/proc/%d' % pid)
    links = _run(host_ns, 'ip', '-o', 'link').stdout
    assert vif_a['network']['bridge'] not in links
    assert vif_a['devname'] not in links
    tables = _run(host_ns, 'nft', 'list', 'tables').stdout
    assert CONF.network.firewall_table not in tables


def _eventually(probe, attempts=10):
    """True once ``probe()`` is (the listener takes a moment to start)."""
    for _ in range(attempts):
        if probe():
            return True
        time.sleep(0.2)
    return False


def test_vxlan_joins_the_bridges_of_two_hosts(host):
    """Two "hosts" (namespaces joined by a veth pair, their tunnel
    addresses on it) each plumb one guest of the network: the guests get
    their addresses from their own host's dnsmasq and reach each other
    through the VXLAN devices."""
    first, namespaces, first_ns, script = host
    second_ns = namespaces.add('host2')
    second = plumbing.HostNetworking(runner_lib.Runner(second_ns),
                                     first.state_path + '-host2')
    subprocess.run(['ip', '-n', first_ns, 'link', 'add', 'underlay', 'type', 'veth', 'peer',
                    'name', 'underlay', 'netns', second_ns], check=True)
    for namespace, address in ((first_ns, '192.0.2.1/24'), (second_ns, '192.0.2.2/24')):
        subprocess.run(['ip', '-n', namespace, 'addr', 'add', address, 'dev', 'underlay'],
                       check=True)
        subprocess.run(['ip', '-n', namespace, 'link', 'set', 'underlay', 'up'], check=True)
    members = ['10.42.0.10', '10.42.0.11']
    vif_a = _vif(str(uuid.uuid4()), 'fa:16:3e:00:01:0a', '10.42.0.10', DEFAULT_GROUP,
                 DEFAULT_RULES, members)
    vif_b = _vif(str(uuid.uuid4()), 'fa:16:3e:00:01:0b', '10.42.0.11', DEFAULT_GROUP,
                 DEFAULT_RULES, members)
    # Each host has its own DHCP port on the network.
    vif_b['network']['subnets'][0]['dhcp_server'] = '10.42.0.3'
    guest_a = _guest(namespaces, first_ns, 'va', vif_a)
    guest_b = _guest(namespaces, second_ns, 'vb', vif_b)
    try:
        for networking, vif, tunnel_ip in ((first, vif_a, '192.0.2.1'),
                                           (second, vif_b, '192.0.2.2')):
            CONF.set_override('tunnel_local_ip', tunnel_ip, group='network')
            networking.plug('instance-%s' % vif['id'], [vif])
        for guest, address in ((guest_a, '10.42.0.10'), (guest_b, '10.42.0.11')):
            result = _dhcp(guest, script)
            assert result.returncode == 0, result.stderr
            assert '%s/24' % address in _address_of(guest)
        assert _ping(guest_a, '10.42.0.11')
        assert _ping(guest_b, '10.42.0.10')
        vxlan = 'vxlan-%d' % model.vni(NETWORK_ID)
        assert vxlan in _run(second_ns, 'ip', '-o', 'link').stdout
        second.unplug('instance-%s' % vif_b['id'])
        assert vxlan not in _run(second_ns, 'ip', '-o', 'link').stdout
        assert not _ping(guest_a, '10.42.0.11')
    finally:
        CONF.clear_override('tunnel_local_ip', group='network')
        for instance_uuid in list(second.plugged()):
            second.unplug(instance_uuid)
        dhcp.stop(second.state_path, NETWORK_ID)
        shutil.rmtree(second.state_path, ignore_errors=True)


def test_a_guest_reaches_its_networks_metadata_proxy_by_the_dhcp_route(host, tmp_path):
    """DHCP offers the route to 169.254.169.254 via the DHCP port (option
    121); the network's proxy listens there on the bridge and is asked by
    the guest's address; the firewall lets the guest reach nothing else on
    the host; the proxy stops with the network's last port."""
    fixture_networking, namespaces, host_ns, _script = host
    asked = []

    def lookup(network_id, address):
        asked.append((network_id, address))
        return None  # no such server: the proxy answers 404

    proxies = metadata_proxies.ProxyRegistry(
        lambda network, namespace: metadata_proxy.MetadataProxy(
            network['id'], lookup, namespace=namespace, device=network['bridge'],
            secret='s'))
    networking = plumbing.HostNetworking(fixture_networking.runner,
                                         fixture_networking.state_path, proxies=proxies)
    script = tmp_path / 'udhcpc-routes.sh'
    script.write_text(ROUTES_UDHCPC_SCRIPT)
    script.chmod(0o755)
    vif = _vif(str(uuid.uuid4()), 'fa:16:3e:00:00:0d', '10.42.0.13', DEFAULT_GROUP,
               DEFAULT_RULES, ['10.42.0.13'])
    guest = _guest(namespaces, host_ns, 'gm', vif)
    networking.plug('instance-m', [vif])
    listener = subprocess.Popen(['ip', 'netns', 'exec', host_ns, 'busybox', 'nc', '-l',
                                 '-p', '8082'], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        result = _run(guest, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '3',
                      '-T', '1', '-A', '1', '-O', 'staticroutes', '-s', str(script))
        assert result.returncode == 0, result.stderr
        routes = _run(guest, 'ip', 'route').stdout
        assert '169.254.169.254 via %s dev eth0' % DHCP_SERVER in routes, routes
        assert 'default via 10.42.0.1 dev eth0' in routes, routes
        # busybox wget: exit 1 and the status on stderr for a 404.
        answer = _run(guest, 'busybox', 'wget', '-O', '-', 'http://169.254.169.254/openstack')
        assert '404 Not Found' in answer.stderr, answer.stderr
        assert asked == [(NETWORK_ID, '10.42.0.13')]
        # Only the proxy and DHCP: another port of the host stays closed.
        assert '169.254.169.254%' in _run(host_ns, 'ss', '-ltn').stdout
        assert _eventually(lambda: ':8082 ' in _run(host_ns, 'ss', '-ltn').stdout)
        assert not _tcp_open(guest, DHCP_SERVER, 8082)
        assert not _tcp_open(guest, '169.254.169.254', 8082)
    finally:
        listener.kill()
        listener.wait()
        networking.unplug('instance-m')
        proxies.stop_all()
    assert proxies.networks(host_ns) == set()
    assert '169.254.169.254' not in _run(host_ns, 'ss', '-ltn').stdout
