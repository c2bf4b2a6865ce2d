"""nova-api: serve the compute API with cheroot, a threaded HTTP/1.1 WSGI
server (keep-alive, chunked request bodies, a listen backlog of
[DEFAULT] backlog, [DEFAULT] wsgi_default_pool_size worker threads).

uwsgi or gunicorn can host ``nova_api.wsgi:application`` instead.
"""
import ipaddress
import signal
import socket
import sys
import threading

from cheroot import wsgi
from oslo_log import log as logging

from nova_common.cmd import common
from nova_common.conf import CONF
from nova_common import exception

LOG = logging.getLogger(__name__)


class APIServer:
    """A started cheroot server with a bounded, graceful stop."""

    def __init__(self, application, host, port):
        self.httpd = wsgi.Server((host, port), application,
                                 numthreads=CONF.wsgi_default_pool_size,
                                 request_queue_size=CONF.backlog,
                                 server_name='nova-api')
        self.httpd.prepare()
        self.server_port = self.httpd.bind_addr[1]
        self._thread = threading.Thread(target=self.httpd.serve, name='wsgi', daemon=True)
        self._thread.start()

    def stop(self, timeout=None):
        """Stop accepting (new connections are refused at once), then wait
        up to ``timeout`` seconds (default [DEFAULT]
        graceful_shutdown_timeout) for the requests in flight; returns
        whether they all finished. cheroot's own stop waits for a request
        that outlives its timeout, so it runs in a thread of its own."""
        if timeout is None:
            timeout = CONF.graceful_shutdown_timeout
        self.httpd.shutdown_timeout = timeout
        stopper = threading.Thread(target=self.httpd.stop, name='wsgi-stop', daemon=True)
        stopper.start()
        stopper.join(timeout)
        finished = not stopper.is_alive()
        if not finished:
            LOG.warning('API requests did not finish within %ss; exiting anyway', timeout)
        return finished


def _is_loopback(host):
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(address.split('%')[0]).is_loopback
               for address in addresses)


def check_listen_address(host):
    """noauth2 trusts whatever token a caller sends: refuse to serve it
    beyond this host unless [api] noauth2_allow_remote says so."""
    if (CONF.api.auth_strategy == 'noauth2' and not CONF.api.noauth2_allow_remote
            and not _is_loopback(host)):
        raise exception.ConfigError(
            'auth_strategy = noauth2 lets any caller act as any user: nova-api '
            'listens on %s only with [api] noauth2_allow_remote = true (or use '
            'a loopback address such as 127.0.0.1)' % host)


def serve(application, host, port):
    """Serve ``application`` on ``host``:``port`` (0: any free port) from
    background threads; returns the server."""
    check_listen_address(host)
    server = APIServer(application, host, port)
    LOG.info('Compute API listening on http://%s:%s/ (backlog %d, %d threads)', host,
             server.server_port, CONF.backlog, CONF.wsgi_default_pool_size)
    return server


def main():
    common.init('nova-api')
    common.start_metrics('nova-api', cloud=True)
    from nova_api import app
    from nova_common import service
    try:
        server = serve(app.build(), CONF.osapi_compute_listen, CONF.osapi_compute_listen_port)
    except exception.ConfigError as error:
        LOG.error('%s', error)
        sys.exit(1)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    LOG.info('Stopping the compute API')
    service.shutdown([], first=[server.stop])
