"""A real Glance for the integration tier: glance 33 from PyPI, installed
by tools/setup-glance.sh into ``.venv-glance`` (its pins would clash with
the project's oslo libraries), run as a process of that venv.

Glance 33 has no standalone server (its ``glance-api`` only says to deploy
``glance.wsgi.api:application`` under a WSGI server), so gunicorn, from
the same venv, serves it on a free loopback port, one worker with several
threads. Its database is one of the tests' MariaDB databases, synced with
``glance-manage db_sync`` (on SQLite, a delete racing the end of a failed
upload in another thread got "database is locked"). The rest lives under
``workdir/glance``: glance-api.conf (a file store, no notifications) and a
paste file whose pipeline authenticates with the ``noauth2`` filter of
glance_noauth.py before Glance's own ``context`` filter, so the project of
the caller's ``user:project`` token owns what it creates.

``running_glance(workdir, database, meanwhile)`` sets it up and starts it
in a thread while ``meanwhile(glance)`` runs (the sync and Glance's start
take seconds: time enough to start the daemons that will use it), waits
until it answers and always stops it. A missing venv skips the test
(fails under CI=true).
"""
import contextlib
import os
import pathlib
import subprocess
import textwrap
import threading

from tests.integration import harness

REPO = pathlib.Path(__file__).resolve().parents[2]
GLANCE_VENV = pathlib.Path(os.environ.get('NOVA_TEST_GLANCE_VENV', REPO / '.venv-glance'))
# Holds glance_noauth.py, which the paste file names.
NOAUTH_DIR = pathlib.Path(__file__).resolve().parent
FLAVOR = 'noauth2'

PASTE_INI = textwrap.dedent('''
    [composite:glance-api-%(flavor)s]
    paste.composite_factory = glance.api:root_app_factory
    /: api
    /healthcheck: healthcheck

    [composite:api]
    paste.composite_factory = glance.api:pipeline_factory
    %(flavor)s = versionnegotiation noauth2 context rootapp

    [composite:rootapp]
    paste.composite_factory = glance.api:root_app_factory
    /: apiversions
    /v2: apiv2app

    [app:apiversions]
    paste.app_factory = glance.api.versions:create_resource

    [app:apiv2app]
    paste.app_factory = glance.api.v2.router:API.factory

    [app:healthcheck]
    paste.app_factory = oslo_middleware:Healthcheck.app_factory

    [filter:versionnegotiation]
    paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

    [filter:noauth2]
    paste.filter_factory = glance_noauth:filter_factory

    [filter:context]
    paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
''')


def missing():
    """Why Glance cannot run here, or None."""
    for script in ('glance-manage', 'gunicorn'):
        if not (GLANCE_VENV / 'bin' / script).exists():
            return '%s is not installed in %s (run tools/setup-glance.sh)' % (script, GLANCE_VENV)
    return None


class Glance:
    """glance-api on ``database`` (an SQLAlchemy URL) and a file store
    under ``workdir/glance``."""

    def __init__(self, workdir, database):
        self.dir = pathlib.Path(workdir) / 'glance'
        self.dir.mkdir()
        self.port = harness.free_port()
        self.endpoint = 'http://127.0.0.1:%d' % self.port
        stores = {name: self.dir / name for name in ('images', 'staging', 'tasks', 'locks')}
        self.images_dir = stores['images']
        for path in stores.values():
            path.mkdir()
        (self.dir / 'glance-api-paste.ini').write_text(PASTE_INI % {'flavor': FLAVOR})
        harness.write_config(self.dir / 'glance-api.conf', {
            # No log_file: Glance logs into gunicorn's output, the daemon's
            # log that a failing test shows.
            'DEFAULT': {'enabled_backends': 'files:file'},
            'database': {'connection': database},
            'paste_deploy': {'flavor': FLAVOR,
                             'config_file': str(self.dir / 'glance-api-paste.ini')},
            'glance_store': {'default_backend': 'files'},
            'files': {'filesystem_store_datadir': str(stores['images'])},
            'os_glance_staging_store': {'filesystem_store_datadir': str(stores['staging'])},
            'os_glance_tasks_store': {'filesystem_store_datadir': str(stores['tasks'])},
            'oslo_concurrency': {'lock_path': str(stores['locks'])},
            'oslo_messaging_notifications': {'driver': 'noop'},
            'oslo_policy': {'enforce_new_defaults': 'true'},
        })
        self.daemon = None
        self._launcher = None
        self._launch_error = None

    def launch(self):
        """Sync the database, then start serving, in a thread; ``wait``
        joins it."""
        self._launcher = threading.Thread(target=self._sync_and_start, daemon=True)
        self._launcher.start()

    def _sync_and_start(self):
        try:
            self.sync_db()
            self.start()
        except Exception as error:  # noqa: BLE001 - raised again by wait()
            self._launch_error = error

    def sync_db(self):
        result = subprocess.run(
            [str(GLANCE_VENV / 'bin' / 'glance-manage'), '--config-dir', str(self.dir),
             'db_sync'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, timeout=300)
        assert result.returncode == 0, 'glance-manage db_sync exited %s\n%s' % (
            result.returncode, result.stdout[-4000:])

    def start(self):
        """gunicorn with one worker of threads (Glance keeps state per
        process); glance.wsgi.api reads glance-api.conf from
        OS_GLANCE_CONFIG_DIR."""
        self.daemon = harness.Daemon(
            'glance-api', [str(GLANCE_VENV / 'bin' / 'gunicorn'), '--bind',
                           '127.0.0.1:%d' % self.port, '--workers', '1',
                           '--worker-class', 'gthread', '--threads', '8',
                           '--graceful-timeout', '5', '--no-control-socket',
                           'glance.wsgi.api:application'],
            self.dir / 'gunicorn.log',
            env={'OS_GLANCE_CONFIG_DIR': str(self.dir), 'PYTHONPATH': str(NOAUTH_DIR)})
        return self.daemon

    def wait(self, timeout=90):
        if self._launcher is not None:
            self._launcher.join()
        if self._launch_error is not None:
            raise self._launch_error
        assert self.daemon is not None, 'Glance was not started'

        def answers():
            try:
                return harness.http_get(self.endpoint + '/healthcheck', timeout=2)[0] == 200
            except OSError:
                return False
        harness.wait_until(answers, timeout, daemons=[self.daemon],
                           what='Glance to answer GET /healthcheck')

    def stored_files(self):
        """Names of the image files in the file store."""
        return sorted(path.name for path in self.images_dir.iterdir())

    def stop(self):
        """Stop serving (after the launch, also when it failed)."""
        if self._launcher is not None:
            self._launcher.join()
        if self.daemon is not None:
            self.daemon.stop()


@contextlib.contextmanager
def running_glance(workdir, database, meanwhile=None):
    """A started, answering Glance; ``meanwhile(glance)`` runs while it
    starts (``glance.endpoint`` is known from the beginning).
    Stopped (and checked) on the way out, whatever happened."""
    harness.require(missing() is None, missing())
    glance = Glance(workdir, database)
    glance.launch()
    try:
        if meanwhile is not None:
            meanwhile(glance)
        glance.wait()
        yield glance
    finally:
        glance.stop()
