"""A deployment whose compute runs real guests: the libvirt driver on the
host's libvirtd (qemu:///system, virt_type = qemu), every daemon its own
process over RabbitMQ and MariaDB, nova-metadata-api among them. Shared by tests/integration/test_libvirt.py
and bench/guest_boot.py.

The test guest (tools/build-test-image.sh) goes in through nova-api's
/image as three images: its kernel (disk_format aki), its ramdisk (ari) and
a 1 MiB raw root disk whose first bytes are a marker and whose properties
kernel_id / ramdisk_id name the other two; servers boot from the root disk
image. Its os_command_line adds no_timer_check: under TCG on a loaded host
the kernel's IO-APIC timer check can fail and panic the guest. The compute fetches images with the glance backend pointed at that
/image ([glance] endpoint_override, auth_type none: with noauth2 the
"notused" token it sends is the admin's).

NOVA_TEST_IMAGE_DIR names where the test guest is built (default
/tmp/nova-test-guest; built once, then reused).
"""
import collections
import fcntl
import os
import pathlib
import shutil
import subprocess

from tests.integration import conftest
from tests.integration import harness

URI = 'qemu:///system'
IMAGE_DIR = os.environ.get('NOVA_TEST_IMAGE_DIR', '/tmp/nova-test-guest')
REPO = pathlib.Path(__file__).resolve().parents[2]
BOOTED = 'NOVA-TEST-GUEST-BOOTED'
ACPI_READY = 'NOVA-TEST-GUEST-ACPI-READY'
# A guest boots in ~4 s under TCG; a loaded machine gets some slack.
BOOT_TIMEOUT = 90


def virsh(*args, expect=0):
    result = subprocess.run(['virsh', '-c', URI] + list(args), capture_output=True, text=True,
                            timeout=60)
    if expect is not None:
        assert result.returncode == expect, 'virsh %s: %s' % (' '.join(args), result.stderr)
    return result


def guests_named(prefix, running_only=False):
    listing = virsh('list', '--name', *([] if running_only else ['--all'])).stdout
    return [name for name in listing.split() if name.startswith(prefix)]


def remove_guests(prefix):
    """Destroy and undefine the domains a failed run left behind."""
    for name in guests_named(prefix):
        virsh('destroy', name, expect=None)
        virsh('undefine', '--managed-save', name, expect=None)


def require_libvirt():
    """libvirtd, QEMU and libvirt-python must be there (harness.require:
    skip, or fail under CI)."""
    harness.require(shutil.which('virsh') and shutil.which('qemu-img'),
                    'virsh and qemu-img are not installed (tools/setup-libvirt.sh)')
    try:
        import libvirt
    except ImportError:
        harness.require(False, 'libvirt-python is not installed')
    try:
        libvirt.open(URI).close()
    except libvirt.libvirtError as error:
        harness.require(False, 'libvirtd does not answer on %s (tools/setup-libvirt.sh): %s'
                        % (URI, error))


def build_test_guest():
    """The directory holding the test guest's vmlinuz and initrd.img. Test
    workers running at once build it once: the others wait on the lock."""
    with open(IMAGE_DIR.rstrip('/') + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(['bash', str(REPO / 'tools' / 'build-test-image.sh'),
                                 IMAGE_DIR], capture_output=True, text=True, timeout=600)
    harness.require(result.returncode == 0,
                    'building the test guest failed: %s' % result.stderr.strip())
    return pathlib.Path(IMAGE_DIR)


def upload_test_guest(cli, guest_images, workdir):
    """Upload the test guest (kernel, ramdisk, marked root disk) through
    ``cli``; returns (root disk image id, the marker its first bytes hold)."""
    kernel = cli.json('image', 'create', '--disk-format', 'aki', '--container-format',
                      'aki', '--file', guest_images / 'vmlinuz', 'nt-kernel')
    ramdisk = cli.json('image', 'create', '--disk-format', 'ari', '--container-format',
                       'ari', '--file', guest_images / 'initrd.img', 'nt-ramdisk')
    marker = 'NOVA-IT-DISK-%s' % harness.random_suffix()
    disk = pathlib.Path(workdir) / 'root.raw'
    with disk.open('wb') as handle:
        handle.write(marker.encode())
        handle.truncate(1024 * 1024)
    root = cli.json('image', 'create', '--disk-format', 'raw', '--container-format',
                    'bare', '--file', disk, '--property', 'kernel_id=%s' % kernel['id'],
                    '--property', 'ramdisk_id=%s' % ramdisk['id'],
                    '--property', 'os_command_line=console=ttyS0 no_timer_check',
                    'nt-root')
    return root['id'], marker


# The test guest as uploaded: its root disk image (booted from), the marker
# that disk's first bytes hold, and the kernel and ramdisk images it names.
UploadedGuest = collections.namedtuple('UploadedGuest',
                                       'image_id marker kernel_id ramdisk_id')


class LibvirtCloud:
    """API, metadata API, super-conductor, scheduler, cell1 conductor and
    one libvirt compute. Its guests' names (``instance_name_template``) and files
    (``instances_path``) are its own, so that it never touches another
    deployment's guests on the same libvirtd. The scheduler may hand out 16
    vCPUs per core and quotas are off: a 2-core machine runs the
    benchmark's 10 guests at once."""

    # One host: a resize can only stay on it (test_libvirt_resize.py).
    allow_resize_to_same_host = True

    def __init__(self, workdir, rabbitmq, mariadb, compute_options=None):
        self.workdir = pathlib.Path(workdir)
        suffix = harness.random_suffix()
        self.deployment = conftest.Deployment(self.workdir, rabbitmq, mariadb)
        top = self.deployment.top_sections()
        top['DEFAULT']['cpu_allocation_ratio'] = 16.0
        top['DEFAULT']['allow_resize_to_same_host'] = self.allow_resize_to_same_host
        top['quota'] = {'instances': -1, 'cores': -1, 'ram': -1}
        # nova-metadata-api, which the computes' metadata proxies forward to.
        self.metadata_secret = harness.random_suffix()
        self.metadata_endpoint = 'http://127.0.0.1:%d' % harness.free_port()
        top['metadata'] = {'metadata_listen': '127.0.0.1',
                           'metadata_listen_port': self.metadata_endpoint.rsplit(':', 1)[1],
                           'metadata_proxy_shared_secret': self.metadata_secret}
        self.deployment.top_config = self.deployment.write_config('nova-top.conf', top)
        self.deployment.set_up_cells()
        self.host = 'libvirt-%s' % suffix
        self.name_prefix = 'nt%s-' % suffix
        self.instances_path = self.workdir / 'instances'
        self.guest_images = None
        self.uploaded_test_guest = None
        self.node_mapped = False
        try:
            self.api = self.deployment.start('nova-api', self.deployment.top_config)
            self.deployment.start('nova-metadata-api', self.deployment.top_config)
            self.deployment.start('nova-conductor', self.deployment.top_config,
                                  name='super-conductor')
            self.deployment.start('nova-scheduler', self.deployment.top_config)
            self.deployment.start('nova-conductor', self.deployment.cell_conductor_config,
                                  name='cell1-conductor')
            self.start_computes(compute_options or {})
            harness.wait_for_api(self.deployment.endpoint, self.api)
        except BaseException:
            # A daemon that failed to start must not leave the others running.
            self.stop()
            raise
        self.cli = harness.OpenStackCLI(harness.write_clouds_yaml(
            self.workdir / 'clouds.yaml', 'libvirt', self.deployment.endpoint), 'libvirt')

    def compute_sections(self, host, instances_path, compute_options, state_dir):
        """The config sections of a libvirt compute named ``host``
        (``compute_options`` {section: {option: value}} on top)."""
        sections = {
            'DEFAULT': dict(conftest.LIVENESS, host=host,
                            transport_url=self.deployment.cell1_transport_url,
                            compute_driver='libvirt', instances_path=str(instances_path),
                            instance_name_template=self.name_prefix + '%08x',
                            state_path=str(self.workdir / state_dir)),
            'compute': {'resource_update_interval': 2},
            'libvirt': {'virt_type': 'qemu', 'connection_uri': URI},
            'image': {'backend': 'glance'},
            'glance': {'endpoint_override': self.deployment.endpoint + '/image',
                       'auth_type': 'none'},
            # The metadata proxies: port look-ups at nova-api's /network as
            # the admin (noauth2), requests signed for nova-metadata-api.
            'metadata': {'metadata_url': self.metadata_endpoint,
                         'metadata_proxy_shared_secret': self.metadata_secret,
                         'network_url': self.deployment.endpoint + '/network',
                         'network_token': 'admin:admin'},
        }
        for section, options in compute_options.items():
            sections.setdefault(section, {}).update(options)
        return sections

    def start_computes(self, compute_options):
        """One compute on this machine's libvirtd (``self.compute``)."""
        sections = self.compute_sections(self.host, self.instances_path, compute_options,
                                         'compute-state')
        self.compute = self.deployment.start(
            'nova-compute', self.deployment.write_config('nova-compute-libvirt.conf', sections),
            name=self.host)

    def get(self, path, version='2.90'):
        """(status, parsed body) of a GET on the compute API, as the admin."""
        status, _headers, body = harness.http_get(
            self.deployment.compute_endpoint + path,
            headers={'X-Auth-Token': 'admin:admin',
                     'OpenStack-API-Version': 'compute %s' % version})
        return status, body

    def wait(self, predicate, what, timeout=BOOT_TIMEOUT):
        return harness.wait_until(predicate, timeout, daemons=self.deployment.daemons,
                                  what=what)

    def hypervisor(self):
        """This compute's hypervisor record, once it is mapped and reported
        (2.87: the last microversion that shows its resources)."""
        def found():
            # Once a discover_hosts run has mapped the node, later calls (a
            # test polling the usage) need no nova-manage run.
            if not self.node_mapped:
                self.deployment.manage('cell_v2', 'discover_hosts')
            status, body = self.get('/os-hypervisors/detail', version='2.87')
            return status == 200 and [h for h in body['hypervisors']
                                      if h['hypervisor_hostname'] == self.host]
        hypervisor = self.wait(found, 'the libvirt compute node to be reported', timeout=60)[0]
        self.node_mapped = True
        return hypervisor

    def upload_test_guest(self):
        """Upload the test guest with the ``openstack`` CLI; returns (root
        disk image id, the marker its first bytes hold)."""
        self.guest_images = self.guest_images or build_test_guest()
        return upload_test_guest(self.cli, self.guest_images, self.workdir)

    def test_guest(self):
        """The test guest uploaded once for this deployment (an
        UploadedGuest). Tests must not change or delete these images."""
        if self.uploaded_test_guest is None:
            image_id, marker = self.upload_test_guest()
            root = self.deployment.sdk().image.get_image(image_id)
            properties = root.properties or {}
            self.uploaded_test_guest = UploadedGuest(
                image_id, marker, getattr(root, 'kernel_id', None) or properties['kernel_id'],
                getattr(root, 'ramdisk_id', None) or properties['ramdisk_id'])
        return self.uploaded_test_guest

    def console_file(self, server_id):
        """The serial console log virtlogd writes (what the API serves)."""
        try:
            return (self.instances_path / server_id / 'console.log').read_text(
                errors='replace')
        except FileNotFoundError:
            return ''

    def stop(self):
        """Stop the daemons, then remove the guests a failed run left."""
        try:
            self.deployment.stop_all()
        finally:
            remove_guests(self.name_prefix)
