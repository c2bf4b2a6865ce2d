"""service.shutdown: one deadline for all services, stopped in reverse
order, with the watchdog armed before anything can hang."""
import threading
import time

import pytest

from nova_common.conf import CONF
from nova_common import service


class FakeRPCServer:
    def __init__(self, finishes):
        self._finished = threading.Event()
        if finishes:
            self._finished.set()
        self.stopped = False

    def stop(self):
        self.stopped = True

    def wait(self):
        self._finished.wait()


class FakeManager:
    def __init__(self, name, journal):
        self.name = name
        self.journal = journal

    def cleanup_host(self):
        self.journal.append(self.name)


def fake_service(name, journal, finishes=True):
    svc = service.Service(name, name, FakeManager(name, journal), reporter=None,
                          host='h', transport=object())
    svc._rpc_server = FakeRPCServer(finishes)
    return svc


@pytest.fixture
def watchdog(monkeypatch):
    armed = []
    monkeypatch.setattr(service.faulthandler, 'dump_traceback_later',
                        lambda timeout, exit: armed.append((timeout, exit)))
    monkeypatch.setattr(service.rpc, 'cleanup', lambda: armed.append('rpc cleanup'))
    return armed


def test_services_stop_in_reverse_order_after_the_first_steps(watchdog):
    journal = []
    services = [fake_service(name, journal) for name in ('conductor', 'scheduler', 'compute')]
    service.shutdown(services, first=[lambda: journal.append('http server')])
    assert journal == ['http server', 'compute', 'scheduler', 'conductor']
    assert all(svc._rpc_server.stopped for svc in services)
    assert watchdog == [(CONF.graceful_shutdown_timeout + service.WATCHDOG_MARGIN, True), 'rpc cleanup']


def test_hung_requests_share_one_grace_period(watchdog):
    CONF.set_override('graceful_shutdown_timeout', 1)
    try:
        journal = []
        services = [fake_service(name, journal, finishes=False) for name in ('a', 'b', 'c')]
        started = time.monotonic()
        service.shutdown(services)
        elapsed = time.monotonic() - started
    finally:
        CONF.clear_override('graceful_shutdown_timeout')
    assert journal == ['c', 'b', 'a']
    # Three services that each never finish: one second in all, not three.
    assert 0.9 < elapsed < 1.8
