"""nova-metadata-api: the metadata service guests reach through the
host-side proxies (nova_metadata.app), served by cheroot as nova-api is,
on [metadata] metadata_listen:metadata_listen_port."""
import signal
import sys
import threading

from oslo_log import log as logging

from nova_common.cmd import api as api_cmd
from nova_common.cmd import common
from nova_common.conf import CONF
from nova_common import exception

LOG = logging.getLogger(__name__)


def check_secret():
    """Without a shared secret no signature matches: every guest would get
    403, so refuse to start instead."""
    if not CONF.metadata.metadata_proxy_shared_secret:
        raise exception.ConfigError('[metadata] metadata_proxy_shared_secret is not set: '
                                    'no proxied request could be verified')


def serve(host, port):
    """Serve the metadata application from background threads; returns
    the server (``server_port``, ``stop()``)."""
    from nova_metadata import app
    check_secret()
    server = api_cmd.APIServer(app.build(), host, port)
    LOG.info('Metadata API listening on http://%s:%s/', host, server.server_port)
    return server


def main():
    common.init('nova-metadata-api')
    try:
        server = serve(CONF.metadata.metadata_listen, CONF.metadata.metadata_listen_port)
    except exception.ConfigError as error:
        LOG.error('%s', error)
        sys.exit(1)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    LOG.info('Stopping the metadata API')
    server.stop()
