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
    daemon_threads = True
    allow_reuse_address = True


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
    server = serve(app.build(), CONF.osapi_compute_listen, CONF.osapi_compute_listen_port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    LOG.info('Stopping the compute API')
    server.shutdown()
