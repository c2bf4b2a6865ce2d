"""The source compute's live migration around what its driver offers the
destination (libvirt: the config drive): offered before the destination
prepares, with the offer in the migrate_data the destination gets, and
undone by the driver on every failure after that; a migration that
completes leaves it to the driver's post_live_migration."""
import pytest

from nova_compute import live_migration
from nova_compute.virt import live_migration_monitor

MIGRATION = {'id': 7, 'uuid': 'm-7', 'instance_uuid': 'u-1', 'dest_compute': 'host-2',
             'dest_node': 'host-2'}


class Driver:
    def __init__(self, fail_live_migration=False):
        self.calls = []
        self.fail_live_migration = fail_live_migration

    def prepare_live_migration_at_source(self, context, instance, migrate_data):
        self.calls.append('prepare')
        return dict(migrate_data, config_drive_url='http://h1/s/')

    def rollback_live_migration_at_source(self, context, instance, migrate_data):
        self.calls.append(('rollback_at_source', migrate_data.get('config_drive_url')))

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        self.calls.append(('live_migration', migrate_data.get('config_drive_url')))
        if self.fail_live_migration:
            raise RuntimeError('migration job failed')

    def post_live_migration(self, context, instance, migrate_data):
        self.calls.append(('post', migrate_data.get('config_drive_url')))

    def get_power_state(self, instance):
        return 1


class Conductor:
    def move_step(self, context, migration_id, migration_updates, uuid=None,
                  instance_updates=None, **kwargs):
        return {'migration': None, 'instance': {'uuid': uuid, 'host': 'host-1'}}

    def action_event(self, *args, **kwargs):
        pass


class Compute:
    def __init__(self, fail_pre=False):
        self.fail_pre = fail_pre
        self.calls = []

    def pre_live_migration(self, context, dest, instance, migrate_data, migration,
                           record_events=True):
        self.calls.append(('pre', migrate_data.get('config_drive_url')))
        if self.fail_pre:
            raise RuntimeError('destination failed to prepare')
        return migrate_data

    def rollback_live_migration_at_destination(self, context, dest, instance, migrate_data):
        self.calls.append('rollback_at_destination')

    def post_live_migration_at_destination(self, context, dest, instance, migration):
        self.calls.append('post_at_destination')


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr(live_migration.lifecycle, 'announce', lambda *a, **k: None)


def _migrate(driver, compute):
    steps = live_migration.Steps('host-1', driver, Conductor(), compute)
    steps._migrate(None, {'uuid': 'u-1', 'host': 'host-1'},
                   {'block_migration': True, 'is_shared_instance_path': False},
                   dict(MIGRATION), live_migration_monitor.Monitor('u-1', 0), 0.0)


def test_the_offer_reaches_the_destination_and_ends_with_the_post():
    driver, compute = Driver(), Compute()
    _migrate(driver, compute)
    assert compute.calls == [('pre', 'http://h1/s/'), 'post_at_destination']
    assert driver.calls == ['prepare', ('live_migration', 'http://h1/s/'),
                            ('post', 'http://h1/s/')]


@pytest.mark.parametrize('driver, compute', [
    (Driver(), Compute(fail_pre=True)),
    (Driver(fail_live_migration=True), Compute()),
], ids=['destination-failed-to-prepare', 'migration-failed'])
def test_a_failure_undoes_the_offer_on_the_source(driver, compute):
    _migrate(driver, compute)
    assert 'rollback_at_destination' in compute.calls
    assert driver.calls[0] == 'prepare'
    assert driver.calls[-1] == ('rollback_at_source', 'http://h1/s/')
    assert not any(call[0] == 'post' for call in driver.calls if isinstance(call, tuple))


class UnreachableAtStart(Conductor):
    """The source's start write ('preparing') cannot reach the conductor."""

    def __init__(self):
        self.steps = []

    def move_step(self, context, migration_id, migration_updates, uuid=None,
                  instance_updates=None, **kwargs):
        self.steps.append(migration_updates)
        if migration_updates == {'status': 'preparing'}:
            raise TimeoutError('no answer from the conductor')
        return super().move_step(context, migration_id, migration_updates, uuid,
                                 instance_updates, **kwargs)


def test_a_start_that_could_not_be_recorded_rolls_back_and_never_migrates():
    """The start is written while the destination prepares: when it
    fails, the guest does not move and the destination is cleaned up."""
    driver, compute, conductor = Driver(), Compute(), UnreachableAtStart()
    steps = live_migration.Steps('host-1', driver, conductor, compute)
    steps._migrate(None, {'uuid': 'u-1', 'host': 'host-1'},
                   {'block_migration': True, 'is_shared_instance_path': False},
                   dict(MIGRATION), live_migration_monitor.Monitor('u-1', 0), 0.0)
    assert not any(call[0] == 'live_migration' for call in driver.calls
                   if isinstance(call, tuple))
    assert 'rollback_at_destination' in compute.calls
    assert driver.calls[-1] == ('rollback_at_source', 'http://h1/s/')
    assert conductor.steps[-1] == {'status': 'error'}
