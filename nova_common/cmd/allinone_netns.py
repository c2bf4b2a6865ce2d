"""The all-in-one's network namespace for guest networking.

With the libvirt driver, the bridges, dnsmasq, nftables tables and
metadata proxies of the all-in-one's networks live in a network namespace
of its own, ``nova-aio-<8 hex digits of the data directory>``, so that
tenant subnets never show in the machine's root namespace. The machine's
libvirtd still makes the guests' taps in the root namespace; the compute
moves them in ([network] move_taps_to_netns, nova_compute/network/
tap_netns.py).

The namespace is made at start (an existing one is kept: the guests of an
earlier run use it) and removed at exit once no server's ports are plugged
any more, after its processes left in it (a dnsmasq of a crashed run) are
ended. While guests remain it stays, for them and for the next run.
An operator who sets [network] host_netns chooses the namespace; the
all-in-one then neither makes nor removes one.

dnsmasq drops to an unprivileged user that rereads its files under the
data directory whenever ports come and go; when that directory is closed
to others (the default one of root, under /root), dnsmasq runs as the
all-in-one's own user instead ([network] dnsmasq_user).
"""
import hashlib
import os
import pwd
import signal
import stat
import subprocess
import time

NETNS_DIR = '/run/netns'
PREFIX = 'nova-aio-'


class NamespaceError(Exception):
    """The namespace could not be made (not root, no ``ip``)."""


def name_for(data_dir):
    """The namespace of the all-in-one using ``data_dir``."""
    digest = hashlib.sha1(os.path.realpath(data_dir).encode()).hexdigest()
    return PREFIX + digest[:8]


def exists(name):
    return os.path.exists(os.path.join(NETNS_DIR, name))


def _ip(*args):
    result = subprocess.run(['ip'] + list(args), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise NamespaceError('ip %s: %s' % (' '.join(args), result.stderr.strip()))
    return result.stdout


def create(name):
    """The namespace ``name``, with its loopback up (made when missing)."""
    if not exists(name):
        _ip('netns', 'add', name)
    _ip('-n', name, 'link', 'set', 'dev', 'lo', 'up')


def _command_line(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            return handle.read().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return ''


def _end_processes(name, marker, timeout=5.0):
    """SIGTERM the processes in the namespace whose command line holds
    ``marker`` (the dnsmasq of this all-in-one name their files under its
    data directory), SIGKILL after ``timeout`` seconds those still there."""
    pids = [int(pid) for pid in _ip('netns', 'pids', name).split()
            if marker in _command_line(int(pid))]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while pids and time.monotonic() < deadline:
            pids = [pid for pid in pids if os.path.exists('/proc/%d' % pid)]
            time.sleep(0.05)
        if not pids:
            return


def remove_when_unused(name, plugged, marker):
    """Remove the namespace unless ``plugged`` (the servers whose ports
    are plugged there) has any, after ending this all-in-one's processes
    left in it (``marker``: see _end_processes); True when it was removed."""
    if not exists(name) or plugged:
        return False
    _end_processes(name, marker)
    _ip('netns', 'delete', name)
    return True


def closed_to_others(path):
    """Whether a user other than the owner cannot reach ``path``: one of
    its existing directories lacks the others' execute bit."""
    path = os.path.realpath(path)
    while True:
        if os.path.isdir(path) and not os.stat(path).st_mode & stat.S_IXOTH:
            return True
        parent = os.path.dirname(path)
        if parent == path:
            return False
        path = parent


def own_user():
    return pwd.getpwuid(os.geteuid()).pw_name
