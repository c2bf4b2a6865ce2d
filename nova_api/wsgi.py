"""WSGI entry point for uwsgi, gunicorn or mod_wsgi: ``nova_api.wsgi:application``.

Configuration files come from ``OS_NOVA_CONFIG_FILES`` (a ``;``-separated
list, default /etc/nova/nova.conf) and ``OS_NOVA_CONFIG_DIR``; ``sys.argv`` belongs to the WSGI server and is never
parsed. The application is built on first access.
"""
import os
import threading

_lock = threading.Lock()
_application = None


def init_application():
    """Parse the configuration named by the environment and build the app."""
    from nova_common.cmd import common
    common.use_threading_backend()
    from nova_api import app
    from nova_common import config

    files = os.environ.get('OS_NOVA_CONFIG_FILES', '/etc/nova/nova.conf')
    config_files = [path for path in files.split(';') if path and os.path.exists(path)]
    config_dir = os.environ.get('OS_NOVA_CONFIG_DIR')
    config.parse_args([], default_config_files=config_files,
                      default_config_dirs=[config_dir] if config_dir else None)
    config.setup_logging('nova-api')
    return app.build()


def __getattr__(name):
    global _application
    if name != 'application':
        raise AttributeError(name)
    with _lock:
        if _application is None:
            _application = init_application()
    return _application
