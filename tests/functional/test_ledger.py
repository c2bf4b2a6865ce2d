"""The resource ledger on a real database: providers, inventories, claims
that never over-commit (also under concurrency, on SQLite and MariaDB),
release, audit."""
import threading

from oslo_db import exception as db_exc
from oslo_utils import uuidutils
import pytest
from sqlalchemy import event

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import ledger
from nova_common.db import engines
from nova_common.db import migration
from nova_common import exception
from tests.integration import harness

MEMORY = {'total': 4096, 'reserved': 0, 'max_unit': 4096, 'allocation_ratio': 1.0}


def _api_db(tmp_path):
    url = 'sqlite:///%s/api.db' % tmp_path
    migration.upgrade('api', url)
    CONF.set_override('connection', url, group='api_database')
    return nova_context.get_admin_context()


@pytest.fixture
def ctx(tmp_path):
    return _api_db(tmp_path)


def _provider(ctx, name='node1', inventories=None):
    uuid = uuidutils.generate_uuid()
    ledger.ensure_provider(ctx, uuid, name, 'cell-uuid', 'host1')
    ledger.set_inventory(ctx, uuid, inventories or {'MEMORY_MB': dict(MEMORY)})
    return uuid


def _generation(ctx, uuid):
    return next(p['generation'] for p in ledger.providers(ctx) if p['uuid'] == uuid)


def test_provider_and_inventory(ctx):
    uuid = _provider(ctx, inventories={'VCPU': {'total': 8, 'allocation_ratio': 4.0},
                                       'MEMORY_MB': dict(MEMORY, reserved=512)})
    [provider] = ledger.providers(ctx)
    assert provider['uuid'] == uuid and provider['name'] == 'node1'
    assert provider['cell_uuid'] == 'cell-uuid' and provider['host'] == 'host1'
    assert provider['inventories']['VCPU'] == {
        'total': 8, 'reserved': 0, 'min_unit': 1, 'max_unit': 8, 'step_size': 1,
        'allocation_ratio': 4.0}
    assert provider['inventories']['MEMORY_MB']['reserved'] == 512
    assert ledger.usages(ctx) == {uuid: {}}


def test_unchanged_inventory_does_not_bump_the_generation(ctx):
    uuid = _provider(ctx)
    before = _generation(ctx, uuid)
    ledger.set_inventory(ctx, uuid, {'MEMORY_MB': dict(MEMORY)})
    ledger.ensure_provider(ctx, uuid, 'node1', 'cell-uuid', 'host1')
    assert _generation(ctx, uuid) == before
    ledger.set_inventory(ctx, uuid, {'MEMORY_MB': dict(MEMORY, total=8192)})
    assert _generation(ctx, uuid) == before + 1


def test_inventory_of_unknown_provider(ctx):
    with pytest.raises(exception.ResourceProviderNotFound):
        ledger.set_inventory(ctx, uuidutils.generate_uuid(), {'MEMORY_MB': dict(MEMORY)})


def test_recreated_node_takes_over_the_name(ctx):
    old = _provider(ctx)
    new = uuidutils.generate_uuid()
    ledger.ensure_provider(ctx, new, 'node1', 'cell-uuid', 'host1')
    assert [p['uuid'] for p in ledger.providers(ctx)] == [new]
    assert ledger.claim(ctx, 'c1', old, {'MEMORY_MB': 1}) is False


def test_name_held_by_a_provider_with_allocations_conflicts(ctx):
    old = _provider(ctx)
    assert ledger.claim(ctx, 'c1', old, {'MEMORY_MB': 1024})
    with pytest.raises(exception.ResourceProviderConflict):
        ledger.ensure_provider(ctx, uuidutils.generate_uuid(), 'node1', 'cell-uuid', 'host1')


def test_claim_checks_capacity_and_records_allocations(ctx):
    uuid = _provider(ctx, inventories={
        'MEMORY_MB': dict(MEMORY, reserved=1024, allocation_ratio=1.5),
        'VCPU': {'total': 4, 'max_unit': 2, 'allocation_ratio': 1.0}})
    # capacity: (4096 - 1024) * 1.5 = 4608 MB
    assert ledger.claim(ctx, 'a', uuid, {'MEMORY_MB': 4096, 'VCPU': 2, 'DISK_GB': 0})
    assert not ledger.claim(ctx, 'b', uuid, {'MEMORY_MB': 513})
    assert ledger.claim(ctx, 'b', uuid, {'MEMORY_MB': 512})
    assert ledger.usages(ctx, [uuid]) == {uuid: {'MEMORY_MB': 4608, 'VCPU': 2}}
    assert ledger.allocations_for(ctx, 'a') == {uuid: {'MEMORY_MB': 4096, 'VCPU': 2}}
    assert ledger.audit(ctx) == []


def test_claim_respects_units_and_known_classes(ctx):
    uuid = _provider(ctx, inventories={
        'VCPU': {'total': 16, 'min_unit': 2, 'max_unit': 8, 'step_size': 2}})
    assert not ledger.claim(ctx, 'c', uuid, {'VCPU': 1})
    assert not ledger.claim(ctx, 'c', uuid, {'VCPU': 3})
    assert not ledger.claim(ctx, 'c', uuid, {'VCPU': 10})
    assert not ledger.claim(ctx, 'c', uuid, {'VCPU': 2, 'MEMORY_MB': 1})
    assert ledger.claim(ctx, 'c', uuid, {'VCPU': 4})
    assert not ledger.claim(ctx, 'd', uuidutils.generate_uuid(), {'VCPU': 2})


def test_claim_bumps_the_generation_and_replaces_the_consumers_allocations(ctx):
    uuid = _provider(ctx)
    other = _provider(ctx, name='node2')
    before = _generation(ctx, uuid)
    assert ledger.claim(ctx, 'c', uuid, {'MEMORY_MB': 4096})
    assert _generation(ctx, uuid) == before + 1
    # The same claim again (a retried call) still fits: it replaces itself.
    assert ledger.claim(ctx, 'c', uuid, {'MEMORY_MB': 4096})
    assert ledger.claim(ctx, 'c', other, {'MEMORY_MB': 1024})
    assert ledger.allocations_for(ctx, 'c') == {other: {'MEMORY_MB': 1024}}
    assert ledger.usages(ctx) == {uuid: {}, other: {'MEMORY_MB': 1024}}


def test_release_is_idempotent(ctx):
    uuid = _provider(ctx, inventories={'MEMORY_MB': dict(MEMORY),
                                       'VCPU': {'total': 4}})
    ledger.claim(ctx, 'c', uuid, {'MEMORY_MB': 1024, 'VCPU': 1})
    assert ledger.release(ctx, 'c') == 2
    assert ledger.release(ctx, 'c') == 0
    assert ledger.allocations_for(ctx, 'c') == {}
    assert ledger.consumers(ctx) == {}


def test_a_claim_kept_on_top_of_another_provider_and_freed_per_provider(ctx):
    """An evacuation's claim: the destination is claimed on top of the
    source, a retry replaces only the destination, and each part is freed
    on its own."""
    source = _provider(ctx)
    dest = _provider(ctx, name='node2')
    assert ledger.claim(ctx, 'c', source, {'MEMORY_MB': 1024})
    assert ledger.claim(ctx, 'c', dest, {'MEMORY_MB': 2048}, keep_other_providers=True)
    assert ledger.claim(ctx, 'c', dest, {'MEMORY_MB': 1024}, keep_other_providers=True)
    assert ledger.allocations_for(ctx, 'c') == {source: {'MEMORY_MB': 1024},
                                                dest: {'MEMORY_MB': 1024}}
    assert not ledger.claim(ctx, 'c', dest, {'MEMORY_MB': 9000}, keep_other_providers=True)
    before = _generation(ctx, source)
    assert ledger.release_provider(ctx, 'c', source) == 1
    assert _generation(ctx, source) == before + 1
    assert ledger.release_provider(ctx, 'c', source) == 0
    assert ledger.release_provider(ctx, 'c', 'no-such-provider') == 0
    assert ledger.allocations_for(ctx, 'c') == {dest: {'MEMORY_MB': 1024}}


def test_audit_reports_overcommit_after_capacity_shrinks(ctx):
    uuid = _provider(ctx)
    assert ledger.claim(ctx, 'c', uuid, {'MEMORY_MB': 3072})
    ledger.set_inventory(ctx, uuid, {'MEMORY_MB': dict(MEMORY, total=2048, max_unit=2048)})
    assert ledger.audit(ctx) == [
        'node1 (%s): MEMORY_MB used 3072 exceeds capacity 2048 ((total 2048 - reserved 0) * 1)'
        % uuid]


def test_removing_an_allocated_inventory_class_is_refused(ctx):
    uuid = _provider(ctx, inventories={'MEMORY_MB': dict(MEMORY), 'VCPU': {'total': 4}})
    ledger.claim(ctx, 'c', uuid, {'VCPU': 1})
    with pytest.raises(exception.ResourceProviderConflict):
        ledger.set_inventory(ctx, uuid, {'MEMORY_MB': dict(MEMORY)})


def _claim_concurrently(ctx, provider_uuid, claimers, amount):
    """``claimers`` threads, released together, each claiming ``amount`` MB."""
    start = threading.Barrier(claimers)
    outcomes = {}
    errors = []

    def claim(consumer):
        try:
            start.wait()
            outcomes[consumer] = ledger.claim(ctx, consumer, provider_uuid, {'MEMORY_MB': amount})
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=claim, args=('consumer-%02d' % index,))
               for index in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return outcomes


def _never_overcommitted(ctx, provider_uuid, claimers, capacity_in_claims):
    outcomes = _claim_concurrently(ctx, provider_uuid, claimers, 1024)
    winners = sorted(consumer for consumer, won in outcomes.items() if won)
    assert len(outcomes) == claimers
    # Nothing over-committed, and the losers lost only because it was full.
    assert len(winners) == capacity_in_claims
    assert ledger.usages(ctx, [provider_uuid]) == {
        provider_uuid: {'MEMORY_MB': 1024 * capacity_in_claims}}
    assert sorted(ledger.consumers(ctx)) == winners
    assert ledger.audit(ctx) == []


def test_concurrent_claims_never_overcommit_sqlite(ctx):
    uuid = _provider(ctx)
    _never_overcommitted(ctx, uuid, claimers=24, capacity_in_claims=4)


@pytest.fixture
def mariadb_ctx():
    """An API database on the local MariaDB; skipped when it does not answer."""
    server = harness.MariaDB()
    try:
        server._connect().close()
    except Exception as error:  # noqa: BLE001 - any failure means "not usable"
        pytest.skip('MariaDB does not answer: %s' % error)
    url = server.create_database('ledger')
    try:
        migration.upgrade('api', url)
        CONF.set_override('connection', url, group='api_database')
        yield nova_context.get_admin_context()
    finally:
        engines.reset()
        server.cleanup()


def test_concurrent_claims_never_overcommit_mariadb(mariadb_ctx):
    uuid = _provider(mariadb_ctx)
    _never_overcommitted(mariadb_ctx, uuid, claimers=24, capacity_in_claims=4)


def _all_fit(ctx, provider_uuid, claimers):
    """``claimers`` concurrent claims of 128 MB on a provider with room
    for 32: every one wins, and the usage is their sum."""
    outcomes = _claim_concurrently(ctx, provider_uuid, claimers, 128)
    assert outcomes == {consumer: True for consumer in outcomes}
    assert len(outcomes) == claimers
    assert ledger.usages(ctx, [provider_uuid]) == {
        provider_uuid: {'MEMORY_MB': 128 * claimers}}
    assert ledger.audit(ctx) == []


def test_concurrent_claims_with_room_for_all_all_win_sqlite(ctx):
    _all_fit(ctx, _provider(ctx), claimers=24)


def test_concurrent_claims_with_room_for_all_all_win_mariadb(mariadb_ctx):
    """Claimers on one provider wait for each other instead of racing:
    with optimistic retries, 24 at once lost the generation race to each
    other 10 times in a row and gave up with room to spare."""
    _all_fit(mariadb_ctx, _provider(mariadb_ctx), claimers=24)


def test_claim_holds_the_provider_row_until_it_commits_mariadb(mariadb_ctx):
    """While a claim decides, its provider's row is locked: another writer
    (here a locking read that will not wait) cannot get in between the
    claim's reads and its write, so no claim loses a generation race."""
    uuid = _provider(mariadb_ctx)
    engine = engines.get_api_context_manager().writer.get_engine()
    blocked = []

    def interfere(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith('UPDATE resource_providers SET generation'):
            return
        try:
            harness.MariaDB().query(
                CONF.api_database.connection,
                'SELECT generation FROM resource_providers WHERE uuid = %s FOR UPDATE NOWAIT',
                uuid)
        except Exception as error:  # noqa: BLE001 - the lock is what is expected
            blocked.append(error)
        else:
            blocked.append(None)

    before = _generation(mariadb_ctx, uuid)
    event.listen(engine, 'before_cursor_execute', interfere)
    try:
        assert ledger.claim(mariadb_ctx, 'c', uuid, {'MEMORY_MB': 1024})
    finally:
        event.remove(engine, 'before_cursor_execute', interfere)
    # One swap, and the other writer found the row locked.
    assert len(blocked) == 1 and blocked[0] is not None, blocked
    assert 'Lock wait timeout' in str(blocked[0]) or '1205' in str(blocked[0]), blocked[0]
    assert _generation(mariadb_ctx, uuid) == before + 1
    assert ledger.allocations_for(mariadb_ctx, 'c') == {uuid: {'MEMORY_MB': 1024}}


def test_a_claim_never_decides_on_a_snapshot_older_than_its_lock_mariadb(mariadb_ctx):
    """A claim whose transaction took its snapshot before it locked the
    provider (here: a read injected before the lock, then another claim
    filling the provider committed) would count the old usage and
    over-commit; it sees that the snapshot's generation is older than the
    locked one, tries again and finds the provider full."""
    uuid = _provider(mariadb_ctx)
    engine = engines.get_api_context_manager().writer.get_engine()
    url = CONF.api_database.connection
    injected = []

    def stale_snapshot(conn, cursor, statement, parameters, context, executemany):
        if 'FOR UPDATE' not in statement or injected:
            return
        injected.append(statement)
        cursor.execute('SELECT COUNT(*) FROM allocations')
        cursor.fetchall()
        provider_id = harness.MariaDB().query(
            url, 'SELECT id FROM resource_providers WHERE uuid = %s', uuid)[0][0]
        harness.MariaDB().query(
            url, "INSERT INTO allocations (resource_provider_id, consumer_id, resource_class,"
            " used) VALUES (%s, 'other', 'MEMORY_MB', 4096)", provider_id)
        harness.MariaDB().query(
            url, 'UPDATE resource_providers SET generation = generation + 1 WHERE id = %s',
            provider_id)

    event.listen(engine, 'before_cursor_execute', stale_snapshot)
    try:
        assert ledger.claim(mariadb_ctx, 'c', uuid, {'MEMORY_MB': 1024}) is False
    finally:
        event.remove(engine, 'before_cursor_execute', stale_snapshot)
    assert len(injected) == 1
    assert ledger.usages(mariadb_ctx, [uuid]) == {uuid: {'MEMORY_MB': 4096}}
    assert ledger.audit(mariadb_ctx) == []


def test_a_deadlocked_claim_is_retried(ctx, monkeypatch):
    """MariaDB may pick a claim as a deadlock's victim (claims lock
    provider and server-group rows): it runs again from the start."""
    uuid = _provider(ctx)
    real_try = ledger._try_claim
    tries = []

    def deadlock_once(*args, **kwargs):
        tries.append(args)
        if len(tries) == 1:
            raise db_exc.DBDeadlock()
        return real_try(*args, **kwargs)

    monkeypatch.setattr(ledger, '_try_claim', deadlock_once)
    assert ledger.claim(ctx, 'c', uuid, {'MEMORY_MB': 1024})
    assert len(tries) == 2
    assert ledger.allocations_for(ctx, 'c') == {uuid: {'MEMORY_MB': 1024}}


def test_move_allocations_passes_a_claim_between_consumers(ctx):
    source, dest = _provider(ctx, 'node1'), _provider(ctx, 'node2')
    assert ledger.claim(ctx, 'instance', source, {'MEMORY_MB': 512})
    before = _generation(ctx, source)
    assert ledger.move_allocations(ctx, 'instance', 'migration') == 1
    assert ledger.allocations_for(ctx, 'migration') == {source: {'MEMORY_MB': 512}}
    assert ledger.allocations_for(ctx, 'instance') == {}
    assert _generation(ctx, source) > before
    assert ledger.claim(ctx, 'instance', dest, {'MEMORY_MB': 1024})
    # Back: the instance's destination claim is freed in the same move.
    assert ledger.move_allocations(ctx, 'migration', 'instance') == 1
    assert ledger.allocations_for(ctx, 'instance') == {source: {'MEMORY_MB': 512}}
    assert ledger.usages(ctx) == {source: {'MEMORY_MB': 512}, dest: {}}
    # Nothing to move: the target keeps what it holds.
    assert ledger.move_allocations(ctx, 'migration', 'instance') == 0
    assert ledger.allocations_for(ctx, 'instance') == {source: {'MEMORY_MB': 512}}
