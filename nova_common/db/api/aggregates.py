"""Host aggregates in the API database: a named set of compute hosts with
key/value metadata. The ``availability_zone`` key makes the aggregate's
hosts that availability zone.

Rows leave as plain dicts: the aggregate's columns plus ``hosts`` (oldest
first), ``metadata`` ({key: value}) and ``availability_zone``. Every write
also stamps the aggregate's ``updated_at``, and a changed metadata value
is written as a new row, so that ``change_marker`` moves with every
change (the scheduler's cache relies on it).

The availability zone rules are Nova's: a host is in at most one zone, so
a zone change that would put a member host into a second zone is refused,
and so is adding a host to a zone aggregate when another aggregate puts
it in a different zone.
"""
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception

AZ_KEY = 'availability_zone'


def _hosts_and_metadata(session, ids):
    """({aggregate id: [host]}, {aggregate id: {key: value}})."""
    hosts = {aggregate_id: [] for aggregate_id in ids}
    metadata = {aggregate_id: {} for aggregate_id in ids}
    if ids:
        for row in (session.query(models.AggregateHost)
                    .filter(models.AggregateHost.aggregate_id.in_(ids))
                    .order_by(models.AggregateHost.id)):
            hosts[row.aggregate_id].append(row.host)
        for row in (session.query(models.AggregateMetadata)
                    .filter(models.AggregateMetadata.aggregate_id.in_(ids))):
            metadata[row.aggregate_id][row.key] = row.value
    return hosts, metadata


def _dicts(session, rows):
    hosts, metadata = _hosts_and_metadata(session, [row.id for row in rows])
    return [{'id': row.id, 'uuid': row.uuid, 'name': row.name,
             'created_at': row.created_at, 'updated_at': row.updated_at,
             'hosts': hosts[row.id], 'metadata': metadata[row.id],
             AZ_KEY: metadata[row.id].get(AZ_KEY)}
            for row in rows]


def _get_row(session, aggregate_id):
    row = session.query(models.Aggregate).filter_by(id=aggregate_id).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


def _check_name_free(session, name, aggregate_id=None):
    taken = session.query(models.Aggregate).filter_by(name=name)
    if aggregate_id is not None:
        taken = taken.filter(models.Aggregate.id != aggregate_id)
    if taken.first() is not None:
        raise exception.AggregateNameExists(aggregate_name=name)


def _zones_of_hosts(session, hosts, other_than):
    """{zone} that aggregates other than ``other_than`` put any of ``hosts``
    in."""
    if not hosts:
        return set()
    query = (session.query(models.AggregateMetadata.value)
             .join(models.AggregateHost, models.AggregateHost.aggregate_id
                   == models.AggregateMetadata.aggregate_id)
             .filter(models.AggregateMetadata.key == AZ_KEY,
                     models.AggregateHost.host.in_(list(hosts)),
                     models.AggregateMetadata.aggregate_id != other_than))
    return {value for (value,) in query}


def _check_zone(session, row, metadata, hosts, error):
    """Nova's is_safe_to_update_az: refuse (``error``) an empty zone name,
    one with ':' and one that would put a host into two zones."""
    if AZ_KEY not in metadata:
        return
    zone = metadata[AZ_KEY]
    if not zone:
        raise error(aggregate_id=row.id, reason='Aggregate %s does not support empty '
                    'named availability zone' % row.name)
    if ':' in zone:
        raise error(aggregate_id=row.id,
                    reason="Availability zone names cannot contain ':'")
    conflicting = sorted(_zones_of_hosts(session, hosts, row.id) - {zone})
    if conflicting:
        raise error(aggregate_id=row.id,
                    reason='One or more hosts already in availability zone(s) %s'
                           % conflicting)


def _current_hosts(session, row):
    return [host for (host,) in session.query(models.AggregateHost.host)
            .filter_by(aggregate_id=row.id)]


def _write_metadata(session, row, metadata):
    """Set (or, for a None value, remove) each key; a changed value is a
    new row (see the module docstring)."""
    existing = {meta.key: meta for meta in session.query(models.AggregateMetadata)
                .filter_by(aggregate_id=row.id)}
    for key, value in metadata.items():
        known = existing.get(key)
        if known is not None and (value is None or known.value != value):
            session.delete(known)
            session.flush()
        if value is not None and (known is None or known.value != value):
            session.add(models.AggregateMetadata(aggregate_id=row.id, key=key,
                                                 value=value))
    row.updated_at = timeutils.utcnow()
    session.flush()


def _one(session, row):
    return _dicts(session, [row])[0]


def create(context, name, availability_zone=None):
    """A new aggregate (AggregateNameExists when the name is taken)."""
    with engines.api_writer(context) as session:
        _check_name_free(session, name)
        row = models.Aggregate(uuid=uuidutils.generate_uuid(), name=name)
        try:
            with session.begin_nested():
                session.add(row)
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateNameExists(aggregate_name=name)
        if availability_zone:
            _check_zone(session, row, {AZ_KEY: availability_zone}, [],
                        exception.InvalidAggregateAction)
            _write_metadata(session, row, {AZ_KEY: availability_zone})
        return _one(session, row)


def get(context, aggregate_id):
    with engines.api_reader(context) as session:
        return _one(session, _get_row(session, aggregate_id))


def list_all(context):
    """Every aggregate, by id."""
    with engines.api_reader(context) as session:
        return _dicts(session, session.query(models.Aggregate)
                      .order_by(models.Aggregate.id).all())


def update(context, aggregate_id, values):
    """Rename (``name``) and/or move to another zone
    (``availability_zone``) an aggregate."""
    with engines.api_writer(context) as session:
        row = _get_row(session, aggregate_id)
        if 'name' in values:
            _check_name_free(session, values['name'], row.id)
            row.name = values['name']
            row.updated_at = timeutils.utcnow()
            try:
                with session.begin_nested():
                    session.flush()
            except db_exc.DBDuplicateEntry:
                raise exception.AggregateNameExists(aggregate_name=values['name'])
        if AZ_KEY in values:
            metadata = {AZ_KEY: values[AZ_KEY]}
            _check_zone(session, row, metadata, _current_hosts(session, row),
                        exception.InvalidAggregateActionUpdate)
            _write_metadata(session, row, metadata)
        return _one(session, row)


def update_metadata(context, aggregate_id, metadata):
    """Set the keys of ``metadata``; a None value removes its key."""
    with engines.api_writer(context) as session:
        row = _get_row(session, aggregate_id)
        _check_zone(session, row, metadata, _current_hosts(session, row),
                    exception.InvalidAggregateActionUpdateMeta)
        _write_metadata(session, row, metadata)
        return _one(session, row)


def delete(context, aggregate_id):
    """Delete an aggregate and its metadata; refused while it has hosts."""
    with engines.api_writer(context) as session:
        row = _get_row(session, aggregate_id)
        if _current_hosts(session, row):
            raise exception.InvalidAggregateActionDelete(
                aggregate_id=aggregate_id, reason='Host aggregate is not empty')
        session.query(models.AggregateMetadata).filter_by(aggregate_id=row.id).delete(
            synchronize_session=False)
        session.delete(row)


def add_host(context, aggregate_id, host):
    """Add ``host`` (already checked to be a compute host) to an aggregate."""
    with engines.api_writer(context) as session:
        row = _get_row(session, aggregate_id)
        if host in _current_hosts(session, row):
            raise exception.AggregateHostExists(aggregate_id=aggregate_id, host=host)
        metadata = _hosts_and_metadata(session, [row.id])[1][row.id]
        _check_zone(session, row, metadata, [host], exception.InvalidAggregateActionAdd)
        try:
            with session.begin_nested():
                session.add(models.AggregateHost(aggregate_id=row.id, host=host))
        except db_exc.DBDuplicateEntry:
            raise exception.AggregateHostExists(aggregate_id=aggregate_id, host=host)
        row.updated_at = timeutils.utcnow()
        session.flush()
        return _one(session, row)


def remove_host(context, aggregate_id, host):
    with engines.api_writer(context) as session:
        row = _get_row(session, aggregate_id)
        removed = (session.query(models.AggregateHost)
                   .filter_by(aggregate_id=row.id, host=host)
                   .delete(synchronize_session=False))
        if not removed:
            raise exception.AggregateHostNotFound(aggregate_id=aggregate_id, host=host)
        row.updated_at = timeutils.utcnow()
        session.flush()
        return _one(session, row)


def host_zones(context, hosts=None):
    """{host: availability zone} of the hosts (all of them when None) that
    an aggregate puts in a zone; other hosts are in [DEFAULT]
    default_availability_zone."""
    with engines.api_reader(context) as session:
        query = (session.query(models.AggregateHost.host, models.AggregateMetadata.value)
                 .join(models.AggregateMetadata, models.AggregateMetadata.aggregate_id
                       == models.AggregateHost.aggregate_id)
                 .filter(models.AggregateMetadata.key == AZ_KEY))
        if hosts is not None:
            hosts = sorted({host for host in hosts if host})
            if not hosts:
                return {}
            query = query.filter(models.AggregateHost.host.in_(hosts))
        return dict(query.all())


def change_marker(context):
    """A cheap value that changes whenever any aggregate, host membership
    or metadata does: rows counted, the highest id (a new row, since
    changes are inserts) and the latest updated_at of the aggregates."""
    def stats(model, *extra):
        return [sa.select(sa.func.count(model.id)).scalar_subquery(),
                sa.select(sa.func.max(model.id)).scalar_subquery()] + [
                    sa.select(sa.func.max(column)).scalar_subquery() for column in extra]
    with engines.api_reader(context) as session:
        return tuple(session.execute(sa.select(
            *stats(models.Aggregate, models.Aggregate.updated_at),
            *stats(models.AggregateHost),
            *stats(models.AggregateMetadata))).one())
