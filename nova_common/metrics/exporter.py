"""Whether this process collects metrics, and the HTTP server that
serves them at /metrics on ``[metrics] listen_host``:``listen_port``.

Every instrument asks ``enabled()`` before recording, so a daemon whose
exporter is off (port 0, the default) records nothing.
"""
import errno

from oslo_log import log as logging
import prometheus_client

from nova_common.conf import CONF
from nova_common import exception

LOG = logging.getLogger(__name__)

_state = {'enabled': False, 'server': None}


def enabled():
    return _state['enabled']


def enable():
    """Start recording (without serving: in-process tests read the
    registry themselves)."""
    _state['enabled'] = True


def start(binary, host=None, port=None):
    """Serve /metrics for ``binary`` when [metrics] listen_port is set;
    returns the bound port, or None when metrics are off. A port that
    cannot be bound (in use, or an address this host does not have) is a
    ConfigError naming the option."""
    host = CONF.metrics.listen_host if host is None else host
    port = CONF.metrics.listen_port if port is None else port
    if not port:
        return None
    try:
        server, _thread = prometheus_client.start_http_server(port, addr=host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason = 'the port is already in use'
        else:
            reason = error.strerror or str(error)
        raise exception.ConfigError(
            '%s cannot serve metrics on %s:%s ([metrics] listen_host and '
            'listen_port): %s' % (binary, host, port, reason))
    _state['server'] = server
    enable()
    LOG.info('Prometheus metrics of %s at http://%s:%s/metrics', binary, host,
             server.server_address[1])
    return server.server_address[1]


def stop():
    server = _state['server']
    if server is not None:
        server.shutdown()
        server.server_close()
        _state['server'] = None
    _state['enabled'] = False
