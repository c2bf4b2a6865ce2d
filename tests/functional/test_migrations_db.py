"""The migration records of a cell database (nova_common.db.api.migrations)
on a real SQLite cell: create, guarded update, lookups, in-progress and
unconfirmed queries, and the filtered, paged list."""
import datetime

import pytest
from oslo_utils import timeutils

from nova_common.db.api import migrations
from nova_common import exception
from tests.functional import server_records as records


def _create(ctx, minutes=0, **values):
    record = {'instance_uuid': 'i-1', 'source_compute': 'host1', 'dest_compute': 'host2',
              'status': 'pre-migrating', 'migration_type': 'resize',
              'created_at': records.at(minutes), 'updated_at': records.at(minutes)}
    record.update(values)
    return migrations.create(ctx, record)


def test_create_get_and_guarded_update(cloud):
    with records.in_cell(cloud) as ctx:
        created = _create(ctx)
        assert migrations.get_by_id(ctx, created['id']) == created
        assert migrations.get_by_uuid(ctx, created['uuid']) == created
        assert migrations.get_by_id_and_instance(ctx, created['id'], 'i-1') == created
        with pytest.raises(exception.MigrationNotFoundForInstance):
            migrations.get_by_id_and_instance(ctx, created['id'], 'other')
        moved = migrations.update(ctx, created['uuid'], {'status': 'migrating'},
                                  expected_status='pre-migrating')
        assert moved['status'] == 'migrating'
        with pytest.raises(exception.MigrationNotFound):
            migrations.update(ctx, created['id'], {'status': 'error'},
                              expected_status='pre-migrating')
        assert migrations.get_by_id(ctx, created['id'])['status'] == 'migrating'
        with pytest.raises(exception.MigrationNotFound):
            migrations.get_by_id(ctx, 999)
        with pytest.raises(exception.InvalidInput):
            migrations.update(ctx, created['id'], {'no_such_column': 1})


def test_in_progress_and_unconfirmed(cloud):
    with records.in_cell(cloud) as ctx:
        done = _create(ctx, status='confirmed')
        running = _create(ctx, status='migrating')
        live = _create(ctx, status='running', migration_type='live-migration')
        found = migrations.get_in_progress_by_instance(ctx, 'i-1')
        assert [m['id'] for m in found] == [running['id'], live['id']]
        assert done['id'] not in [m['id'] for m in found]
        assert [m['id'] for m in migrations.get_in_progress_by_instance(
            ctx, 'i-1', 'live-migration')] == [live['id']]
        old = timeutils.utcnow() - datetime.timedelta(seconds=120)
        finished = _create(ctx, status='finished', updated_at=old)
        _create(ctx, status='finished', updated_at=timeutils.utcnow())
        _create(ctx, status='finished', updated_at=old, dest_compute='host3')
        assert [m['id'] for m in migrations.get_unconfirmed_by_dest_compute(
            ctx, 60, 'host2')] == [finished['id']]


def test_list_filters_sorts_and_pages(cloud):
    with records.in_cell(cloud) as ctx:
        rows = [_create(ctx, minutes=i, source_compute='host%d' % (i % 2),
                        status='error' if i == 3 else 'finished') for i in range(5)]
        newest_first = [m['id'] for m in reversed(rows)]
        assert [m['id'] for m in migrations.list(ctx)] == newest_first
        assert [m['id'] for m in migrations.list(ctx, {'status': 'error'})] == [rows[3]['id']]
        assert [m['id'] for m in migrations.list(ctx, {'host': 'host0'})] == [
            rows[4]['id'], rows[2]['id'], rows[0]['id']]
        assert len(migrations.list(ctx, {'host': 'host2'})) == 5
        assert [m['id'] for m in migrations.list(
            ctx, {'changes-since': records.at(3)})] == newest_first[:2]
        page = migrations.list(ctx, limit=2)
        assert [m['id'] for m in page] == newest_first[:2]
        after = migrations.list(ctx, limit=2, marker=page[-1]['uuid'])
        assert [m['id'] for m in after] == newest_first[2:4]
        with pytest.raises(exception.MarkerNotFound):
            migrations.list(ctx, marker='00000000-0000-0000-0000-000000000000')
        migrations.soft_delete_by_instance(ctx, 'i-1')
        assert migrations.list(ctx) == []
