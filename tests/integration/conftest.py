"""Fixtures of the integration tier: per test session, fresh RabbitMQ vhosts
and MariaDB databases, config files for each kind of node, a synced and
mapped deployment, and the nova-api process.

``deployment`` prepares everything but starts nothing except through
``deployment.start(script, config_file)``; ``api_server`` is the shared
nova-api process. Daemons are stopped with SIGTERM at the end of the session
and must exit within 15 s.

``libvirt_cloud`` is the one libvirt deployment (with the test guest
uploaded once) that the modules of the ``libvirt`` xdist group share: see
shared_libvirt.py for how a module joins and what a test may rely on.
``ns_two_hosts`` and ``ns_cloud`` are the two namespaced hosts and the
deployment on them that the modules of the ``ns-hosts`` group share
(shared_ns.py).
"""
from openstack import connection as openstack_connection
import pytest

from tests.integration import harness
from tests.integration import preloaded_manage
from tests.integration import shared_libvirt
from tests.integration import shared_ns


def pytest_collection_modifyitems(items):
    for item in items:
        if '/tests/integration/' in str(item.path):
            item.add_marker(pytest.mark.integration)
    shared_ns.order(items)


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


# Short heartbeats so that up/down changes show within seconds.
LIVENESS = {'report_interval': 1, 'service_down_time': 6}


class Cell:
    """One cell: its database, its vhost, its conductor's config."""

    def __init__(self, deployment, name, rabbitmq, mariadb):
        self.name = name
        self.db = mariadb.create_database(name)
        self.transport_url = rabbitmq.add_vhost(name)
        self.uuid = None
        self.conductor_config = deployment.write_config(
            'nova-%s-conductor.conf' % name, {
                'DEFAULT': dict(LIVENESS, transport_url=self.transport_url,
                                host='%s-conductor' % name),
                # The ledger (claims) lives in the API database.
                'api_database': {'connection': deployment.api_db},
                'database': {'connection': self.db},
            })

    def compute_config(self, deployment, host, **sections):
        config = {'DEFAULT': dict(LIVENESS, transport_url=self.transport_url, host=host,
                                  compute_driver='fake')}
        config.update(sections)
        return deployment.write_config('nova-compute-%s.conf' % host, config)


class Deployment:
    """An API database and cell0 on MariaDB, an API-level vhost, and one
    database, vhost and conductor config per cell; one config file per kind
    of node:

    - ``top_config``: nova-api, the super-conductor and the scheduler
      ([api_database], [database] -> cell0, API-level transport_url).
    - ``cells[name].conductor_config``: that cell's conductor.
    - ``compute_config(host, cell='cell1')``: a compute host (its cell's
      transport_url only).
    """

    def __init__(self, workdir, rabbitmq, mariadb, cell_names=('cell1',)):
        self.workdir = workdir
        self.api_db = mariadb.create_database('api')
        self.cell0_db = mariadb.create_database('cell0')
        self.api_transport_url = rabbitmq.add_vhost('api')
        self.api_port = harness.free_port()
        self.endpoint = 'http://127.0.0.1:%d' % self.api_port
        self.compute_endpoint = self.endpoint + '/v2.1'
        self.daemons = []
        self.cells = {name: Cell(self, name, rabbitmq, mariadb) for name in cell_names}
        self.top_config = self.write_config('nova-top.conf', self.top_sections())

    # The single-cell names the first tests use.
    @property
    def cell1_db(self):
        return self.cells['cell1'].db

    @property
    def cell1_transport_url(self):
        return self.cells['cell1'].transport_url

    @property
    def cell1_uuid(self):
        return self.cells['cell1'].uuid

    @property
    def cell_conductor_config(self):
        return self.cells['cell1'].conductor_config

    def top_sections(self):
        return {
            'DEFAULT': dict(LIVENESS, transport_url=self.api_transport_url,
                            host='controller', state_path=str(self.workdir / 'state'),
                            osapi_compute_listen='127.0.0.1',
                            osapi_compute_listen_port=self.api_port),
            'api': {'auth_strategy': 'noauth2', 'noauth2_default_admin': 'true'},
            'api_database': {'connection': self.api_db},
            'database': {'connection': self.cell0_db},
            'image': {'backend': 'local'},
            'scheduler': {'periodic_task_interval': 5},
        }

    def compute_config(self, host, cell='cell1', **sections):
        return self.cells[cell].compute_config(self, host, **sections)

    def write_config(self, name, sections):
        return harness.write_config(self.workdir / name, sections)

    def manage(self, *args, expect=0):
        """nova-manage with the top config (forked from a preloaded
        interpreter: preloaded_manage.py)."""
        return preloaded_manage.nova_manage(self.top_config, *args, expect=expect)

    def set_up_cells(self):
        """The operator's sequence: api_db sync, map_cell0, create_cell, db sync."""
        self.manage('api_db', 'sync')
        self.manage('cell_v2', 'map_cell0', '--database_connection', self.cell0_db)
        for cell in self.cells.values():
            cell.uuid = self.manage(
                'cell_v2', 'create_cell', '--name', cell.name,
                '--database_connection', cell.db,
                '--transport-url', cell.transport_url).stdout.strip()
        self.manage('db', 'sync')

    def start(self, script, config_file, name=None, extra_args=(), wrapper=()):
        """Start a console script; it is stopped (and checked) at session end.
        ``wrapper``: see harness.start_daemon."""
        daemon = harness.start_daemon(script, config_file, self.workdir, name=name,
                                      extra_args=extra_args, wrapper=wrapper)
        self.daemons.append(daemon)
        return daemon

    def stop_all(self):
        daemons, self.daemons = self.daemons, []
        harness.stop_daemons(daemons)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        """Stop every daemon started, also when the setup of a fixture
        failed half-way (a daemon that never answered, say)."""
        self.stop_all()
        return False

    def sdk(self):
        """An openstacksdk connection to nova-api (noauth2: the admin)."""
        return openstack_connection.Connection(
            auth_type='none', compute_endpoint_override=self.compute_endpoint,
            image_endpoint_override=self.endpoint + '/image',
            network_endpoint_override=self.endpoint + '/network')

    def raw_image(self, sdk, name, **attributes):
        """A small raw image named ``name`` uploaded to nova-api's /image."""
        disk = self.workdir / ('%s.raw' % name)
        disk.write_bytes(b'\0' * 65536)
        return sdk.image.create_image(name, filename=str(disk), disk_format='raw',
                                      container_format='bare', **attributes)

    def wait_for_nodes(self, sdk, names):
        """Discover hosts until the hypervisors listed are ``names``."""
        def ready():
            # No nova-compute reported yet: nothing to discover (each
            # nova-manage run costs a second or two of CPU).
            if not any(service.binary == 'nova-compute' for service in sdk.compute.services()):
                return False
            self.manage('cell_v2', 'discover_hosts')
            return {hypervisor.name for hypervisor in sdk.compute.hypervisors()} == set(names)
        harness.wait_until(ready, 60, daemons=self.daemons, what='fake nodes %s reported'
                           % ', '.join(sorted(names)))


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


@pytest.fixture(scope='session')
def shared_libvirt_session(rabbitmq, mariadb):
    """Stops the shared libvirt deployment, if still up, at session end
    (before the vhosts and databases it uses are deleted)."""
    yield shared_libvirt.SHARED
    shared_libvirt.SHARED.stop()


@pytest.fixture
def libvirt_cloud(shared_libvirt_session, tmp_path_factory, rabbitmq, mariadb):
    """The shared LibvirtCloud (shared_libvirt.py), started on first use."""
    return shared_libvirt_session.get(tmp_path_factory, rabbitmq, mariadb)


@pytest.fixture(scope='session')
def shared_ns_session(rabbitmq, mariadb):
    """Stops the shared two-host deployment and removes its hosts, if
    still up, at session end (before its vhosts and databases go)."""
    yield shared_ns.SHARED
    shared_ns.SHARED.stop()


@pytest.fixture
def ns_two_hosts(shared_ns_session):
    """The shared two namespaced hosts (an NsHosts), up on first use."""
    return shared_ns_session.get_hosts()


@pytest.fixture
def ns_cloud(shared_ns_session, ns_two_hosts, tmp_path_factory, rabbitmq, mariadb):
    """The shared NsLibvirtCloud on ``ns_two_hosts``, started on first use."""
    return shared_ns_session.get_cloud(tmp_path_factory, rabbitmq, mariadb)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Once the fixtures of a test that used the shared libvirt deployment
    (or the shared namespaced hosts) are torn down, stop it unless the next
    test uses it too."""
    yield
    if (shared_libvirt.FIXTURE in getattr(item, 'fixturenames', ())
            and shared_libvirt.FIXTURE not in getattr(nextitem, 'fixturenames', ())):
        shared_libvirt.SHARED.stop()
    if shared_ns.uses(item, shared_ns.FIXTURES) and not shared_ns.uses(nextitem,
                                                                       shared_ns.FIXTURES):
        shared_ns.SHARED.stop()
