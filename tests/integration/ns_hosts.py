"""Two or three hypervisor hosts on this one machine, for the tests that move
servers between hosts.

``tools/test-hosts.sh`` does the work (a person runs it the same way:
``tools/test-hosts.sh up 2`` ... ``tools/test-hosts.sh down``); this module
runs it with a base directory and a name prefix of its own, so that test
sessions never share hosts, and always runs ``down`` afterwards, also when
start-up failed half-way.

Each host is a network namespace, a mount namespace and a UTS namespace:

- its own virtlogd and libvirtd (``/run/libvirt``, ``/var/lib/libvirt``,
  ``/var/log/libvirt``, ``/var/cache/libvirt`` and ``/etc/libvirt`` are bind
  mounts of directories under ``NsHost.directory``), its hostname
  ``<prefix>-hostN``, which its libvirtd reports too;
- an instances directory seen inside every host at the same path
  (``NsHosts.instances_path``), as Nova's ``instances_path`` is, and from
  the test process at ``NsHost.instances_dir``;
- ``eth0`` with ``10.250.0.N/24`` on a bridge in a separate fabric
  namespace. The root namespace is not on the fabric and no namespace
  routes anywhere else: all traffic between hosts stays in namespaces the
  fixture made. Each libvirtd listens on ``qemu+tcp://10.250.0.N/system``
  (``NsHost.tcp_uri``, auth_tcp none), the URI one host's libvirtd
  migrates to another's by (peer to peer).

The test process reaches each libvirtd through its unix socket
(``NsHost.uri``, ``qemu+unix:///system?socket=...``): the fabric does not
route from the root namespace. ``NsHost.command(*argv)`` wraps a command to
run on a host (``nsenter``); ``network=False`` keeps the root network
namespace, which is how nova-compute runs on a host: it needs RabbitMQ and
nova-api on 127.0.0.1 of the root namespace, and libvirtd at
``qemu:///system`` in the host's mount namespace; QEMU, which libvirtd
starts, runs in the host's network namespace, so the guests' traffic and
the migration streams stay on the fabric.

Use the context manager or make a fixture::

    two_hosts = ns_hosts.fixture(2)           # module scope by default

    def test_something(two_hosts):
        source, destination = two_hosts.hosts

    with ns_hosts.running(2) as hosts:
        ...

It needs root, iproute2, util-linux (unshare, nsenter), libvirtd, virtlogd
and virsh (``tools/setup-libvirt.sh``): without them the test is skipped, or
fails under ``CI=true``.
"""
import contextlib
import dataclasses
import os
import pathlib
import shutil
import subprocess

import pytest

from tests.integration import harness

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'test-hosts.sh'
NET = '10.250.0'
BASE_PARENT = pathlib.Path('/run')
# libvirtd starts in about a second; a loaded machine gets much more.
START_TIMEOUT = 180


@dataclasses.dataclass(frozen=True)
class NsHost:
    """One host: names, addresses and paths as the test process sees them."""

    name: str
    hostname: str
    address: str
    netns: str
    directory: pathlib.Path

    @property
    def uri(self):
        """The libvirt URI of this host's libvirtd from the root namespace."""
        return 'qemu+unix:///system?socket=%s' % (self.directory / 'run-libvirt' /
                                                  'libvirt-sock')

    @property
    def tcp_uri(self):
        """The URI other hosts (and migration) reach this libvirtd by."""
        return 'qemu+tcp://%s/system' % self.address

    @property
    def instances_dir(self):
        """This host's instances directory, from the root namespace."""
        return self.directory / 'instances'

    @property
    def libvirtd_log(self):
        return self.directory / 'var-log-libvirt' / 'libvirtd.log'

    def pid_of(self, daemon):
        """The pid of this host's ``libvirtd`` or ``virtlogd`` (int)."""
        return int((self.directory / 'run-libvirt' / ('%s.pid' % daemon)).read_text())

    def command(self, *argv, network=True):
        """``argv`` wrapped to run on this host (its mount and UTS
        namespaces, and unless ``network`` is False its network namespace)."""
        namespaces = ['--mount=%s' % (self.directory / 'ns' / 'mnt'),
                      '--uts=%s' % (self.directory / 'ns' / 'uts')]
        if network:
            namespaces.append('--net=/run/netns/%s' % self.netns)
        return ['nsenter'] + namespaces + ['--'] + [str(arg) for arg in argv]

    def run(self, *argv, network=True, timeout=60, check=True):
        """Run ``argv`` on this host; the CompletedProcess (text output)."""
        result = subprocess.run(self.command(*argv, network=network), capture_output=True,
                                text=True, timeout=timeout)
        if check:
            assert result.returncode == 0, '%s on %s: exit %d\n%s%s' % (
                ' '.join(map(str, argv)), self.name, result.returncode, result.stdout,
                result.stderr)
        return result


class NsHosts:
    """``count`` hosts under ``/run/<prefix>``: ``up()``, then ``down()``
    (always; it removes whatever exists, also after a failed ``up``)."""

    def __init__(self, count, prefix=None, net=NET):
        self.count = count
        self.prefix = prefix or 'nth%s' % harness.random_suffix()[:6]
        self.net = net
        self.base = BASE_PARENT / self.prefix
        self.hosts = [NsHost(name='host%d' % number,
                             hostname='%s-host%d' % (self.prefix, number),
                             address='%s.%d' % (net, number),
                             netns='%s-host%d' % (self.prefix, number),
                             directory=self.base / ('host%d' % number))
                      for number in range(1, count + 1)]

    @property
    def instances_path(self):
        """The instances directory's path inside every host (the
        ``[DEFAULT] instances_path`` of a nova-compute on a host)."""
        return str(self.base / 'instances')

    @property
    def fabric_netns(self):
        return '%s-fabric' % self.prefix

    def _script(self, *args, timeout):
        env = dict(os.environ, NOVA_TEST_HOSTS_DIR=str(self.base),
                   NOVA_TEST_HOSTS_PREFIX=self.prefix, NOVA_TEST_HOSTS_NET=self.net,
                   LIBVIRT_WAIT_SECONDS=str(START_TIMEOUT - 30))
        return subprocess.run(['bash', str(SCRIPT)] + list(args), capture_output=True,
                              text=True, env=env, timeout=timeout)

    def up(self):
        """Make the hosts; RuntimeError with the script's output on failure
        (the script has removed what it made by then)."""
        result = self._script('up', str(self.count), timeout=START_TIMEOUT)
        if result.returncode != 0:
            raise RuntimeError('tools/test-hosts.sh up %d failed (exit %d):\n%s%s' % (
                self.count, result.returncode, result.stdout, result.stderr))
        return self

    def down(self):
        """Remove everything; RuntimeError naming what is left, if anything."""
        result = self._script('down', timeout=120)
        left = self.leftovers()
        if result.returncode != 0 or left:
            raise RuntimeError('tools/test-hosts.sh down (exit %d) left %s:\n%s%s' % (
                result.returncode, left, result.stdout, result.stderr))

    def leftovers(self):
        """What of these hosts still exists: namespaces, mounts, the base
        directory (a list of descriptions; empty when all is gone)."""
        names = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True,
                               check=True).stdout.split()
        left = ['netns %s' % name for name in names if name.startswith(self.prefix + '-')]
        with open('/proc/self/mountinfo') as mountinfo:
            left += ['mount %s' % line.split()[4] for line in mountinfo
                     if line.split()[4].startswith(str(self.base))]
        if self.base.exists():
            left.append('directory %s' % self.base)
        return left


def require_tools():
    """root and the tools the script runs (harness.require: skip or fail)."""
    harness.require(os.geteuid() == 0, 'namespaced test hosts need root')
    missing = [tool for tool in ('ip', 'unshare', 'nsenter', 'virsh', 'qemu-img')
               if not shutil.which(tool)]
    missing += [path for path in ('/usr/sbin/libvirtd', '/usr/sbin/virtlogd')
                if not os.path.exists(path)]
    harness.require(not missing, 'missing for namespaced test hosts: %s '
                    '(tools/setup-libvirt.sh)' % ', '.join(missing))


@contextlib.contextmanager
def running(count, **options):
    """``count`` hosts up for the ``with`` block, removed after it (also
    when start-up or the block failed)."""
    require_tools()
    hosts = NsHosts(count, **options)
    try:
        yield hosts.up()
    finally:
        hosts.down()


def fixture(count, scope='module'):
    """A pytest fixture giving ``count`` hosts (an NsHosts)."""
    @pytest.fixture(scope=scope)
    def ns_hosts():
        with running(count) as hosts:
            yield hosts
    return ns_hosts
