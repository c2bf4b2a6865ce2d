"""Live migration on libvirt without libvirtd: the shared-storage check
and the block migration decision, the CPU comparison's verdicts, the
migration flags, and the monitoring loop (progress, abort,
force_complete) around a domain whose migrateToURI3 blocks."""
import threading

import libvirt
import pytest

from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import live_migration_monitor
from nova_compute.virt.libvirt import live_migration

CAPABILITIES = "<capabilities><host><cpu><arch>x86_64</arch><model>qemu64</model>" \
               "</cpu></host></capabilities>"


class FakeConnection:
    def __init__(self, verdict=libvirt.VIR_CPU_COMPARE_IDENTICAL):
        self.verdict = verdict
        self.compared = []

    def getCapabilities(self):
        return CAPABILITIES

    def compareCPU(self, xml, flags):
        self.compared.append(xml)
        return self.verdict


class FakeDomain:
    """migrateToURI3 blocks until released (or aborted)."""

    def __init__(self):
        self.release = threading.Event()
        self.aborted = False
        self.paused = False
        self.calls = []

    def migrateToURI3(self, uri, params, flags):
        self.calls.append((uri, params, flags))
        self.release.wait(10)
        if self.aborted:
            raise libvirt.libvirtError('operation aborted: migration job: canceled by client')

    def jobStats(self):
        return {'memory_total': 100, 'memory_processed': 40, 'memory_remaining': 60,
                'disk_total': 0, 'disk_processed': 0, 'disk_remaining': 0}

    def abortJob(self):
        self.aborted = True
        self.release.set()

    def state(self):
        return [libvirt.VIR_DOMAIN_PAUSED if self.paused else libvirt.VIR_DOMAIN_RUNNING, 0]

    def info(self):
        return [self.state()[0], 0, 0, 1, 0]

    def suspend(self):
        self.paused = True
        self.release.set()


@pytest.fixture
def instances(tmp_path):
    CONF.set_override('instances_path', str(tmp_path))
    yield tmp_path
    CONF.clear_override('instances_path')


def test_separate_instances_directories_mean_a_block_migration(instances, tmp_path_factory):
    dest_data = live_migration.check_destination('host2', 'auto')
    assert dest_data['dest_address'] == 'host2'
    marker = instances / dest_data['marker']
    assert marker.exists()
    # The source sees no marker: its directory is another.
    CONF.set_override('instances_path', str(tmp_path_factory.mktemp('source')))
    data = live_migration.check_source(FakeConnection(), {'uuid': 'u'}, dest_data)
    assert (data['block_migration'], data['is_shared_instance_path']) == (True, False)
    assert '<model>qemu64</model>' in data['source_cpu']
    with pytest.raises(exception.MigrationPreCheckError):
        live_migration.check_source(FakeConnection(), {'uuid': 'u'},
                                    dict(dest_data, block_migration=False))
    CONF.set_override('instances_path', str(instances))
    live_migration.remove_marker(dest_data)
    assert not marker.exists()


def test_a_shared_instances_directory_means_no_block_migration(instances):
    dest_data = live_migration.check_destination('host2', 'auto')
    data = live_migration.check_source(FakeConnection(), {'uuid': 'u'}, dest_data)
    assert (data['block_migration'], data['is_shared_instance_path']) == (False, True)
    with pytest.raises(exception.MigrationPreCheckError):
        live_migration.check_source(FakeConnection(), {'uuid': 'u'},
                                    dict(dest_data, block_migration=True))


def test_an_incompatible_cpu_is_refused():
    data = {'source_cpu': '<cpu/>'}
    live_migration.check_compatibility(FakeConnection(libvirt.VIR_CPU_COMPARE_SUPERSET), data)
    with pytest.raises(exception.MigrationPreCheckError, match='incompatible'):
        live_migration.check_compatibility(
            FakeConnection(libvirt.VIR_CPU_COMPARE_INCOMPATIBLE), data)


def test_flags():
    base = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER
            | libvirt.VIR_MIGRATE_PERSIST_DEST | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
    assert live_migration.migration_flags({'block_migration': False}, {}) == base
    assert live_migration.migration_flags({'block_migration': True}, {'image_ref': 'i'}) == \
        base | libvirt.VIR_MIGRATE_NON_SHARED_INC
    assert live_migration.migration_flags({'block_migration': True}, {}) == \
        base | libvirt.VIR_MIGRATE_NON_SHARED_DISK


def _run(domain, monitor):
    outcome = {}

    def run():
        try:
            live_migration.migrate(domain, {'uuid': 'u'},
                                   {'dest_address': '10.0.0.2', 'block_migration': True},
                                   monitor)
        except Exception as error:  # noqa: BLE001 - examined by the test
            outcome['error'] = error
    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_progress_then_abort():
    domain = FakeDomain()
    reports = []
    monitor = live_migration_monitor.Monitor('u', 0, reports.append)
    thread, outcome = _run(domain, monitor)
    while not reports:
        thread.join(0.05)
    assert reports[0]['memory_remaining_bytes'] == 60
    monitor.request_abort()
    thread.join(5)
    assert domain.aborted and isinstance(outcome['error'],
                                         live_migration_monitor.LiveMigrationAborted)
    assert monitor.cancelled
    uri, params, _flags = domain.calls[0]
    assert (uri, params) == ('qemu+tcp://10.0.0.2/system',
                             {libvirt.VIR_MIGRATE_PARAM_URI: 'tcp://10.0.0.2'})


def test_force_complete_pauses_the_guest():
    domain = FakeDomain()
    monitor = live_migration_monitor.Monitor('u', 0)
    monitor.request_force_complete()
    thread, outcome = _run(domain, monitor)
    thread.join(5)
    assert domain.paused and outcome == {}
