"""Real Keystone and real Horizon in front of nova-lite, for the dashboard
test (test_horizon.py).

Keystone and Horizon live in their own venvs (``tools/setup-horizon.sh``
makes ``.venv-keystone`` and ``.venv-horizon``: their pins would clash with
the project's), so they run as processes of those venvs:

- ``Keystone``: SQLite, fernet and credential keys (a copy of the
  migrated template the setup script makes), ``keystone-manage
  bootstrap`` (admin / RegionOne), served by werkzeug (a Keystone
  dependency) with Keystone's own ``initialize_public_application``.
- ``register_services``: the compute, image and network endpoints in the
  catalog, all on nova-api (``/v2.1``, ``/image`` and ``/network``).
- ``Horizon``: openstack_dashboard under Django's ``runserver`` with
  ``horizon_settings/local/local_settings.py`` (Horizon's settings import
  ``local.local_settings`` from the front of PYTHONPATH), static files
  compressed beforehand by the setup script.

There is no volume service in the catalog, so Horizon hides the panels
that need Cinder (the Volumes group) by its own rules; the settings switch
off what the built-in network service does not offer (routers, RBAC
policies) and network quotas.
"""
import os
import pathlib
import shutil
import subprocess
import textwrap

from tests.integration import harness

REPO = pathlib.Path(__file__).resolve().parents[2]
KEYSTONE_VENV = pathlib.Path(os.environ.get('NOVA_TEST_KEYSTONE_VENV', REPO / '.venv-keystone'))
HORIZON_VENV = pathlib.Path(os.environ.get('NOVA_TEST_HORIZON_VENV', REPO / '.venv-horizon'))
# A database after db_sync and fernet and credential key repositories, made
# once by tools/setup-horizon.sh; each run copies it.
KEYSTONE_TEMPLATE = KEYSTONE_VENV / 'template'
ADMIN_PASSWORD = 'horizon-test-secret'
REGION = 'RegionOne'
# Holds local/local_settings.py, which Horizon's settings import.
HORIZON_SETTINGS = REPO / 'tests' / 'integration' / 'horizon_settings'

# Serves Keystone's WSGI application (config files from the environment, as
# keystone-wsgi-public reads them; Keystone parses argv itself, so the port
# comes from the environment too).
_KEYSTONE_SERVER = textwrap.dedent('''
    import os
    from keystone.server import wsgi
    from werkzeug import serving
    serving.run_simple('127.0.0.1', int(os.environ['KEYSTONE_TEST_PORT']),
                       wsgi.initialize_public_application(), threaded=True)
''')


def missing_tools():
    """Why the dashboard test cannot run here, or None."""
    for path, what in ((KEYSTONE_VENV / 'bin' / 'keystone-manage', 'Keystone'),
                       (HORIZON_VENV / 'static' / 'dashboard' / 'manifest.json', 'Horizon')):
        if not path.exists():
            return '%s is not installed at %s (run tools/setup-horizon.sh)' % (what, path)
    for command, package in (('chromium', 'chromium'), ('chromedriver', 'chromium-driver')):
        if not shutil.which(command):
            return '%s is not installed (Debian: %s)' % (command, package)
    try:
        import selenium  # noqa: F401 - only checking it is there
    except ImportError:
        return 'selenium is not installed in the test venv (test-requirements.txt)'
    return None


class Keystone:
    """A bootstrapped Keystone on SQLite under ``workdir/keystone``."""

    def __init__(self, workdir):
        self.dir = pathlib.Path(workdir) / 'keystone'
        self.dir.mkdir()
        self.port = harness.free_port()
        self.url = 'http://127.0.0.1:%d/v3' % self.port
        self.config = harness.write_config(self.dir / 'keystone.conf', {
            'DEFAULT': {'log_file': str(self.dir / 'keystone-manage.log')},
            'database': {'connection': 'sqlite:///%s' % (self.dir / 'keystone.db')},
            'fernet_tokens': {'key_repository': str(self.dir / 'fernet-keys')},
            'credential': {'key_repository': str(self.dir / 'credential-keys')},
        })
        self.daemon = None

    def _manage(self, *args):
        """A running ``keystone-manage``; ``_finished`` checks its exit."""
        command = [str(KEYSTONE_VENV / 'bin' / 'keystone-manage'),
                   '--config-file', self.config] + list(args)
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True)

    @staticmethod
    def _finished(process, timeout=180):
        output = process.communicate(timeout=timeout)[0]
        assert process.returncode == 0, '%s exited %s\n%s' % (
            ' '.join(process.args), process.returncode, output)

    def set_up(self):
        """db_sync, key repositories and bootstrap, as an operator does: the
        first three from the template tools/setup-horizon.sh made (a copy),
        else run here at once (they are independent)."""
        if not self._copy_template():
            owner = ('--keystone-user', str(os.getuid()), '--keystone-group',
                     str(os.getgid()))
            steps = [self._manage('db_sync'), self._manage('fernet_setup', *owner),
                     self._manage('credential_setup', *owner)]
            for process in steps:
                self._finished(process)
        self._finished(self._manage(
            'bootstrap', '--bootstrap-password', ADMIN_PASSWORD,
            '--bootstrap-admin-url', self.url, '--bootstrap-public-url', self.url,
            '--bootstrap-internal-url', self.url, '--bootstrap-region-id', REGION))

    def _copy_template(self):
        """Copy the migrated database and the key repositories of
        KEYSTONE_TEMPLATE; False when there is none (an older setup)."""
        if not os.access(KEYSTONE_TEMPLATE / 'keystone.db', os.R_OK):
            return False
        shutil.copy2(KEYSTONE_TEMPLATE / 'keystone.db', self.dir / 'keystone.db')
        for keys in ('fernet-keys', 'credential-keys'):
            shutil.copytree(KEYSTONE_TEMPLATE / keys, self.dir / keys)
        return True

    def start(self):
        """Start serving; ``wait`` until it answers."""
        self.daemon = harness.Daemon(
            'keystone', [str(KEYSTONE_VENV / 'bin' / 'python'), '-c', _KEYSTONE_SERVER],
            self.dir / 'keystone.log',
            env={'OS_KEYSTONE_CONFIG_FILES': self.config,
                 'KEYSTONE_TEST_PORT': str(self.port)})
        return self.daemon

    def wait(self):
        harness.wait_for_api(self.url, self.daemon, timeout=90)

    def authtoken_section(self):
        """nova-api's [keystone_authtoken]: admin is the service user."""
        return {'www_authenticate_uri': self.url, 'auth_url': self.url,
                'auth_type': 'password', 'username': 'admin', 'password': ADMIN_PASSWORD,
                'project_name': 'admin', 'user_domain_name': 'Default',
                'project_domain_name': 'Default'}

    def admin_connection(self):
        import openstack
        return openstack.connection.Connection(
            auth_url=self.url, username='admin', password=ADMIN_PASSWORD,
            project_name='admin', user_domain_name='Default',
            project_domain_name='Default', region_name=REGION)


def register_services(connection, nova_endpoint):
    """Compute (``/v2.1``), image (``/image``) and network (``/network``,
    the built-in network service) in the catalog, all on nova-api."""
    for service_type, name, url in (('compute', 'nova', nova_endpoint + '/v2.1'),
                                    ('image', 'glance', nova_endpoint + '/image'),
                                    ('network', 'neutron', nova_endpoint + '/network')):
        service = connection.identity.create_service(type=service_type, name=name)
        for interface in ('public', 'internal', 'admin'):
            connection.identity.create_endpoint(service_id=service.id, interface=interface,
                                                url=url, region_id=REGION)


class Horizon:
    """openstack_dashboard under ``django-admin runserver`` on a free port."""

    def __init__(self, workdir, keystone_url):
        self.dir = pathlib.Path(workdir) / 'horizon'
        self.dir.mkdir()
        self.keystone_url = keystone_url
        self.port = harness.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.daemon = None

    def start(self):
        """Start serving (Horizon needs Keystone only once a page is asked
        for); ``wait`` until it listens. Django's system checks, a
        development aid, are skipped: CPU that the start-up does not need."""
        self.daemon = harness.Daemon(
            'horizon', [str(HORIZON_VENV / 'bin' / 'django-admin'), 'runserver', '--noreload',
                        '--insecure', '--skip-checks', '127.0.0.1:%d' % self.port],
            self.dir / 'horizon.log',
            env={'PYTHONPATH': str(HORIZON_SETTINGS),
                 'DJANGO_SETTINGS_MODULE': 'openstack_dashboard.settings',
                 'HORIZON_TEST_STATIC_ROOT': str(HORIZON_VENV / 'static'),
                 'HORIZON_TEST_KEYSTONE_URL': self.keystone_url,
                 'HORIZON_TEST_SECRET_KEY': harness.random_suffix() * 8})
        return self.daemon

    def wait(self):
        harness.wait_until(lambda: harness.port_open('127.0.0.1', self.port, timeout=1), 90,
                           daemons=[self.daemon], what='Horizon to listen')
