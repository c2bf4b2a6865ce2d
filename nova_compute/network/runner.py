"""Every command the host plumbing runs goes through here, so that tests
can run the lot inside a network namespace of their own (``NAMESPACE``,
or ``Runner(namespace=...)``) and see exactly what was run."""
import subprocess

from oslo_log import log as logging

from nova_common import exception

LOG = logging.getLogger(__name__)


class CommandFailed(exception.NovaException):
    msg_fmt = 'Command %(command)s failed (%(code)s): %(stderr)s'


class Runner:
    """Runs commands in this process's network namespace or, with
    ``namespace``, in that one: a name under /run/netns (``ip netns exec``)
    or the path of a namespace file such as /proc/<pid>/ns/net
    (``nsenter --net``; for processes whose mount namespace does not see
    /run/netns)."""

    def __init__(self, namespace=None):
        self.namespace = namespace

    def _argv(self, argv):
        if not self.namespace:
            return list(argv)
        if self.namespace.startswith('/'):
            return ['nsenter', '--net=%s' % self.namespace, '--'] + list(argv)
        return ['ip', 'netns', 'exec', self.namespace] + list(argv)

    def run(self, argv, check=True, input=None):
        """The command's stdout; CommandFailed when it fails and ``check``."""
        full = self._argv(argv)
        LOG.debug('Running %s', ' '.join(full))
        result = subprocess.run(full, input=input, capture_output=True, text=True,
                                check=False)
        if check and result.returncode != 0:
            raise CommandFailed(command=' '.join(argv), code=result.returncode,
                                stderr=result.stderr.strip())
        return result.stdout

    def succeeds(self, argv):
        """True when the command exits 0 (for probes such as ``ip link show``)."""
        return subprocess.run(self._argv(argv), capture_output=True,
                              check=False).returncode == 0


_DEFAULT = Runner()


def default():
    return _DEFAULT
