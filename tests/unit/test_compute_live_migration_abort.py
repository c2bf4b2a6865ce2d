"""An abort that reaches the source compute before its live migration
does (2.65: the migration ``queued`` with the conductor or waiting for
the instance's lock) is kept and handed to the migration when it starts
there; one that never finds its migration is dropped after a while."""
from nova_compute import live_migration
from nova_compute.virt import live_migration_monitor


def _monitor():
    return live_migration_monitor.Monitor('u', 0)


def test_an_abort_before_the_migration_arrives_is_handed_to_it():
    assert live_migration._abort(101) is False
    monitor = _monitor()
    live_migration._register(101, monitor)
    try:
        assert monitor.should_abort() and monitor.cancelled
        # Handed over once: a later migration of that id is not affected.
        assert 101 not in live_migration._ABORT_REQUESTED
    finally:
        live_migration._RUNNING.pop(101, None)


def test_an_abort_of_a_running_migration_reaches_its_monitor():
    monitor = _monitor()
    live_migration._register('102', monitor)
    try:
        assert not monitor.should_abort()
        assert live_migration._abort('102') is True
        assert monitor.should_abort()
        assert 102 not in live_migration._ABORT_REQUESTED
    finally:
        live_migration._RUNNING.pop(102, None)


def test_an_abort_that_never_found_its_migration_is_dropped(monkeypatch):
    live_migration._abort(103)
    monkeypatch.setattr(live_migration, 'ABORT_KEPT_SECONDS', -1)
    live_migration._abort(104)
    assert 103 not in live_migration._ABORT_REQUESTED
    assert 104 in live_migration._ABORT_REQUESTED
    live_migration._ABORT_REQUESTED.pop(104, None)


def test_progress_reports_become_migration_columns():
    assert live_migration.migration_figures({
        'memory_total_bytes': 10, 'memory_processed_bytes': 4,
        'memory_remaining_bytes': 6, 'disk_total_bytes': None}) == {
        'memory_total': 10, 'memory_processed': 4, 'memory_remaining': 6,
        'disk_total': None, 'disk_processed': None, 'disk_remaining': None}
