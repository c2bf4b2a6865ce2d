"""nova-api: serve the compute API with a small threaded HTTP server.

For production, host ``nova_api.wsgi:application`` in uwsgi or gunicorn;
this is the quick way to run it.
"""
import signal
import socketserver
import threading
from wsgiref import simple_server

from oslo_log import log as logging

from nova_common.cmd import common
from nova_common.conf import CONF

LOG = logging.getLogger(__name__)


class ThreadedWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    """One thread per request (HTTP/1.0: one request per connection); counts
    the requests in flight so that a stop can let them finish."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_flight = 0
        self._idle = threading.Condition()

    def process_request_thread(self, request, client_address):
        with self._idle:
            self._in_flight += 1
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def stop(self, timeout=None):
        """Stop accepting (new connections are refused at once), then wait
        up to ``timeout`` seconds (default [DEFAULT]
        graceful_shutdown_timeout) for the requests in flight; returns
        whether they all finished."""
        if timeout is None:
            timeout = CONF.graceful_shutdown_timeout
        self.shutdown()
        self.server_close()
        with self._idle:
            finished = self._idle.wait_for(lambda: self._in_flight == 0, timeout)
        if not finished:
            LOG.warning('%d API requests did not finish within %ss; exiting anyway',
                        self._in_flight, timeout)
        return finished


class QuietHandler(simple_server.WSGIRequestHandler):
    """Access logging is done by the API itself, with the request id."""

    def log_message(self, *args):
        pass


def serve(application, host, port):
    """Serve until SIGTERM/SIGINT; returns the server (started in a thread)."""
    server = simple_server.make_server(host, port, application,
                                       server_class=ThreadedWSGIServer,
                                       handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name='wsgi', daemon=True)
    thread.start()
    LOG.info('Compute API listening on http://%s:%s/', host, server.server_port)
    return server


def main():
    common.init('nova-api')
    from nova_api import app
    from nova_common import service
    server = serve(app.build(), CONF.osapi_compute_listen, CONF.osapi_compute_listen_port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    LOG.info('Stopping the compute API')
    service.shutdown([], first=[server.stop])
