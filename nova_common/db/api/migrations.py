"""Migration records of a cell database: one row per move of an instance
(resize, cold migration, live migration, evacuation), with its status
flow (pre-migrating -> migrating/running -> post-migrating ->
finished/completed/confirmed/reverted/error/failed/done).

Every function works on the cell the context targets
(``nova_common.context.target_cell``), else on [database] connection.
Records leave as dicts of their columns.
"""
import builtins
import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_common.db import engines
from nova_common.db.models import main as models
from nova_common import exception

MIGRATIONS = models.Migration.__table__

# Statuses after which a migration no longer holds anything (Nova's
# migration_get_in_progress_by_instance leaves these out).
FINAL_STATUSES = ('accepted', 'confirmed', 'reverted', 'error', 'failed', 'completed',
                  'cancelled', 'done')

_WRITABLE = frozenset(column.name for column in MIGRATIONS.columns) - {'id'}
_DATETIME_COLUMNS = ('created_at', 'updated_at', 'deleted_at')
DEFAULT_SORT_KEYS = ('created_at', 'id')
DEFAULT_SORT_DIRS = ('desc', 'desc')


def _as_dict(row):
    return dict(row._mapping)


def _as_datetime(value):
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    if value is not None and value.tzinfo is not None:
        value = timeutils.normalize_time(value)
    return value


def _as_list(value):
    return [*value] if isinstance(value, (builtins.list, tuple, set, frozenset)) else [value]


def _checked(values):
    unknown = set(values) - _WRITABLE
    if unknown:
        raise exception.InvalidInput(reason='Unknown migration fields %s' % sorted(unknown))
    return dict(values)


def _select_by(session, column, value):
    return session.execute(sa.select(MIGRATIONS).where(
        MIGRATIONS.c[column] == value, MIGRATIONS.c.deleted == 0)).first()


def create(context, values):
    """Insert a migration; ``uuid`` is generated when absent. Returns it."""
    values = _checked(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    values.setdefault('hidden', False)
    now = timeutils.utcnow()
    values.setdefault('created_at', now)
    values.setdefault('updated_at', now)
    values['deleted'] = 0
    with engines.cell_writer(context) as session:
        migration_id = session.execute(MIGRATIONS.insert().values(**values)).inserted_primary_key[0]
        return _as_dict(session.execute(
            sa.select(MIGRATIONS).where(MIGRATIONS.c.id == migration_id)).one())


def update(context, migration_id, values, expected_status=None):
    """Change a migration (by id or uuid) and return it. With
    ``expected_status`` (a status or a list) only a migration in one of
    those statuses is changed; else MigrationNotFound, so that of two
    concurrent outcomes (confirm against the auto-confirm) one wins."""
    values = _checked(values)
    values.setdefault('updated_at', timeutils.utcnow())
    column = 'uuid' if isinstance(migration_id, str) and uuidutils.is_uuid_like(
        migration_id) else 'id'
    with engines.cell_writer(context) as session:
        query = MIGRATIONS.update().where(MIGRATIONS.c[column] == migration_id,
                                          MIGRATIONS.c.deleted == 0)
        if expected_status is not None:
            query = query.where(MIGRATIONS.c.status.in_(_as_list(expected_status)))
        if session.execute(query.values(**values)).rowcount != 1:
            raise exception.MigrationNotFound(migration_id=migration_id)
        return _as_dict(_select_by(session, column, migration_id))


def get_by_id(context, migration_id):
    with engines.cell_reader(context) as session:
        row = _select_by(session, 'id', migration_id)
    if row is None:
        raise exception.MigrationNotFound(migration_id=migration_id)
    return _as_dict(row)


def get_by_uuid(context, migration_uuid):
    with engines.cell_reader(context) as session:
        row = _select_by(session, 'uuid', migration_uuid)
    if row is None:
        raise exception.MigrationNotFound(migration_id=migration_uuid)
    return _as_dict(row)


def get_by_id_and_instance(context, migration_id, instance_uuid):
    """The migration ``migration_id`` of ``instance_uuid``, else
    MigrationNotFoundForInstance."""
    with engines.cell_reader(context) as session:
        row = session.execute(sa.select(MIGRATIONS).where(
            MIGRATIONS.c.id == migration_id, MIGRATIONS.c.instance_uuid == instance_uuid,
            MIGRATIONS.c.deleted == 0)).first()
    if row is None:
        raise exception.MigrationNotFoundForInstance(migration_id=migration_id,
                                                     instance_id=instance_uuid)
    return _as_dict(row)


def get_in_progress_by_instance(context, instance_uuid, migration_type=None):
    """The migrations of an instance that are not over, oldest first."""
    query = sa.select(MIGRATIONS).where(
        MIGRATIONS.c.instance_uuid == instance_uuid, MIGRATIONS.c.deleted == 0,
        MIGRATIONS.c.status.not_in(FINAL_STATUSES))
    if migration_type is not None:
        query = query.where(MIGRATIONS.c.migration_type.in_(_as_list(migration_type)))
    with engines.cell_reader(context) as session:
        return [_as_dict(row) for row in session.execute(query.order_by(MIGRATIONS.c.id))]


def get_unconfirmed_by_dest_compute(context, confirm_window, dest_compute):
    """Migrations 'finished' on ``dest_compute`` at least ``confirm_window``
    seconds ago: the resizes waiting for a confirmation that the
    auto-confirm may give."""
    limit = timeutils.utcnow() - datetime.timedelta(seconds=confirm_window)
    with engines.cell_reader(context) as session:
        return [_as_dict(row) for row in session.execute(sa.select(MIGRATIONS).where(
            MIGRATIONS.c.status == 'finished', MIGRATIONS.c.dest_compute == dest_compute,
            MIGRATIONS.c.updated_at <= limit, MIGRATIONS.c.deleted == 0)
            .order_by(MIGRATIONS.c.id))]


def _filter_clauses(filters):
    clauses = [MIGRATIONS.c.deleted == 0]
    for name, value in filters.items():
        if name in ('uuid', 'status', 'instance_uuid', 'migration_type', 'source_compute',
                    'dest_compute', 'user_id', 'project_id', 'hidden'):
            clauses.append(MIGRATIONS.c[name].in_(_as_list(value)))
        elif name == 'host':
            clauses.append(sa.or_(MIGRATIONS.c.source_compute == value,
                                  MIGRATIONS.c.dest_compute == value))
        elif name == 'node':
            clauses.append(sa.or_(MIGRATIONS.c.source_node == value,
                                  MIGRATIONS.c.dest_node == value))
        elif name == 'changes-since':
            clauses.append(MIGRATIONS.c.updated_at >= _as_datetime(value))
        elif name == 'changes-before':
            clauses.append(MIGRATIONS.c.updated_at <= _as_datetime(value))
        else:
            raise exception.InvalidInput(reason='Unknown migration filter %s' % name)
    return clauses


def _after_marker(keys, dirs, marker_row):
    """Rows strictly after ``marker_row`` in the order (keys, dirs); the
    sort keys are never NULL here (created_at and id)."""
    alternatives = []
    for index, (key, direction) in enumerate(zip(keys, dirs)):
        column, value = MIGRATIONS.c[key], marker_row[key]
        beyond = column > value if direction == 'asc' else column < value
        same_before = [MIGRATIONS.c[earlier] == marker_row[earlier] for earlier in keys[:index]]
        alternatives.append(sa.and_(*same_before, beyond))
    return sa.or_(*alternatives)


def list(context, filters=None, sort_keys=None, sort_dirs=None, limit=None,  # noqa: A001
         marker=None):
    """Migrations matching ``filters``, newest first unless ``sort_keys``
    / ``sort_dirs`` say otherwise, at most ``limit``, after the migration
    whose uuid is ``marker`` (MarkerNotFound when this cell has none).

    ``filters``: uuid, status, instance_uuid, migration_type,
    source_compute, dest_compute, user_id, project_id, hidden (a value or
    a list of values); host (source or destination compute), node (source
    or destination node); changes-since / changes-before (updated_at
    bounds). ``marker`` may also be the migration itself (a dict), when
    another cell holds it."""
    keys = builtins.list(sort_keys or DEFAULT_SORT_KEYS)
    dirs = builtins.list(sort_dirs or DEFAULT_SORT_DIRS)
    dirs += [dirs[-1]] * (len(keys) - len(dirs))
    if 'id' not in keys:
        keys.append('id')
        dirs.append(dirs[0])
    query = sa.select(MIGRATIONS).where(*_filter_clauses(filters or {}))
    with engines.cell_reader(context) as session:
        if marker is not None:
            if isinstance(marker, str):
                marker_row = _select_by(session, 'uuid', marker)
                if marker_row is None:
                    raise exception.MarkerNotFound(marker=marker)
                marker = marker_row._mapping
            else:
                marker = {key: _as_datetime(value) if key in _DATETIME_COLUMNS else value
                          for key, value in marker.items()}
            query = query.where(_after_marker(keys, dirs, marker))
        for key, direction in zip(keys, dirs):
            column = MIGRATIONS.c[key]
            query = query.order_by(column.asc() if direction == 'asc' else column.desc())
        if limit is not None:
            query = query.limit(limit)
        return [_as_dict(row) for row in session.execute(query)]


def soft_delete_by_instance(context, instance_uuid):
    """Mark the migrations of a deleted instance deleted, as Nova does."""
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        session.execute(MIGRATIONS.update().where(
            MIGRATIONS.c.instance_uuid == instance_uuid, MIGRATIONS.c.deleted == 0)
            .values(deleted=MIGRATIONS.c.id, deleted_at=now))
