"""Moving a guest's files between computes that share nothing, for a
resize or cold migration, and the config drive of a block live migration
(Nova copies them over ssh/rsync; here the source serves them over HTTP
and the destination fetches them).

The source compute runs one small HTTP server (a thread, started on first
use, on ``[libvirt] disk_transfer_address`` and a random port). A move
``offer``s a directory (or only some of its files) under a random secret:
those files are served at ``/<secret>/<file name>`` and nothing else is;
``withdraw`` ends it (the move confirmed or reverted). The destination
``fetch``es each file, streaming it to disk, and checks its size against the
``Content-Length``. The secret (128 random bits) is the only credential:
the hosts' private network is where the traffic goes.
"""
import http.server
import os
import secrets
import shutil
import threading
import urllib.request

from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt.libvirt import resources

LOG = logging.getLogger(__name__)

CHUNK = 1024 * 1024
TIMEOUT = 60


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        parts = self.path.strip('/').split('/')
        directory, names = (self.server.offers.get(parts[0], (None, None))
                            if len(parts) == 2 else (None, None))
        name = parts[1] if directory else None
        if (not directory or name in ('', '.', '..') or os.sep in name
                or (names is not None and name not in names)):
            self.send_error(404)
            return
        path = os.path.join(directory, name)
        try:
            handle = open(path, 'rb')
        except OSError:
            self.send_error(404)
            return
        with handle:
            self.send_response(200)
            self.send_header('Content-Type', 'application/octet-stream')
            self.send_header('Content-Length', str(os.fstat(handle.fileno()).st_size))
            self.end_headers()
            shutil.copyfileobj(handle, self.wfile, CHUNK)

    def log_message(self, fmt, *args):
        LOG.debug('Disk transfer: ' + fmt, *args)


class DiskServer:
    """This host's disk transfer server."""

    def __init__(self):
        self._lock = threading.Lock()
        self._server = None

    def _started(self):
        with self._lock:
            if self._server is None:
                address = CONF.libvirt.disk_transfer_address or resources.host_ip()
                server = http.server.ThreadingHTTPServer((address, 0), _Handler)
                server.daemon_threads = True
                server.offers = {}
                threading.Thread(target=server.serve_forever, name='disk-transfer',
                                 daemon=True).start()
                self._server = server
                LOG.info('Disk transfer server listening on %s:%d', *server.server_address)
            return self._server

    def offer(self, directory, names=None):
        """Serve the files of ``directory`` (only those ``names`` when
        given); returns the base URL."""
        server = self._started()
        secret = secrets.token_urlsafe(16)
        server.offers[secret] = (directory, frozenset(names) if names is not None else None)
        return 'http://%s:%d/%s/' % (server.server_address[0], server.server_address[1],
                                     secret)

    def withdraw(self, url):
        """Stop serving what ``url`` (offer's answer) served."""
        if self._server is not None and url:
            self._server.offers.pop(url.rstrip('/').rsplit('/', 1)[-1], None)

    def stop(self):
        with self._lock:
            if self._server is not None:
                self._server.shutdown()
                self._server.server_close()
                self._server = None


def fetch(url, name, destination):
    """Download ``url`` + ``name`` into ``destination`` (complete or
    NovaException, and no partial file)."""
    partial = destination + '.part'
    try:
        with urllib.request.urlopen(url + name, timeout=TIMEOUT) as response, \
                open(partial, 'wb') as out:
            expected = int(response.headers['Content-Length'])
            shutil.copyfileobj(response, out, CHUNK)
        if os.path.getsize(partial) != expected:
            raise exception.NovaException('Fetching %s ended after %d of %d bytes' % (
                name, os.path.getsize(partial), expected))
        os.replace(partial, destination)
    except OSError as error:
        raise exception.NovaException('Fetching %s from %s failed: %s' % (name, url, error))
    finally:
        if os.path.exists(partial):
            os.remove(partial)
