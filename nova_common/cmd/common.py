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
