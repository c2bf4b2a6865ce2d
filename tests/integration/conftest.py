"""Fixtures of the integration tier: per test session, fresh RabbitMQ vhosts
and MariaDB databases, config files for each kind of node, a synced and
mapped deployment, and the nova-api process.

``deployment`` prepares everything but starts nothing except through
``deployment.start(script, config_file)``; ``api_server`` is the shared
nova-api process. Daemons are stopped with SIGTERM at the end of the session
and must exit within 10 s.
"""
import pytest

from tests.integration import harness


def pytest_collection_modifyitems(items):
    for item in items:
        if '/tests/integration/' in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test shows the last lines of every daemon's log."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and harness.RUNNING_DAEMONS:
        report.sections.append(('daemon logs', '\n'.join(
            daemon.describe() for daemon in harness.RUNNING_DAEMONS)))


@pytest.fixture(scope='session')
def rabbitmq():
    broker = harness.RabbitMQ()
    broker.check()
    yield broker
    broker.cleanup()


@pytest.fixture(scope='session')
def mariadb():
    server = harness.MariaDB()
    server.check()
    yield server
    server.cleanup()


class Deployment:
    """One API database, cell0 and cell1 on MariaDB; an API-level vhost and
    a cell1 vhost on RabbitMQ; one config file per kind of node:

    - ``top_config``: nova-api, the super-conductor and the scheduler
      ([api_database], [database] -> cell0, API-level transport_url).
    - ``cell_conductor_config``: the cell1 conductor ([database] -> cell1,
      cell1 transport_url).
    - ``compute_config(host)``: a compute host (cell1 transport_url only).
    """

    def __init__(self, workdir, rabbitmq, mariadb):
        self.workdir = workdir
        self.api_db = mariadb.create_database('api')
        self.cell0_db = mariadb.create_database('cell0')
        self.cell1_db = mariadb.create_database('cell1')
        self.api_transport_url = rabbitmq.add_vhost('api')
        self.cell1_transport_url = rabbitmq.add_vhost('cell1')
        self.api_port = harness.free_port()
        self.endpoint = 'http://127.0.0.1:%d' % self.api_port
        self.compute_endpoint = self.endpoint + '/v2.1'
        self.daemons = []
        self.cell1_uuid = None
        self.top_config = self.write_config('nova-top.conf', self.top_sections())
        self.cell_conductor_config = self.write_config(
            'nova-cell1-conductor.conf', self.cell_conductor_sections())

    def top_sections(self):
        return {
            'DEFAULT': {'transport_url': self.api_transport_url,
                        'host': 'controller',
                        'osapi_compute_listen': '127.0.0.1',
                        'osapi_compute_listen_port': self.api_port},
            'api': {'auth_strategy': 'noauth2', 'noauth2_default_admin': 'true'},
            'api_database': {'connection': self.api_db},
            'database': {'connection': self.cell0_db},
        }

    def cell_conductor_sections(self):
        return {
            'DEFAULT': {'transport_url': self.cell1_transport_url,
                        'host': 'cell1-conductor'},
            'database': {'connection': self.cell1_db},
        }

    def compute_sections(self, host):
        return {'DEFAULT': {'transport_url': self.cell1_transport_url,
                            'host': host, 'compute_driver': 'fake'}}

    def compute_config(self, host):
        return self.write_config('nova-compute-%s.conf' % host, self.compute_sections(host))

    def write_config(self, name, sections):
        return harness.write_config(self.workdir / name, sections)

    def manage(self, *args, expect=0):
        return harness.nova_manage(self.top_config, *args, expect=expect)

    def set_up_cells(self):
        """The operator's sequence: api_db sync, map_cell0, create_cell, db sync."""
        self.manage('api_db', 'sync')
        self.manage('cell_v2', 'map_cell0', '--database_connection', self.cell0_db)
        self.cell1_uuid = self.manage(
            'cell_v2', 'create_cell', '--name', 'cell1',
            '--database_connection', self.cell1_db,
            '--transport-url', self.cell1_transport_url).stdout.strip()
        self.manage('db', 'sync')

    def start(self, script, config_file, name=None, extra_args=()):
        """Start a console script; it is stopped (and checked) at session end."""
        daemon = harness.start_daemon(script, config_file, self.workdir, name=name,
                                      extra_args=extra_args)
        self.daemons.append(daemon)
        return daemon

    def stop_all(self):
        failures = []
        for daemon in reversed(self.daemons):
            try:
                daemon.stop()
            except AssertionError as error:
                failures.append(str(error))
        self.daemons = []
        assert not failures, '\n'.join(failures)


@pytest.fixture(scope='session')
def deployment(tmp_path_factory, rabbitmq, mariadb):
    """A deployment whose databases are synced and cells mapped; daemons
    started with ``deployment.start`` are stopped at the end."""
    control_plane = Deployment(tmp_path_factory.mktemp('deployment'), rabbitmq, mariadb)
    control_plane.set_up_cells()
    yield control_plane
    control_plane.stop_all()


@pytest.fixture(scope='session')
def api_server(deployment):
    """The nova-api process of the deployment, answering at deployment.endpoint."""
    daemon = deployment.start('nova-api', deployment.top_config)
    harness.wait_for_api(deployment.endpoint, daemon)
    return daemon


@pytest.fixture(scope='session')
def openstack(deployment, api_server):
    """The ``openstack`` CLI talking to the deployment's nova-api."""
    clouds_yaml = harness.write_clouds_yaml(
        deployment.workdir / 'clouds.yaml', 'nova-test', deployment.endpoint)
    return harness.OpenStackCLI(clouds_yaml, 'nova-test')
