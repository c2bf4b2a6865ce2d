"""Start-up shared by every console script."""
import sys

from oslo_service import backend as oslo_service_backend


def use_threading_backend():
    """Native threads only: oslo libraries must not pick eventlet."""
    try:
        oslo_service_backend.init_backend(oslo_service_backend.BackendType.THREADING)
    except (ImportError, ValueError):
        pass


def init(program, argv=None):
    """Parse the command line and config files, then set up logging."""
    use_threading_backend()
    from nova_common import config
    config.parse_args(sys.argv[1:] if argv is None else argv)
    config.setup_logging(program)


def start_metrics(program, cloud=False):
    """Serve Prometheus metrics when [metrics] listen_port is set, with the
    cloud-wide gauges too when ``cloud`` (a process that reaches every
    database) and [metrics] cloud_metrics say so. A port that cannot be
    bound ends the program with a one-line message and status 1."""
    from oslo_log import log as logging

    from nova_common.conf import CONF
    from nova_common import exception
    from nova_common.metrics import exporter
    try:
        port = exporter.start(program)
    except exception.ConfigError as error:
        logging.getLogger(__name__).error('%s', error)
        sys.exit('%s: %s' % (program, error))
    if port and cloud and CONF.metrics.cloud_metrics:
        from nova_common.metrics import cloud as cloud_metrics
        cloud_metrics.register()
    return port
