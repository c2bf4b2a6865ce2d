"""One libvirt deployment (LibvirtCloud: API, conductors, scheduler, one
libvirt compute, and the test guest uploaded once) shared by every module
of the ``libvirt`` xdist group, instead of one per module.

A module joins with::

    pytestmark = pytest.mark.xdist_group(shared_libvirt.GROUP)

    @pytest.fixture
    def cloud(libvirt_cloud):
        return libvirt_cloud

``libvirt_cloud`` (tests/integration/conftest.py) starts the deployment on
first use in a test process; it is stopped as soon as the next test to run
does not use it (or at the end of the session), so its daemons do not idle
through the rest of the run. With ``--dist loadgroup`` (the Makefile's) all
tests of the group run in one xdist worker, one after the other: the
deployment starts once per run.

What a test may rely on: a compute configured with COMPUTE_OPTIONS, no
servers of other tests left (each test deletes its own, also its
flavors' names are its own), and ``cloud.test_guest()``, the test guest
uploaded once: (root disk image id, marker, kernel image id, ramdisk image
id). Tests that need a differently configured compute start their own
LibvirtCloud.
"""
GROUP = 'libvirt'
FIXTURE = 'libvirt_cloud'
# The union of what the modules of the group need: short clean-shutdown and
# soft-reboot waits (the test guest answers ACPI at once), shelve offloads at
# once.
COMPUTE_OPTIONS = {
    'DEFAULT': {'shutdown_timeout': 20, 'shelved_offload_time': 0},
    'libvirt': {'soft_reboot_wait': 20},
}


class SharedLibvirtCloud:
    """Starts the shared LibvirtCloud on demand; remembers a failed start so
    that the group's other tests fail at once with the same reason."""

    def __init__(self):
        self.cloud = None
        self.start_error = None

    def get(self, tmp_path_factory, rabbitmq, mariadb):
        # Imported here: libvirt_cloud imports conftest, which imports this.
        from tests.integration import libvirt_cloud
        libvirt_cloud.require_libvirt()
        if self.start_error is not None:
            raise AssertionError('the shared libvirt deployment failed to start: %s'
                                 % self.start_error)
        if self.cloud is None:
            try:
                self.cloud = libvirt_cloud.LibvirtCloud(
                    tmp_path_factory.mktemp('libvirt-shared'), rabbitmq, mariadb,
                    compute_options=COMPUTE_OPTIONS)
            except BaseException as error:
                self.start_error = error
                raise
        return self.cloud

    def stop(self):
        cloud, self.cloud = self.cloud, None
        if cloud is not None:
            cloud.stop()


SHARED = SharedLibvirtCloud()
