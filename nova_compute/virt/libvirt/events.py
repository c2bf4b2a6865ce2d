"""libvirt domain lifecycle events, delivered as (instance uuid, power state)
to the listeners the compute manager registers.

libvirt delivers events from its default event loop, which a daemon thread
of ours runs (one per process, started before the first connection is
opened). The libvirt callback only queues the event: listeners run on a
dispatcher thread of their own, so that a slow listener (an RPC call to the
conductor) never stalls libvirt's event loop and its connection keepalive.
"""
import queue
import threading

import libvirt
from oslo_log import log as logging

from nova_common import compute_states as states

LOG = logging.getLogger(__name__)

_loop_lock = threading.Lock()
_loop_started = False

_STATE_BY_EVENT = {
    libvirt.VIR_DOMAIN_EVENT_STARTED: states.RUNNING,
    libvirt.VIR_DOMAIN_EVENT_RESUMED: states.RUNNING,
    libvirt.VIR_DOMAIN_EVENT_SUSPENDED: states.POWER_PAUSED,
    libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED: states.POWER_SUSPENDED,
    libvirt.VIR_DOMAIN_EVENT_CRASHED: states.CRASHED,
}
_STATE_BY_STOP_DETAIL = {
    libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED: states.POWER_SUSPENDED,
    libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED: states.CRASHED,
}


def power_state_of_event(event, detail):
    """The power state a lifecycle event leaves the domain in, or None for
    events that change no power state (defined, undefined, and the guest's
    own shutdown notice, which a STOPPED event follows)."""
    if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
        return _STATE_BY_STOP_DETAIL.get(detail, states.SHUTDOWN)
    return _STATE_BY_EVENT.get(event)


def start_event_loop():
    """Register libvirt's default event loop implementation and run it in a
    daemon thread; does nothing the second time."""
    global _loop_started
    with _loop_lock:
        if _loop_started:
            return
        libvirt.virEventRegisterDefaultImpl()
        thread = threading.Thread(target=_run_event_loop, name='libvirt-events', daemon=True)
        thread.start()
        _loop_started = True


def _run_event_loop():
    while True:
        if libvirt.virEventRunDefaultImpl() < 0:
            LOG.error('libvirt event loop iteration failed')


class LifecycleDispatcher:
    """Queues lifecycle events and calls every listener with
    (instance_uuid, power_state) on its own thread, in event order."""

    def __init__(self):
        self._listeners = []
        self._queue = queue.Queue()
        self._thread = None

    def add_listener(self, callback):
        self._listeners.append(callback)

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._dispatch, name='libvirt-lifecycle',
                                            daemon=True)
            self._thread.start()

    def stop(self):
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(5)
            self._thread = None

    def on_lifecycle_event(self, _conn, domain, event, detail, _opaque):
        """The libvirt callback (runs on the event loop thread)."""
        power_state = power_state_of_event(event, detail)
        if power_state is not None:
            self._queue.put((domain.UUIDString(), power_state))

    def _dispatch(self):
        while True:
            item = self._queue.get()
            if item is None:
                return
            instance_uuid, power_state = item
            LOG.debug('Domain %s is now %s', instance_uuid,
                      states.POWER_STATE_NAMES.get(power_state, power_state))
            for listener in list(self._listeners):
                try:
                    listener(instance_uuid, power_state)
                except Exception:  # noqa: BLE001 - one listener must not stop the others
                    LOG.exception('Lifecycle listener %r failed for %s', listener,
                                  instance_uuid)
