"""The README's first command: ``nova-allinone`` as its own process on a
fresh data directory, driven by the ``openstack`` CLI through the
clouds.yaml entry it writes. With the fake driver: the services are up and
SIGTERM stops it. With libvirtd reachable, ``--driver auto`` picks libvirt
and a server from the test guest boots for real."""
import pathlib
import re
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
