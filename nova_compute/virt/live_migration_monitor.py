"""What a virt driver's ``live_migration`` and the compute running it
share while the guest moves: the administrator's requests (abort,
force_complete, both arriving on other RPC threads), the completion
timeout, and the progress the driver reports."""
import threading
import time

from nova_common import exception


class LiveMigrationAborted(exception.NovaException):
    msg_fmt = 'Live migration of %(instance_uuid)s was aborted: %(reason)s'


class Monitor:
    """One running live migration. ``completion_timeout``: seconds after
    which the migration is to be aborted (0: never); ``on_progress``
    (optional) gets the progress dict each time the driver reports one."""

    def __init__(self, instance_uuid, completion_timeout, on_progress=None):
        self.instance_uuid = instance_uuid
        self.completion_timeout = completion_timeout
        self._on_progress = on_progress
        self._started = time.monotonic()
        self._abort = threading.Event()
        self._force = threading.Event()
        self.abort_reason = None
        self.progress = {}

    def request_abort(self, reason='cancelled by an administrator'):
        self.abort_reason = reason
        self._abort.set()

    def request_force_complete(self):
        self._force.set()

    def timed_out(self):
        return (self.completion_timeout > 0
                and time.monotonic() - self._started > self.completion_timeout)

    def should_abort(self):
        """True when the driver must stop the migration (asked to, or past
        the completion timeout); ``abort_reason`` says which."""
        if self.timed_out() and not self._abort.is_set():
            self.request_abort('no completion in %d seconds' % self.completion_timeout)
        return self._abort.is_set()

    @property
    def cancelled(self):
        """Aborted by request (not by the timeout)."""
        return self._abort.is_set() and not self.abort_reason.startswith('no completion')

    def should_force_complete(self):
        return self._force.is_set()

    def aborted(self):
        """The exception a driver raises when it stopped on should_abort."""
        return LiveMigrationAborted(instance_uuid=self.instance_uuid,
                                    reason=self.abort_reason)

    def report(self, **progress):
        """``memory_total_bytes``, ``memory_processed_bytes``,
        ``memory_remaining_bytes`` and the ``disk_*`` equivalents."""
        self.progress = dict(progress)
        if self._on_progress is not None:
            self._on_progress(self.progress)
