"""The README's first command: ``nova-allinone`` as its own process on a
fresh data directory, driven by the ``openstack`` CLI through the
clouds.yaml entry it writes. With the fake driver: the services are up and
SIGTERM stops it. With libvirtd reachable, ``--driver auto`` picks libvirt
and a server from the test guest boots for real; and issue 11's walk: a
server on a network of the built-in network service gets its address by
DHCP and its metadata, with the host side in the all-in-one's own network
namespace, all of it gone once the server is deleted and the all-in-one
stops."""
import pathlib
import re
import subprocess
import urllib.request

import yaml

from tests.integration import harness
from tests.integration import libvirt_cloud


def start_allinone(workdir, driver, config=''):
    """The running all-in-one (with ``config`` as a config file's text)
    and the CLI of the cloud entry it wrote."""
    workdir = pathlib.Path(workdir)
    data_dir = workdir / 'data'
    port = harness.free_port()
    metadata_port = harness.free_port()
    log_path = workdir / 'nova-allinone.log'
    # The services log into the file that holds the all-in-one's output, so
    # a failure shows both.
    config_file = workdir / 'allinone.conf'
    config_file.write_text('[DEFAULT]\nlog_file = %s\n%s' % (log_path, config))
    command = [harness.console_script('nova-allinone'), '--data-dir', str(data_dir),
               '--port', str(port), '--metadata-port', str(metadata_port), '--driver', driver,
               '--config-file', str(config_file)]
    # HOME is the test's own: the entry also goes into ~/.config/openstack.
    daemon = harness.Daemon('nova-allinone', command, log_path,
                            env={'HOME': str(workdir)})
    endpoint = 'http://127.0.0.1:%d' % port
    harness.wait_for_api(endpoint, daemon, timeout=60)
    harness.wait_until(lambda: 'Stop with Ctrl-C.' in daemon.log_tail(), 30, [daemon],
                       what='the all-in-one to finish starting')
    clouds_yaml = data_dir / 'clouds.yaml'
    entry = yaml.safe_load(clouds_yaml.read_text())['clouds']['nova-allinone']
    assert entry['compute_endpoint_override'] == endpoint + '/v2.1'
    assert entry['network_endpoint_override'] == endpoint + '/network'
    assert (workdir / '.config' / 'openstack' / 'clouds.yaml').exists()
    # The metadata service runs too (its root, the EC2 versions, needs no proxy).
    with urllib.request.urlopen('http://127.0.0.1:%d/' % metadata_port, timeout=10) as answer:
        assert answer.read().decode().split('\n')[-1] == 'latest'
    return daemon, harness.OpenStackCLI(clouds_yaml, 'nova-allinone')


def test_allinone_with_the_fake_driver(tmp_path):
    daemon, cli = start_allinone(tmp_path, 'fake')
    try:
        assert 'Guests: fake driver' in daemon.log_tail()
        services = harness.wait_until(
            lambda: [row for row in cli.json('compute', 'service', 'list')
                     if row['State'] == 'up'], 30, [daemon], what='services up')
        assert {row['Binary'] for row in services} == {
            'nova-conductor', 'nova-scheduler', 'nova-compute'}
        flavors = {row['Name'] for row in cli.json('flavor', 'list')}
        assert {'m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge'} <= flavors
        # The built-in network service answers at the entry's network endpoint.
        assert cli.json('network', 'list') == []
    finally:
        assert daemon.stop() == 0


def test_allinone_boots_a_real_guest_when_libvirtd_answers(tmp_path):
    libvirt_cloud.require_libvirt()
    guest_images = libvirt_cloud.build_test_guest()
    prefix = 'aio%s-' % harness.random_suffix()
    daemon, cli = start_allinone(tmp_path, 'auto', 'instance_name_template = %s%%08x\n' % prefix)
    try:
        assert re.search(r'Guests: libvirt driver \(virt_type (qemu|kvm)\)', daemon.log_tail())
        image_id, _marker = libvirt_cloud.upload_test_guest(cli, guest_images, tmp_path)
        server = cli.json('server', 'create', '--image', image_id, '--flavor', 'm1.tiny',
                          '--nic', 'none', '--wait', 'aio-guest')
        assert server['status'] == 'ACTIVE'
        harness.wait_until(
            lambda: libvirt_cloud.BOOTED in cli.run('console', 'log', 'show',
                                                    server['id']).stdout,
            libvirt_cloud.BOOT_TIMEOUT, [daemon], what='the guest to print its boot line')
        assert len(libvirt_cloud.guests_named(prefix, running_only=True)) == 1
        cli.run('server', 'delete', '--wait', server['id'])
        assert libvirt_cloud.guests_named(prefix) == []
    finally:
        try:
            assert daemon.stop() == 0
        finally:
            libvirt_cloud.remove_guests(prefix)


GUEST_NETNS = re.compile(r'in network namespace (nova-aio-[0-9a-f]{8})')
# What the test guest prints once it has tried the metadata service, and
# once it has printed its hostname and key (META-SOURCE comes after them,
# whether they came from a config drive or the metadata service).
TRIED_METADATA = re.compile(r'NOVA-TEST-GUEST-(METADATA-UUID|NO-METADATA)')
TOLD_META_SOURCE = re.compile(r'NOVA-TEST-GUEST-META-SOURCE: ')


def _ip(*args, netns=None):
    """``ip`` output, in the root namespace or in ``netns``."""
    command = ['ip'] + (['-n', netns] if netns else []) + list(args)
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _namespaces():
    return _ip('netns', 'list').split()


def _dnsmasq_of(network_id):
    listing = subprocess.run(['ps', '-ww', '-eo', 'args'], capture_output=True, text=True,
                             check=True).stdout
    return [line for line in listing.splitlines()
            if line.startswith('dnsmasq') and network_id in line]


def _addresses(server, network):
    """The addresses ``server show -f json`` lists on ``network`` (a
    mapping in newer clients, 'net=a, b' text in older ones)."""
    shown = server['addresses']
    if isinstance(shown, dict):
        return shown.get(network, [])
    return [address.strip() for entry in shown.split(';')
            if entry.strip().startswith(network + '=')
            for address in entry.split('=', 1)[1].split(',')]


def _public_key():
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives import serialization
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode() + ' aio-k1'


def _printed(console, *patterns):
    """``console`` (line ends normalised) once it matches all ``patterns``."""
    console = console.replace('\r', '')
    return console if all(pattern.search(console) for pattern in patterns) else None


def _remove_namespace(name):
    """After a failed run: end what is left in the test's namespace, remove it."""
    if name not in _namespaces():
        return
    for pid in _ip('netns', 'pids', name).split():
        subprocess.run(['kill', pid], check=False)
    subprocess.run(['ip', 'netns', 'delete', name], check=False)


def test_allinone_networking_walk_with_libvirt(tmp_path):
    """Issue 11's Done-when in the all-in-one with libvirt, as a user types
    it: network create, subnet create, keypair create, server create
    --network --key-name --user-data --wait; server show lists the address;
    the console shows the same address (DHCP from the all-in-one's dnsmasq),
    the server's own uuid, hostname and key, all from 169.254.169.254
    through the network's metadata proxy and nova-metadata-api (no config
    drive). The host side lives in the all-in-one's network namespace: the
    subnet's addresses and the guest's tap are there, never in the root
    namespace."""
    libvirt_cloud.require_libvirt()
    guest_images = libvirt_cloud.build_test_guest()
    prefix = 'aionet%s-' % harness.random_suffix()
    daemon, cli = start_allinone(tmp_path, 'libvirt',
                                 'instance_name_template = %s%%08x\n' % prefix)
    netns = None
    try:
        found = GUEST_NETNS.search(daemon.log_tail(2000))
        assert found, daemon.log_tail(2000)
        netns = found.group(1)
        assert netns in _namespaces()
        image_id, _marker = libvirt_cloud.upload_test_guest(cli, guest_images, tmp_path)

        network = cli.json('network', 'create', 'net1')
        cli.json('subnet', 'create', '--network', 'net1', '--subnet-range', '10.42.0.0/24',
                 'sub1')
        public_key = _public_key()
        (tmp_path / 'k1.pub').write_text(public_key + '\n')
        cli.json('keypair', 'create', '--public-key', tmp_path / 'k1.pub', 'k1')
        (tmp_path / 'ud.txt').write_text('#!/bin/sh\necho user data of vm1\n')
        created = cli.json('server', 'create', '--image', image_id, '--flavor', 'm1.tiny',
                           '--network', 'net1', '--key-name', 'k1', '--user-data',
                           tmp_path / 'ud.txt', '--wait', 'vm1')
        assert created['status'] == 'ACTIVE'
        server = cli.json('server', 'show', 'vm1')
        [address] = _addresses(server, 'net1')
        assert address.startswith('10.42.0.')

        console = harness.wait_until(
            lambda: _printed(cli.run('console', 'log', 'show', 'vm1').stdout,
                             TRIED_METADATA, TOLD_META_SOURCE),
            libvirt_cloud.BOOT_TIMEOUT, [daemon],
            what='the guest to try its metadata and tell its hostname')
        assert 'NOVA-TEST-GUEST-ADDRESS: %s\n' % address in console, console
        assert 'NOVA-TEST-GUEST-METADATA-UUID: %s\n' % server['id'] in console, console
        assert 'NOVA-TEST-GUEST-HOSTNAME: vm1\n' in console, console
        assert 'NOVA-TEST-GUEST-KEY: %s\n' % public_key[:40] in console, console
        assert 'NOVA-TEST-GUEST-META-SOURCE: metadata\n' in console, console

        # The host side: in the namespace, not in the root one.
        [port] = cli.json('port', 'list', '--device-id', server['id'])
        tap = 'tap' + port['ID'][:11]
        bridge = 'brq' + network['id'][:11]
        assert '10.42.0.' in _ip('-o', 'addr', netns=netns)
        assert '10.42.0.' not in _ip('-o', 'addr')
        inside = _ip('-o', 'link', netns=netns)
        assert tap in inside and bridge in inside and 'master %s' % bridge in inside
        assert tap not in _ip('-o', 'link') and bridge not in _ip('-o', 'link')
        assert _dnsmasq_of(network['id'])

        cli.run('server', 'delete', '--wait', 'vm1')
        assert libvirt_cloud.guests_named(prefix) == []
        harness.wait_until(lambda: bridge not in _ip('-o', 'link', netns=netns), 30, [daemon],
                           what='the bridge of net1 to go')
        assert tap not in _ip('-o', 'link', netns=netns)
        assert not _dnsmasq_of(network['id'])
        assert 'nova_lite' not in subprocess.run(
            ['ip', 'netns', 'exec', netns, 'nft', 'list', 'tables'], capture_output=True,
            text=True, check=True).stdout
    finally:
        try:
            stopped = daemon.stop()
        finally:
            libvirt_cloud.remove_guests(prefix)
            left_behind = bool(netns) and netns in _namespaces()
            if left_behind:
                _remove_namespace(netns)
    # Nothing of it is left once the all-in-one has stopped.
    assert stopped == 0
    assert 'Removed network namespace %s' % netns in daemon.log_tail()
    assert not left_behind
    assert tap not in _ip('-o', 'link')
