"""Daemon lifecycle: RPC server, service record heartbeat, periodic tasks,
graceful stop on SIGTERM and config reload on SIGHUP.

A ``Service`` wires one manager to one RPC topic. Its heartbeat goes through
a *reporter*: ``DatabaseReporter`` for services that have database
credentials (conductor, scheduler), ``ConductorReporter`` for computes,
which persist everything through their cell conductor.
"""
import faulthandler
import signal
import threading
import time

from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import rpc

LOG = logging.getLogger(__name__)

SERVICE_VERSION = 1

# Seconds a stop may take beyond [DEFAULT] graceful_shutdown_timeout (for
# what comes after the in-flight requests: driver clean-up, closing the
# transports, the interpreter's exit) before the watchdog ends the process.
WATCHDOG_MARGIN = 5


class DatabaseReporter:
    """Keeps the service record in this service's own [database]."""

    def report(self, context, host, binary, topic):
        from nova_common.db.api import services
        return services.record_heartbeat(context, host, binary, topic, SERVICE_VERSION)


class ConductorReporter:
    """Keeps a compute's service record through its cell conductor.

    Until the first report is answered, each report waits at most
    REGISTRATION_TIMEOUT: a compute that starts before its conductor has
    declared its queue loses that first message (nothing was bound to take
    it), and waiting out the whole RPC timeout for it delays the start by
    that much. Later reports wait the usual conductor timeout."""

    REGISTRATION_TIMEOUT = 5

    def __init__(self, conductor_api):
        self.conductor_api = conductor_api
        self._registered = False

    def report(self, context, host, binary, topic):
        timeout = None if self._registered else self.REGISTRATION_TIMEOUT
        record = self.conductor_api.service_report(context, host, binary, topic,
                                                   SERVICE_VERSION, timeout=timeout)
        self._registered = True
        return record


class PeriodicTask:
    """Runs ``func(context)`` every ``interval_fn()`` seconds until stopped.

    The interval is read each round so that a SIGHUP reload takes effect.
    An exception is logged and the task runs again next round.
    """

    def __init__(self, name, func, interval_fn, run_immediately=True):
        self.name = name
        self.func = func
        self.interval_fn = interval_fn
        self.run_immediately = run_immediately
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()

    def join(self, timeout=None):
        self._thread.join(timeout)

    def _loop(self):
        if not self.run_immediately and self._stop.wait(self.interval_fn()):
            return
        while not self._stop.is_set():
            try:
                self.func(nova_context.get_admin_context())
            except Exception:  # noqa: BLE001 - a periodic task must survive
                LOG.exception('Periodic task %s failed; it runs again in %ss',
                              self.name, self.interval_fn())
            if self._stop.wait(self.interval_fn()):
                return


class Service:
    """One daemon: a manager served on ``topic`` (RPC server ``host``)."""

    def __init__(self, binary, topic, manager, reporter, host=None, transport=None):
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.reporter = reporter
        self.host = host or CONF.host
        self.transport = transport or rpc.get_transport()
        self.record = None
        self._rpc_server = None
        self._tasks = []
        self._stopped = threading.Event()

    def start(self):
        LOG.info('Starting %s on host %s (topic %s)', self.binary, self.host, self.topic)
        self.manager.init_host()
        target = messaging.Target(topic=self.topic, server=self.host)
        self._rpc_server = rpc.get_server(target, [self.manager], self.transport)
        self._rpc_server.start()
        self._tasks.append(PeriodicTask('heartbeat', self._heartbeat,
                                        lambda: CONF.report_interval))
        for name, func, interval_fn in self.manager.periodic_tasks():
            self._tasks.append(PeriodicTask(name, func, interval_fn))
        for task in self._tasks:
            task.start()

    def _heartbeat(self, context):
        try:
            record = self.reporter.report(context, self.host, self.binary, self.topic)
        except messaging.MessagingTimeout:
            LOG.warning('Heartbeat of %s timed out; the conductor did not answer. '
                        'Retrying in %ss.', self.binary, CONF.report_interval)
            return
        except Exception as error:  # noqa: BLE001 - outages are retried, never fatal
            LOG.warning('Heartbeat of %s failed (%s); retrying in %ss.',
                        self.binary, error, CONF.report_interval)
            return
        if self.record is None:
            LOG.info('%s on %s registered as service %s', self.binary, self.host,
                     record['uuid'])
            self.manager.service_registered(record)
        self.record = record

    def stop(self, deadline=None):
        """Stop taking work, let in-flight requests finish until ``deadline``
        (a time.monotonic() value; by default [DEFAULT]
        graceful_shutdown_timeout from now), then stop the periodic tasks."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        if deadline is None:
            deadline = time.monotonic() + CONF.graceful_shutdown_timeout
        LOG.info('Stopping %s on %s', self.binary, self.host)
        for task in self._tasks:
            task.stop()
        if self._rpc_server is not None:
            self._rpc_server.stop()
            waiter = threading.Thread(target=self._rpc_server.wait, daemon=True)
            waiter.start()
            waiter.join(max(0.0, deadline - time.monotonic()))
            if waiter.is_alive():
                LOG.warning('In-flight requests of %s did not finish within %ss; '
                            'exiting anyway', self.binary, CONF.graceful_shutdown_timeout)
        self.manager.cleanup_host()
        for task in self._tasks:
            task.join(min(1.0, max(0.0, deadline - time.monotonic())))

    def wait(self):
        self._stopped.wait()


def run(services):
    """Start ``services`` and serve until SIGTERM or SIGINT; SIGHUP reloads
    the mutable options of the config files."""
    stop = threading.Event()

    def _on_stop(signum, _frame):
        LOG.info('Caught signal %s, stopping', signum)
        stop.set()

    def _on_hup(_signum, _frame):
        LOG.info('Caught SIGHUP, reloading mutable options')
        CONF.mutate_config_files()

    signal.signal(signal.SIGTERM, _on_stop)
    signal.signal(signal.SIGINT, _on_stop)
    signal.signal(signal.SIGHUP, _on_hup)
    for service in services:
        service.start()
    while not stop.wait(1):
        pass
    shutdown(services)
    LOG.info('Stopped')


def shutdown(services, first=()):
    """Stop ``services`` and close the RPC transports, within [DEFAULT]
    graceful_shutdown_timeout in all.

    ``first`` are callables run before (stopping an HTTP server).
    Services stop in the reverse order of their list, so that in one
    process the compute finishes its last calls while the conductor still
    answers them. Should stopping (or the interpreter's exit after it) take
    WATCHDOG_MARGIN seconds longer, every thread's stack goes to stderr and the
    process exits with status 1: a hang shows where it is, and a daemon
    never outlives its SIGTERM.
    """
    faulthandler.dump_traceback_later(CONF.graceful_shutdown_timeout + WATCHDOG_MARGIN,
                                      exit=True)
    deadline = time.monotonic() + CONF.graceful_shutdown_timeout
    for step in first:
        step()
    for service in reversed(services):
        service.stop(deadline)
    rpc.cleanup()
