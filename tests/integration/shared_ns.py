"""One two-host namespace deployment (ns_hosts.NsHosts(2) and an
ns_cloud.NsLibvirtCloud on them: API, conductors, scheduler over RabbitMQ
and MariaDB, a nova-compute and a libvirtd per host) shared by every
module of the ``ns-hosts`` xdist group, instead of one per module.

A module joins with::

    pytestmark = pytest.mark.xdist_group(shared_ns.GROUP)

    @pytest.fixture
    def two_hosts(ns_two_hosts):
        return ns_two_hosts

    @pytest.fixture
    def cloud(ns_cloud):
        return ns_cloud

``ns_two_hosts`` (tests/integration/conftest.py) brings the hosts up on
first use in a test process, ``ns_cloud`` starts the deployment on them on
first use; both are stopped as soon as the next test to run uses neither
(or at the end of the session). With ``--dist loadgroup`` (the Makefile's)
the group's tests run in one xdist worker, one after the other, and
``order`` puts those that use the bare hosts before those that use the
deployment: the hosts and the deployment start once per run, and the
bare-host tests see hosts no nova-compute has written to.

What a test may rely on: the deployment's options (COMPUTE_OPTIONS, and
``allow_resize_to_same_host`` off: a resize moves to the other host), both
computes up and not forced down, no servers of other tests left (each
test deletes its own and its flavors, also when it fails, and starts
again a compute it stopped), and ``cloud.test_guest()``, the test guest
uploaded once.
"""
import importlib.util

GROUP = 'ns-hosts'
HOSTS_FIXTURE = 'ns_two_hosts'
CLOUD_FIXTURE = 'ns_cloud'
FIXTURES = (HOSTS_FIXTURE, CLOUD_FIXTURE)
# Short clean-shutdown waits: the test guest answers ACPI at once.
COMPUTE_OPTIONS = {
    'DEFAULT': {'shutdown_timeout': 20},
}


def uses(item, fixtures):
    """Whether test ``item`` (may be None) uses one of ``fixtures``."""
    return bool(set(getattr(item, 'fixturenames', ())) & set(fixtures))


def _stage(item):
    """0: uses neither shared part, 1: the bare hosts, 2: the deployment."""
    if uses(item, (CLOUD_FIXTURE,)):
        return 2
    return 1 if uses(item, (HOSTS_FIXTURE,)) else 0


def order(items):
    """Sort the group's tests in place by stage, keeping their places in
    ``items`` (so the scheduler's order of work units is unchanged) and
    their order within a stage."""
    from tests import scheduling
    places = [index for index, item in enumerate(items)
              if scheduling.group_of(item) == GROUP]
    ordered = sorted((items[index] for index in places), key=_stage)
    for index, item in zip(places, ordered):
        items[index] = item


class SharedNsCloud:
    """Brings up the hosts, and the deployment on them, on demand;
    remembers a failed start so that the group's other tests fail at once
    with the same reason."""

    def __init__(self):
        self.hosts = None
        self.cloud = None
        self.start_error = None

    def _check(self):
        # Imported here: ns_cloud imports conftest, which imports this.
        from tests.integration import harness
        from tests.integration import ns_hosts
        ns_hosts.require_tools()
        harness.require(importlib.util.find_spec('libvirt') is not None,
                        'libvirt-python is not installed')
        if self.start_error is not None:
            raise AssertionError('the shared two-host deployment failed to start: %s'
                                 % self.start_error)

    def get_hosts(self):
        from tests.integration import ns_hosts
        self._check()
        if self.hosts is None:
            hosts = ns_hosts.NsHosts(2)
            try:
                hosts.up()
            except BaseException as error:
                self.start_error = error
                hosts.down()
                raise
            self.hosts = hosts
        return self.hosts

    def get_cloud(self, tmp_path_factory, rabbitmq, mariadb):
        from tests.integration import ns_cloud
        hosts = self.get_hosts()
        if self.cloud is None:
            try:
                self.cloud = ns_cloud.NsLibvirtCloud(
                    tmp_path_factory.mktemp('ns-shared'), rabbitmq, mariadb, hosts,
                    compute_options=COMPUTE_OPTIONS)
            except BaseException as error:
                self.start_error = error
                raise
        return self.cloud

    def stop(self):
        """Stop the deployment, then remove the hosts (also when stopping
        the deployment failed)."""
        cloud, self.cloud = self.cloud, None
        hosts, self.hosts = self.hosts, None
        try:
            if cloud is not None:
                cloud.stop()
        finally:
            if hosts is not None:
                hosts.down()


SHARED = SharedNsCloud()
