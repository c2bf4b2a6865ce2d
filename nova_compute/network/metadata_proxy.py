"""The host-side metadata proxy of one network: guests ask
http://169.254.169.254/..., the proxy finds the server by the request's
source address on its network (port_lookup.py), adds X-Instance-ID,
X-Tenant-ID, X-Instance-ID-Signature and X-Forwarded-For, and forwards
the request to nova-metadata-api, as Neutron's metadata agent does.

Addresses may overlap between networks, so each network has a proxy of
its own, listening in that network's namespace (or bound to its bridge).
A guest can only name itself: the proxy ignores any identity header it
sends and puts the one of its own port.

    proxy = MetadataProxy(network_id, lookup, namespace='qdhcp-...')
    proxy.start(); ...; proxy.stop()
"""
import http.server
import threading

from oslo_log import log as logging
import requests

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_compute.network import bridge
from nova_compute.network import netns_socket
from nova_compute.network import port_lookup
from nova_metadata import signature

LOG = logging.getLogger(__name__)

METADATA_ADDRESS = bridge.METADATA_ADDRESS
FORWARDED_HEADERS = ('Content-Type', 'Accept')
MAX_BODY = 64 * 1024
UNKNOWN_ERROR = b'An unknown error has occurred. Please try your request again.'


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'nova-metadata-proxy'

    def do_GET(self):
        self._proxy()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's name
        LOG.debug('metadata proxy %s: ' + format, self.client_address[0], *args)

    def _answer(self, status, body, content_type='text/plain; charset=UTF-8'):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _proxy(self):
        proxy = self.server.proxy
        address = self.client_address[0]
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            self._answer(413, b'Request body too large.')
            return
        body = self.rfile.read(length) if length else b''
        try:
            owner = proxy.lookup(proxy.network_id, address)
        except port_lookup.LookupFailed as error:
            LOG.error('Port look-up for %s on network %s failed: %s', address,
                      proxy.network_id, error)
            self._answer(503, UNKNOWN_ERROR)
            return
        if owner is None:
            LOG.info('No server has address %s on network %s', address, proxy.network_id)
            self._answer(404, b'404 Not Found\n\nThe resource could not be found.\n')
            return
        instance_id, tenant_id = owner
        headers = {name: self.headers[name] for name in FORWARDED_HEADERS
                   if self.headers.get(name)}
        headers.update({'X-Forwarded-For': address, 'X-Instance-ID': instance_id,
                        'X-Tenant-ID': tenant_id,
                        'X-Instance-ID-Signature': signature.sign(proxy.secret, instance_id)})
        try:
            answer = requests.request(self.command, proxy.metadata_url + self.path,
                                      headers=headers, data=body, timeout=proxy.timeout,
                                      allow_redirects=False)
        except requests.RequestException as error:
            LOG.error('Forwarding the metadata request of %s failed: %s', instance_id, error)
            self._answer(503, UNKNOWN_ERROR)
            return
        self._answer(answer.status_code, answer.content,
                     answer.headers.get('Content-Type', 'text/plain'))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sock, proxy):
        super().__init__(sock.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.proxy = proxy


class MetadataProxy:
    """One network's proxy. ``lookup(network_id, address)`` answers
    (instance uuid, project id) or None (port_lookup.py)."""

    def __init__(self, network_id, lookup, namespace=None, device=None,
                 listen_address=METADATA_ADDRESS, listen_port=None, metadata_url=None,
                 secret=None, timeout=None):
        self.network_id = network_id
        self.lookup = lookup
        self.namespace = namespace
        self.device = device
        self.listen_address = listen_address
        self.listen_port = (CONF.metadata.proxy_listen_port if listen_port is None
                            else listen_port)
        self.metadata_url = (metadata_url or CONF.metadata.metadata_url).rstrip('/')
        self.secret = (CONF.metadata.metadata_proxy_shared_secret if secret is None
                       else secret)
        self.timeout = CONF.metadata.proxy_timeout if timeout is None else timeout
        self._server = None
        self._thread = None

    @property
    def port(self):
        """The port it listens on (the one picked when asked for 0)."""
        return self._server.socket.getsockname()[1] if self._server else None

    def start(self):
        """Listen and serve from a background thread; OSError when the
        address cannot be bound (not on the bridge, port taken)."""
        if self._server is not None:
            return
        sock = netns_socket.listen(self.listen_address, self.listen_port,
                                   namespace=self.namespace, device=self.device)
        self._server = _Server(sock, self)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name='metadata-proxy-%s' % self.network_id[:8],
                                        daemon=True)
        self._thread.start()
        LOG.info('Metadata proxy of network %s on %s:%s%s', self.network_id,
                 self.listen_address, self.port,
                 ' in namespace %s' % self.namespace if self.namespace else '')

    def stop(self):
        """Stop listening; requests in flight finish on their own threads."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None


def default_lookup():
    """The look-up a proxy uses: the API database where this process has
    it (the all-in-one), else HTTP to [metadata] network_url (a compute
    host, which has no database)."""
    if CONF.api_database.connection:
        return port_lookup.LocalPortLookup(nova_context.get_admin_context())
    return port_lookup.HTTPPortLookup(CONF.metadata.network_url, CONF.metadata.network_token,
                                      timeout=CONF.metadata.proxy_timeout)
