"""nova-allinone: the whole cloud in one process, for a laptop or a demo.

API, conductor, scheduler and one compute share the in-process transport;
the API database, cell0 and cell1 are SQLite files in one data directory.
It bootstraps itself (schemas, cells, default flavors), writes a
``clouds.yaml`` entry and serves until SIGTERM or Ctrl-C.
"""
import argparse
import os
import secrets
import signal
import threading

import yaml

from nova_common.cmd import allinone_netns
from nova_common.cmd import common

CLOUD_NAME = 'nova-allinone'
IN_PROCESS_TRANSPORT = 'fake:/'

def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(prog='nova-allinone', description=__doc__.splitlines()[0])
    parser.add_argument('--data-dir', default=os.path.expanduser('~/.local/share/nova-allinone'),
                        help='where the databases, logs and clouds.yaml live')
    parser.add_argument('--port', type=int, default=8774, help='API port (default 8774)')
    parser.add_argument('--host', default='127.0.0.1', help='API listen address')
    parser.add_argument('--metadata-port', type=int, default=8775,
                        help='port of the metadata service (nova-metadata-api) on the '
                             'API listen address (default 8775; 0: any free port)')
    parser.add_argument('--driver', choices=['auto', 'fake', 'libvirt'], default='auto',
                        help='virt driver of the compute service: libvirt boots real '
                             'guests; auto (the default) picks libvirt when libvirtd '
                             'answers, else the fake driver')
    parser.add_argument('--config-file', action='append', default=[],
                        help='extra nova.conf files, read before the all-in-one settings')
    return parser.parse_args(argv)


def _sqlite(data_dir, name):
    return 'sqlite:///%s' % os.path.join(data_dir, name + '.db')


def libvirt_reachable(uri):
    """Whether libvirt-python is installed and ``uri`` opens."""
    try:
        import libvirt
    except ImportError:
        return False
    libvirt.registerErrorHandler(lambda *_: None, None)
    try:
        libvirt.open(uri).close()
    except libvirt.libvirtError:
        return False
    return True


def kvm_usable():
    """Whether guests can run under KVM: /dev/kvm is ours and the CPU has
    hardware virtualisation. (Some nested hosts offer a /dev/kvm whose
    guests never run; their CPUs show neither vmx nor svm.)"""
    if not os.access('/dev/kvm', os.R_OK | os.W_OK):
        return False
    try:
        with open('/proc/cpuinfo') as cpuinfo:
            flags = {flag for line in cpuinfo if line.startswith('flags')
                     for flag in line.split(':', 1)[1].split()}
    except OSError:
        return False
    return bool(flags & {'vmx', 'svm'})


def choose_driver(requested, uri):
    if requested != 'auto':
        return requested
    return 'libvirt' if libvirt_reachable(uri) else 'fake'


def configure(args):
    """Parse extra config files, then pin what the all-in-one needs."""
    from nova_common import config
    from nova_common.conf import CONF
    argv = []
    for path in args.config_file:
        argv += ['--config-file', path]
    config.parse_args(argv)
    os.makedirs(args.data_dir, exist_ok=True)
    args.driver = choose_driver(args.driver, CONF.libvirt.connection_uri)
    if args.driver == 'libvirt' and not kvm_usable():
        CONF.set_override('virt_type', 'qemu', group='libvirt')
    overrides = [
        ('transport_url', IN_PROCESS_TRANSPORT, None),
        ('state_path', args.data_dir, None),
        ('compute_driver', args.driver, None),
        ('osapi_compute_listen', args.host, None),
        ('osapi_compute_listen_port', args.port, None),
        ('connection', _sqlite(args.data_dir, 'nova_api'), 'api_database'),
        ('connection', _sqlite(args.data_dir, 'nova_cell1'), 'database'),
        ('backend', 'local', 'image'),
        ('auth_strategy', 'noauth2', 'api'),
        ('noauth2_default_admin', True, 'api'),
    ]
    for name, value, group in overrides:
        CONF.set_override(name, value, group=group)
    if not CONF.log_file and not CONF.log_dir:
        CONF.set_override('log_file', os.path.join(args.data_dir, 'nova-allinone.log'))
    config.setup_logging('nova-allinone')
    args.guest_netns = guest_network_namespace(args)


def guest_network_namespace(args):
    """With the libvirt driver: make the all-in-one's guest network
    namespace and point the host side of networking at it
    (allinone_netns.py). None without the libvirt driver or host
    plumbing, or when the operator chose [network] host_netns."""
    from nova_common.conf import CONF
    if args.driver != 'libvirt' or not CONF.network.plug_vifs or CONF.network.host_netns:
        return None
    name = allinone_netns.name_for(args.data_dir)
    try:
        allinone_netns.create(name)
    except (allinone_netns.NamespaceError, OSError) as error:
        print('Guest networking is off: making network namespace %s failed (%s); guests '
              'get their NICs, but no DHCP or metadata service' % (name, error), flush=True)
        CONF.set_override('plug_vifs', False, group='network')
        return None
    CONF.set_override('host_netns', name, group='network')
    CONF.set_override('move_taps_to_netns', True, group='network')
    if (not CONF.network.dnsmasq_user
            and allinone_netns.closed_to_others(CONF.network.host_state_path)):
        CONF.set_override('dnsmasq_user', allinone_netns.own_user(), group='network')
    return name


def release_guest_network_namespace(name):
    """At exit: the all-in-one's namespace removed unless guests still
    have ports plugged there."""
    from nova_common.conf import CONF
    from nova_compute import vifs
    try:
        plugged = vifs.host_networking().plugged()
        removed = allinone_netns.remove_when_unused(name, plugged,
                                                    CONF.network.host_state_path)
    except Exception as error:  # noqa: BLE001 - at exit: say what is left, exit cleanly
        print('Removing network namespace %s failed (remove it with `ip netns delete %s` '
              'once no guest uses it): %s' % (name, name, error), flush=True)
        return
    if removed:
        print('Removed network namespace %s' % name, flush=True)
    elif plugged:
        print('Kept network namespace %s: %d server(s) still have ports there'
              % (name, len(plugged)), flush=True)


def bootstrap(data_dir):
    """Schemas, cell0 and cell1 mappings and the default flavors; each step
    is skipped when already done, so restarting keeps the data."""
    from nova_common.conf import CONF
    from nova_common import context as nova_context
    from nova_common.db.api import cells
    from nova_common.db import migration
    from nova_common import default_flavors

    cell0_url = _sqlite(data_dir, 'nova_cell0')
    migration.upgrade(migration.API, CONF.api_database.connection)
    migration.upgrade(migration.MAIN, cell0_url)
    migration.upgrade(migration.MAIN, CONF.database.connection)
    context = nova_context.get_admin_context()
    if cells.get_cell_by_name(context, 'cell0') is None:
        cells.create_cell(context, 'cell0', cell0_url, 'none:///', uuid=cells.CELL0_UUID)
    if cells.get_cell_by_name(context, 'cell1') is None:
        cells.create_cell(context, 'cell1', CONF.database.connection, IN_PROCESS_TRANSPORT)
    default_flavors.create_missing(context)


def map_own_host(host):
    """Map this host to cell1 (what ``nova-manage cell_v2 discover_hosts``
    does for a multi-host cloud)."""
    from nova_common import context as nova_context
    from nova_common.db.api import cells
    context = nova_context.get_admin_context()
    cells.map_host(context, host, cells.get_cell_by_name(context, 'cell1')['uuid'])


def write_clouds_yaml(data_dir, endpoint):
    """Write the cloud entry beside the data and into the user's
    clouds.yaml (only the ``nova-allinone`` entry is replaced there)."""
    # With auth_type none the CLI still discovers an identity version; the
    # API root answers that discovery.
    entry = {'auth_type': 'none',
             'compute_endpoint_override': endpoint + '/v2.1',
             'image_endpoint_override': endpoint + '/image',
             'network_endpoint_override': endpoint + '/network',
             'identity_endpoint_override': endpoint + '/',
             'identity_api_version': '3',
             'region_name': 'RegionOne'}
    written = []
    user_file = os.path.expanduser('~/.config/openstack/clouds.yaml')
    for path in (os.path.join(data_dir, 'clouds.yaml'), user_file):
        document = {}
        if os.path.exists(path):
            with open(path) as handle:
                document = yaml.safe_load(handle) or {}
        document.setdefault('clouds', {})[CLOUD_NAME] = entry
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as handle:
            yaml.safe_dump(document, handle, default_flow_style=False)
        written.append(path)
    return written


def serve_metadata(host, port):
    """nova-metadata-api in this process. Its proxies run here too, so
    a secret of this run signs their requests unless one is configured."""
    from nova_common.cmd import metadata_api
    from nova_common.conf import CONF
    if not CONF.metadata.metadata_proxy_shared_secret:
        CONF.set_override('metadata_proxy_shared_secret', secrets.token_hex(32),
                          group='metadata')
    server = metadata_api.serve(host, port)
    CONF.set_override('metadata_url', 'http://%s:%d' % (host, server.server_port),
                      group='metadata')
    return server


def main(argv=None):
    args = parse_arguments(argv)
    common.use_threading_backend()
    configure(args)
    from nova_api import app
    from nova_common.cmd import api as api_cmd
    from nova_common.cmd import compute as compute_cmd
    from nova_common.cmd import conductor as conductor_cmd
    from nova_common.cmd import scheduler as scheduler_cmd
    from nova_common.conf import CONF
    from nova_common import service as service_lib

    bootstrap(args.data_dir)
    map_own_host(CONF.host)
    common.start_metrics('nova-allinone', cloud=True)
    services = [conductor_cmd.build_service(), scheduler_cmd.build_service(),
                compute_cmd.build_service()]
    for service in services:
        service.start()
    server = api_cmd.serve(app.build(), args.host, args.port)
    metadata_server = serve_metadata(args.host, args.metadata_port)
    endpoint = 'http://%s:%d' % (args.host, server.server_port)
    clouds = write_clouds_yaml(args.data_dir, endpoint)
    print('nova-allinone is running: compute API at %s/v2.1' % endpoint)
    print('Guests: %s driver%s' % (CONF.compute_driver, ' (virt_type %s)' % CONF.libvirt.virt_type
                                   if CONF.compute_driver == 'libvirt' else ''))
    print('Metadata service at http://%s:%d/ (for the metadata proxies)'
          % (args.host, metadata_server.server_port))
    if args.guest_netns:
        print('Guest networks (bridges, dnsmasq, firewall, metadata proxies) in network '
              'namespace %s' % args.guest_netns)
    print('Data and logs: %s' % args.data_dir)
    print('clouds.yaml entry "%s" written to: %s' % (CLOUD_NAME, ', '.join(clouds)))
    print('Try:  openstack --os-cloud %s compute service list' % CLOUD_NAME)
    print('      openstack --os-cloud %s flavor list' % CLOUD_NAME)
    print('      openstack --os-cloud %s image create --file DISK --disk-format qcow2 IMAGE'
          % CLOUD_NAME)
    print('      openstack --os-cloud %s server create --image IMAGE --flavor m1.tiny '
          '--nic none --wait VM' % CLOUD_NAME)
    print('      openstack --os-cloud %s network create NET; openstack --os-cloud %s subnet '
          'create --network NET --subnet-range 10.42.0.0/24 SUBNET' % (CLOUD_NAME, CLOUD_NAME))
    print('Stop with Ctrl-C.', flush=True)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    service_lib.shutdown(services, first=[server.stop, metadata_server.stop])
    if args.guest_netns:
        release_guest_network_namespace(args.guest_netns)
