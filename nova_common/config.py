"""Loading configuration and setting up logging, the same way for every
console script and for the WSGI application."""
from oslo_config import cfg
from oslo_log import log as logging
from oslo_policy import opts as policy_opts

from nova_common import conf as nova_conf  # noqa: F401 - registers our options
from nova_common import rpc

CONF = cfg.CONF
_logging_registered = False

_DEFAULT_LOG_LEVELS = [
    'amqp=WARN', 'amqplib=WARN', 'kombu=WARN', 'sqlalchemy=WARN',
    'oslo.messaging=INFO', 'oslo_messaging=INFO', 'oslo_policy=INFO',
    'keystonemiddleware=WARN', 'routes.middleware=WARN', 'stevedore=WARN',
    'urllib3.connectionpool=WARN', 'keystoneauth=WARN', 'oslo_db=WARN',
    'alembic=WARN', 'pecan=WARN', 'futurist=WARN',
]


def register_library_options():
    global _logging_registered
    if not _logging_registered:
        logging.register_options(CONF)
        logging.set_defaults(default_log_levels=_DEFAULT_LOG_LEVELS)
        policy_opts.set_defaults(CONF, policy_file='policy.yaml')
        rpc.init(CONF)
        _logging_registered = True


def parse_args(argv, default_config_files=None, default_config_dirs=None):
    """Parse command line and config files into CONF (argv without argv[0])."""
    register_library_options()
    CONF(argv, project='nova', prog=None,
         default_config_files=default_config_files,
         default_config_dirs=default_config_dirs)


def setup_logging(program):
    logging.setup(CONF, program)
