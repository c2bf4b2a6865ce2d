"""The services table of a cell database: one record per running daemon
(host, binary), kept alive by heartbeats.

Every function works on the cell the context targets
(``nova_common.context.target_cell``), else on [database] connection.
Rows leave as plain dicts with every column. A deleted record is soft
deleted (``deleted`` = its id) so a new one can take its (host, binary).
"""
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_common.db import engines
from nova_common.db.models import main as models
from nova_common import exception

COMPUTE_BINARY = 'nova-compute'

# Migration states that mean the migration is over (Nova's list).
_FINISHED_MIGRATION_STATES = ('confirmed', 'reverted', 'error', 'failed',
                              'completed', 'cancelled', 'done')


def _as_dict(row):
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}


def _live(session):
    return session.query(models.Service).filter(models.Service.deleted == 0)


def _get_row(session, service_id):
    row = _live(session).filter(models.Service.id == service_id).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_id)
    return row


def _find_by_host_and_binary(session, host, binary):
    return _live(session).filter(models.Service.host == host,
                                 models.Service.binary == binary).first()


def _create_or_refresh(context, host, binary, topic, version, beat=False):
    with engines.cell_writer(context) as session:
        row = _find_by_host_and_binary(session, host, binary)
        if row is None:
            row = models.Service(uuid=uuidutils.generate_uuid(), host=host,
                                 binary=binary, topic=topic, version=version,
                                 report_count=0, disabled=False, forced_down=False)
            session.add(row)
        else:
            if row.topic != topic:
                row.topic = topic
            if row.version != version:
                row.version = version
        if beat:
            row.report_count = (row.report_count or 0) + 1
            row.last_seen_up = timeutils.utcnow()
        session.flush()
        return _as_dict(row)


def get_or_create(context, host, binary, topic, version, beat=False):
    """The live record of (host, binary), created when there is none;
    ``beat``: one report counted and ``last_seen_up`` stamped in the same
    transaction.

    Two daemons racing to create it both end up with the same row: the
    loser's insert hits the unique constraint and it reads the winner's.
    A changed topic or version is written to the record.
    """
    try:
        return _create_or_refresh(context, host, binary, topic, version, beat)
    except db_exc.DBDuplicateEntry:
        return _create_or_refresh(context, host, binary, topic, version, beat)


def heartbeat(context, service_id):
    """Count one report and stamp ``last_seen_up``; ServiceNotFound when the
    record was deleted meanwhile."""
    with engines.cell_writer(context) as session:
        row = _get_row(session, service_id)
        row.report_count = (row.report_count or 0) + 1
        row.last_seen_up = timeutils.utcnow()
        session.flush()
        return _as_dict(row)


def get_by_id(context, service_id):
    with engines.cell_reader(context) as session:
        return _as_dict(_get_row(session, service_id))


def get_by_uuid(context, service_uuid):
    with engines.cell_reader(context) as session:
        row = _live(session).filter(models.Service.uuid == service_uuid).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_uuid)
        return _as_dict(row)


def get_by_host_and_binary(context, host, binary):
    """HostBinaryNotFound (a ServiceNotFound) when there is no such record."""
    with engines.cell_reader(context) as session:
        row = _find_by_host_and_binary(session, host, binary)
        if row is None:
            raise exception.HostBinaryNotFound(host=host, binary=binary)
        return _as_dict(row)


def get_compute_by_host(context, host):
    """The nova-compute record of ``host``; ComputeHostNotFound without one."""
    with engines.cell_reader(context) as session:
        row = _find_by_host_and_binary(session, host, COMPUTE_BINARY)
        if row is None:
            raise exception.ComputeHostNotFound(host=host)
        return _as_dict(row)


def list(context, host=None, binary=None):  # noqa: A001 - the contract's name
    """Live records, oldest first, optionally only those of a host/binary."""
    with engines.cell_reader(context) as session:
        query = _live(session)
        if host is not None:
            query = query.filter(models.Service.host == host)
        if binary is not None:
            query = query.filter(models.Service.binary == binary)
        return [_as_dict(row) for row in query.order_by(models.Service.id)]


def update(context, service_id, values):
    """Set ``values`` (column: value) on a live record and return it."""
    with engines.cell_writer(context) as session:
        row = _get_row(session, service_id)
        for key, value in values.items():
            if key not in models.Service.__table__.columns:
                raise exception.Invalid(reason='services has no column %s' % key)
            setattr(row, key, value)
        session.flush()
        return _as_dict(row)


def destroy(context, service_id):
    """Soft-delete a record; a nova-compute takes its compute nodes along."""
    with engines.cell_writer(context) as session:
        row = _get_row(session, service_id)
        _live(session).filter(models.Service.id == service_id).soft_delete(
            synchronize_session=False)
        if row.binary == COMPUTE_BINARY:
            (session.query(models.ComputeNode)
             .filter(models.ComputeNode.deleted == 0,
                     (models.ComputeNode.service_id == service_id)
                     | (models.ComputeNode.host == row.host))
             .soft_delete(synchronize_session=False))


def count_instances_on_host(context, host):
    """How many live instances ``host`` runs (blocks deleting its compute)."""
    with engines.cell_reader(context) as session:
        return (session.query(models.Instance)
                .filter(models.Instance.deleted == 0, models.Instance.host == host)
                .count())


def list_in_progress_migrations(context, host, node):
    """Unfinished migrations from or to (host, node), as dicts."""
    with engines.cell_reader(context) as session:
        migration = models.Migration
        query = (session.query(migration)
                 .filter(migration.deleted == 0,
                         ((migration.source_compute == host) & (migration.source_node == node))
                         | ((migration.dest_compute == host) & (migration.dest_node == node)),
                         ~migration.status.in_(_FINISHED_MIGRATION_STATES)))
        return [_as_dict(row) for row in query]


def has_unconfirmed_evacuations(context, host):
    """Whether evacuations away from ``host`` are still 'done', i.e. its
    compute never restarted to clean them up (they would turn 'completed')."""
    with engines.cell_reader(context) as session:
        migration = models.Migration
        return session.query(
            session.query(migration)
            .filter(migration.deleted == 0, migration.source_compute == host,
                    migration.status == 'done',
                    migration.migration_type == 'evacuation')
            .exists()).scalar()


def record_heartbeat(context, host, binary, topic, version):
    """How a service says it is alive: its record is created on the first
    beat, then every beat counts and stamps last_seen_up (one transaction:
    every service of a cell does this every ``report_interval``)."""
    return get_or_create(context, host, binary, topic, version, beat=True)
