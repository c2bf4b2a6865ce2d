"""Instances of a cell database and what hangs off them: metadata, system
metadata, tags and faults.

Every function works on the cell the context targets
(``nova_common.context.target_cell``), else on [database] connection.
Instances leave as plain dicts: every column, plus ``metadata`` and
``system_metadata`` ({key: value}), ``tags`` (sorted), ``flavor`` and
``networks`` decoded from their JSON, and ``fault`` (the latest fault or
None) when asked for with ``with_fault``.

``update`` is the one way a state transition is written: a single UPDATE
guarded by the states the caller expects, so that of two conflicting
transitions exactly one wins and the other gets InstanceInvalidState (409).
"""
import builtins

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_common import compute_states
from nova_common.db import engines
from nova_common.db.models import main as models
from nova_common import exception

INSTANCES = models.Instance.__table__
METADATA = models.InstanceMetadata.__table__
SYSTEM_METADATA = models.InstanceSystemMetadata.__table__
TAGS = models.Tag.__table__
FAULTS = models.InstanceFault.__table__
MIGRATIONS = models.Migration.__table__

MAX_TAG_COUNT = 50
# A fault message is cut to what its column holds, as Nova does.
_FAULT_MESSAGE_LENGTH = 255

_NOT_GIVEN = object()
_COLUMNS = frozenset(column.name for column in INSTANCES.columns) - {'id'}
_JSON_COLUMNS = ('flavor', 'networks', 'old_flavor', 'new_flavor')
_DATETIME_COLUMNS = ('created_at', 'updated_at', 'deleted_at', 'launched_at',
                     'terminated_at')
# Flavor fields copied to their own columns when the caller leaves them out
# (quota counts read the columns).
_FLAVOR_COLUMNS = ('memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb')

# List filters, as Nova's database layer applies them: equality (a list
# means any of its values) or a regular expression search.
EXACT_FILTERS = ('project_id', 'user_id', 'image_ref', 'host', 'uuid', 'vm_state',
                 'task_state', 'power_state', 'progress', 'locked', 'instance_type_id',
                 'launch_index')
REGEX_FILTERS = ('display_name', 'display_description', 'hostname', 'key_name',
                 'reservation_id', 'node', 'availability_zone', 'kernel_id', 'ramdisk_id',
                 'root_device_name', 'access_ip_v4', 'access_ip_v6', 'config_drive',
                 'locked_by')
FILTER_ALIASES = {'name': 'display_name', 'description': 'display_description'}
TAG_FILTERS = ('tags', 'tags-any', 'not-tags', 'not-tags-any')
SPECIAL_FILTERS = ('status', 'flavor', 'changes-since', 'changes-before', 'deleted') + TAG_FILTERS

DEFAULT_SORT_KEY = 'created_at'
DEFAULT_SORT_DIR = 'desc'


# --- values in and out ----------------------------------------------------------

def as_datetime(value):
    """A naive UTC datetime from a datetime or an ISO 8601 string (what RPC
    and JSON make of datetimes); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    if value.tzinfo is not None:
        value = timeutils.normalize_time(value)
    return value


def _encode_json(value):
    return None if value is None else jsonutils.dumps(value)


def _decode_json(text):
    if text is None:
        return None
    try:
        return jsonutils.loads(text)
    except ValueError:
        return text


def _column_values(values):
    """The instance-column part of ``values``, encoded for the table; other
    keys (metadata, tags, cell_uuid, fault, ...) are not columns."""
    row = {key: value for key, value in values.items() if key in _COLUMNS}
    for column in _JSON_COLUMNS:
        if column in row:
            row[column] = _encode_json(row[column])
    for column in _DATETIME_COLUMNS:
        if column in row:
            row[column] = as_datetime(row[column])
    return row


def _instance_dict(row):
    instance = dict(row._mapping)
    for column in _JSON_COLUMNS:
        instance[column] = _decode_json(instance[column])
    return instance


def _fault_dict(row):
    return {'code': row.code, 'message': row.message, 'details': row.details,
            'host': row.host, 'created_at': row.created_at}


def _one_of_uuids(column, uuids):
    """``column IN uuids``; a plain ``=`` for one uuid (the reads of one
    instance, on every update: an IN list is rendered again at each
    execution, which costs as much CPU as the round trip)."""
    return column == uuids[0] if len(uuids) == 1 else column.in_(uuids)


def _key_values(session, table, uuids):
    found = {uuid: {} for uuid in uuids}
    query = sa.select(table.c.instance_uuid, table.c.key, table.c.value).where(
        _one_of_uuids(table.c.instance_uuid, uuids), table.c.deleted == 0).order_by(table.c.id)
    for uuid, key, value in session.execute(query):
        found[uuid][key] = value
    return found


def _tags_of(session, uuids):
    found = {uuid: [] for uuid in uuids}
    query = sa.select(TAGS.c.resource_id, TAGS.c.tag).where(
        _one_of_uuids(TAGS.c.resource_id, uuids)).order_by(TAGS.c.tag)
    for uuid, tag in session.execute(query):
        found[uuid].append(tag)
    return found


def _latest_faults(session, uuids):
    found = dict.fromkeys(uuids)
    query = sa.select(FAULTS).where(_one_of_uuids(FAULTS.c.instance_uuid, uuids),
                                    FAULTS.c.deleted == 0).order_by(
        FAULTS.c.created_at.desc(), FAULTS.c.id.desc())
    for row in session.execute(query):
        if found[row.instance_uuid] is None:
            found[row.instance_uuid] = _fault_dict(row)
    return found


def _complete(session, rows, with_fault):
    """Instance dicts of ``rows`` with their metadata, tags (and faults)."""
    uuids = [row.uuid for row in rows]
    if not uuids:
        return []
    metadata = _key_values(session, METADATA, uuids)
    system_metadata = _key_values(session, SYSTEM_METADATA, uuids)
    tags = _tags_of(session, uuids)
    faults = _latest_faults(session, uuids) if with_fault else None
    instances = []
    for row in rows:
        instance = _instance_dict(row)
        instance['metadata'] = metadata[row.uuid]
        instance['system_metadata'] = system_metadata[row.uuid]
        instance['tags'] = tags[row.uuid]
        if with_fault:
            instance['fault'] = faults[row.uuid]
        instances.append(instance)
    return instances


def _deleted_clause(read_deleted):
    if read_deleted == 'no':
        return INSTANCES.c.deleted == 0
    if read_deleted == 'only':
        return INSTANCES.c.deleted != 0
    return sa.true()


def _select_one(session, uuid, read_deleted):
    query = sa.select(INSTANCES).where(INSTANCES.c.uuid == uuid, _deleted_clause(read_deleted))
    return session.execute(query).first()


def _live_row(session, uuid):
    row = _select_one(session, uuid, 'no')
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    return row


# --- create, read ---------------------------------------------------------------

def _key_value_rows(uuid, mapping):
    return [{'instance_uuid': uuid, 'key': key, 'value': value}
            for key, value in (mapping or {}).items()]


def create(context, values):
    """Create an instance from ``values`` (an instance dict: columns plus
    ``metadata``, ``system_metadata``, ``tags``; ``uuid`` given) and return
    it. Keys that are not columns are ignored; InstanceExists when the uuid
    is taken."""
    uuid = values['uuid']
    row = _column_values(values)
    flavor = values.get('flavor') or {}
    for column in _FLAVOR_COLUMNS:
        if row.get(column) is None and flavor.get(column) is not None:
            row[column] = flavor[column]
    row['deleted'] = 0
    if row.get('created_at') is None:
        row['created_at'] = timeutils.utcnow()
    tags = sorted(set(values.get('tags') or ()))
    if len(tags) > MAX_TAG_COUNT:
        raise exception.TagLimitExceeded(limit=MAX_TAG_COUNT)
    with engines.cell_writer(context) as session:
        try:
            session.execute(INSTANCES.insert().values(**row))
        except db_exc.DBDuplicateEntry:
            raise exception.InstanceExists(uuid=uuid)
        for table, key in ((METADATA, 'metadata'), (SYSTEM_METADATA, 'system_metadata')):
            items = _key_value_rows(uuid, values.get(key))
            if items:
                session.execute(table.insert(), items)
        if tags:
            session.execute(TAGS.insert(), [{'resource_id': uuid, 'tag': tag} for tag in tags])
        # Metadata and tags are what was just written: only the row (its id
        # and column defaults) is read back.
        instance = _instance_dict(_live_row(session, uuid))
        for key in ('metadata', 'system_metadata'):
            instance[key] = {item['key']: _stored(item['value'])
                             for item in _key_value_rows(uuid, values.get(key))}
        instance['tags'] = tags
        return instance


def _stored(value):
    """A key/value item's value as the database gives it back."""
    return value if value is None else str(value)


def get(context, uuid, read_deleted='no', with_fault=False):
    """The instance ``uuid``; InstanceNotFound when this cell has none.
    ``read_deleted``: 'no' (live only), 'yes' (either) or 'only'."""
    with engines.cell_reader(context) as session:
        row = _select_one(session, uuid, read_deleted)
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        return _complete(session, [row], with_fault)[0]


# --- listing ----------------------------------------------------------------------

def sort_order(sort_keys=None, sort_dirs=None):
    """(keys, dirs) a list is ordered by, as Nova orders a list across cells:
    the given keys (created_at by default, descending), each direction
    defaulting to the first one given, then ``uuid`` ascending so that the
    order is total. InvalidInput for a bad direction or more directions than
    keys."""
    keys = [*(sort_keys or [DEFAULT_SORT_KEY])]
    dirs = [*(sort_dirs or ([] if sort_keys else [DEFAULT_SORT_DIR]))]
    for direction in dirs:
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(reason="Unknown sort direction, must be 'desc' or 'asc'")
    if len(dirs) > len(keys):
        raise exception.InvalidInput(reason='Sort direction size exceeds sort key size')
    default_dir = dirs[0] if dirs else 'asc'
    dirs += [default_dir] * (len(keys) - len(dirs))
    for key in keys:
        if key not in _COLUMNS:
            raise exception.InvalidInput(reason='Invalid sort key %s' % key)
    if 'uuid' not in keys:
        keys.append('uuid')
        dirs.append('asc')
    return keys, dirs


def _comparable(column, value):
    """Booleans compare as integers (SQL has no order on them)."""
    if isinstance(value, bool):
        return sa.cast(column, sa.Integer), int(value)
    return column, value


def _equals(column, value):
    if value is None:
        return column.is_(None)
    column, value = _comparable(column, value)
    return column == value


def _beyond(column, direction, value):
    """Rows whose ``column`` comes after ``value`` in ``direction``, with
    NULL the smallest value (as SQLite and MySQL order it); None when
    nothing can come after it."""
    if direction == 'asc':
        if value is None:
            return column.is_not(None)
        column, value = _comparable(column, value)
        return column > value
    if value is None:
        return None
    column, value = _comparable(column, value)
    return sa.or_(column < value, column.is_(None))


def after_marker(keys, dirs, marker_values):
    """The rows that come strictly after ``marker_values`` ({key: value})
    in the order (keys, dirs)."""
    alternatives = []
    for index, (key, direction) in enumerate(zip(keys, dirs)):
        beyond = _beyond(INSTANCES.c[key], direction, marker_values.get(key))
        if beyond is None:
            continue
        same_before = [_equals(INSTANCES.c[earlier], marker_values.get(earlier))
                       for earlier in keys[:index]]
        alternatives.append(sa.and_(*same_before, beyond))
    return sa.or_(*alternatives) if alternatives else sa.false()


def marker_values(instance, keys):
    """{key: value} of a marker record (a dict, perhaps from JSON)."""
    values = {key: instance.get(key) for key in keys}
    for key in _DATETIME_COLUMNS:
        if key in values:
            values[key] = as_datetime(values[key])
    return values


def _as_list(value):
    return [*value] if isinstance(value, (builtins.list, tuple, set, frozenset)) else [value]


def _one_of(column, values):
    values = _as_list(values)
    present = [value for value in values if value is not None]
    clauses = [column.in_(present)] if present else []
    if len(present) != len(values):
        clauses.append(column.is_(None))
    return sa.or_(*clauses) if clauses else sa.false()


def _status_clause(api_statuses):
    """Instances whose API status is one of ``api_statuses``."""
    alternatives = []
    for api_status in _as_list(api_statuses):
        for vm_state, task_filter in compute_states.states_for_status(api_status):
            clause = INSTANCES.c.vm_state == vm_state
            if task_filter is not None:
                how, tasks = task_filter
                if how == 'in':
                    clause = sa.and_(clause, INSTANCES.c.task_state.in_(tasks))
                else:
                    clause = sa.and_(clause, sa.or_(INSTANCES.c.task_state.is_(None),
                                                    INSTANCES.c.task_state.not_in(tasks)))
            alternatives.append(clause)
    return sa.or_(*alternatives) if alternatives else sa.false()


def _has_tag(tag):
    return sa.exists().where(TAGS.c.resource_id == INSTANCES.c.uuid, TAGS.c.tag == tag)


def _tag_clause(name, tags):
    if name == 'tags':
        return sa.and_(*[_has_tag(tag) for tag in tags])
    if name == 'not-tags':
        return sa.not_(sa.and_(*[_has_tag(tag) for tag in tags]))
    any_of = sa.exists().where(TAGS.c.resource_id == INSTANCES.c.uuid, TAGS.c.tag.in_(tags))
    return any_of if name == 'tags-any' else sa.not_(any_of)


def _flavorid_of(session):
    """The flavorid kept in an instance's flavor JSON, as SQL."""
    extracted = sa.func.json_extract(INSTANCES.c.flavor, '$.flavorid')
    if session.get_bind().dialect.name == 'mysql':
        # MySQL and MariaDB return JSON text ("1"); unquote it.
        extracted = sa.func.json_unquote(extracted)
    return extracted


def _deleted_filter(deleted):
    """Nova's ``deleted`` filter: soft-deleted servers count as deleted
    (True: deleted or soft-deleted; False: neither)."""
    soft_deleted = INSTANCES.c.vm_state == compute_states.SOFT_DELETED
    if deleted:
        return sa.or_(INSTANCES.c.deleted != 0, soft_deleted)
    return sa.and_(INSTANCES.c.deleted == 0,
                   sa.or_(INSTANCES.c.vm_state.is_(None), sa.not_(soft_deleted)))


def _filter_clauses(session, filters):
    clauses = []
    for name, value in filters.items():
        column_name = FILTER_ALIASES.get(name, name)
        if column_name in EXACT_FILTERS:
            clauses.append(_one_of(INSTANCES.c[column_name], value))
        elif column_name in REGEX_FILTERS:
            clauses.append(INSTANCES.c[column_name].regexp_match(str(value)))
        elif name == 'status':
            clauses.append(_status_clause(value))
        elif name == 'flavor':
            clauses.append(_flavorid_of(session) == str(value))
        elif name == 'changes-since':
            clauses.append(INSTANCES.c.updated_at >= as_datetime(value))
        elif name == 'changes-before':
            clauses.append(INSTANCES.c.updated_at <= as_datetime(value))
        elif name == 'deleted':
            clauses.append(_deleted_filter(value))
        elif name in TAG_FILTERS:
            clauses.append(_tag_clause(name, _as_list(value)))
        else:
            raise exception.InvalidInput(reason='Unknown instance filter %s' % name)
    return clauses


def list(context, filters=None, sort_keys=None, sort_dirs=None, limit=None,  # noqa: A001
         marker=None, with_fault=False):
    """Instances matching ``filters``, ordered by ``sort_order(sort_keys,
    sort_dirs)``, at most ``limit``, after ``marker``.

    ``filters`` keys: the columns of EXACT_FILTERS (a value or a list of
    values) and REGEX_FILTERS (a regular expression searched in the column;
    ``name`` and ``description`` stand for display_name and
    display_description); ``status`` (API statuses); ``flavor`` (a
    flavorid); ``changes-since`` / ``changes-before`` (updated_at bounds);
    ``tags``, ``tags-any``, ``not-tags``, ``not-tags-any`` (lists of tags);
    ``deleted`` (True: deleted or soft-deleted only, False: neither,
    absent: both).

    ``marker`` is the uuid of the last instance of the previous page
    (MarkerNotFound when this cell does not hold it) or, when that instance
    lives elsewhere (another cell, a build request), its dict.
    """
    filters = filters or {}
    keys, dirs = sort_order(sort_keys, sort_dirs)
    with engines.cell_reader(context) as session:
        query = sa.select(INSTANCES).where(*_filter_clauses(session, filters))
        if marker is not None:
            if isinstance(marker, str):
                row = _select_one(session, marker, 'yes')
                if row is None:
                    raise exception.MarkerNotFound(marker=marker)
                marker = dict(row._mapping)
            query = query.where(after_marker(keys, dirs, marker_values(marker, keys)))
        for key, direction in zip(keys, dirs):
            column = INSTANCES.c[key]
            query = query.order_by(column.asc() if direction == 'asc' else column.desc())
        if limit is not None:
            query = query.limit(limit)
        return _complete(session, session.execute(query).all(), with_fault)


def list_by_host(context, host, states=None):
    """Live instances on ``host``, optionally only those whose vm_state is
    one of ``states``."""
    with engines.cell_reader(context) as session:
        query = sa.select(INSTANCES).where(INSTANCES.c.host == host, INSTANCES.c.deleted == 0)
        if states is not None:
            query = query.where(INSTANCES.c.vm_state.in_(_as_list(states)))
        return _complete(session, session.execute(query.order_by(INSTANCES.c.id)).all(), False)


def count_by_project(context, project_id, user_id=None):
    """{'instances', 'cores', 'ram'} of the live instances of a project (of
    one user in it when ``user_id`` is given)."""
    query = sa.select(sa.func.count(INSTANCES.c.id),
                      sa.func.coalesce(sa.func.sum(INSTANCES.c.vcpus), 0),
                      sa.func.coalesce(sa.func.sum(INSTANCES.c.memory_mb), 0)).where(
        INSTANCES.c.project_id == project_id, INSTANCES.c.deleted == 0)
    if user_id is not None:
        query = query.where(INSTANCES.c.user_id == user_id)
    with engines.cell_reader(context) as session:
        instances, cores, ram = session.execute(query).one()
    return {'instances': int(instances), 'cores': int(cores), 'ram': int(ram)}


def count_by_state(context):
    """{(vm_state, task_state): number of live instances}, in one grouped
    query (the metrics' servers per status)."""
    query = (sa.select(INSTANCES.c.vm_state, INSTANCES.c.task_state,
                       sa.func.count(INSTANCES.c.id))
             .where(INSTANCES.c.deleted == 0)
             .group_by(INSTANCES.c.vm_state, INSTANCES.c.task_state))
    with engines.cell_reader(context) as session:
        return {(vm_state, task_state): int(count)
                for vm_state, task_state, count in session.execute(query)}


# --- state transitions ------------------------------------------------------------

def _invalid_state(row, expected_vm_state, action):
    if expected_vm_state is not None and row.vm_state not in _as_list(expected_vm_state):
        attr, state = 'vm_state', row.vm_state
    else:
        attr, state = 'task_state', row.task_state
    return exception.InstanceInvalidState(action=action, instance_uuid=row.uuid,
                                          attr=attr, state=state)


def update(context, uuid, values, expected_vm_state=None,
           expected_task_state=_NOT_GIVEN, action='update'):
    """Write ``values`` (instance columns) in one UPDATE guarded by the
    expected states and return the instance.

    ``expected_vm_state`` / ``expected_task_state``: a value or a list of
    values the row must hold (None is a valid task_state; leave
    ``expected_task_state`` out to accept any). When the row holds another
    state: InstanceInvalidState (409) naming ``action`` and the state it is
    in; when it is gone or deleted: InstanceNotFound.
    """
    changes = _column_values(values)
    changes.pop('uuid', None)
    changes.setdefault('updated_at', timeutils.utcnow())
    guards = [INSTANCES.c.uuid == uuid, INSTANCES.c.deleted == 0]
    if expected_vm_state is not None:
        guards.append(_one_of(INSTANCES.c.vm_state, expected_vm_state))
    if expected_task_state is not _NOT_GIVEN:
        guards.append(_one_of(INSTANCES.c.task_state, expected_task_state))
    with engines.cell_writer(context) as session:
        result = session.execute(INSTANCES.update().where(*guards).values(**changes))
        row = _live_row(session, uuid)
        if result.rowcount == 0:
            raise _invalid_state(row, expected_vm_state, action)
        return _complete(session, [row], False)[0]


def soft_delete(context, uuid):
    """Mark the instance deleted (vm_state deleted, no task, ``deleted`` =
    its id, deleted_at and terminated_at now) and return it;
    InstanceNotFound when it is gone or deleted already."""
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        result = session.execute(
            INSTANCES.update()
            .where(INSTANCES.c.uuid == uuid, INSTANCES.c.deleted == 0)
            .values(vm_state=compute_states.DELETED, task_state=None, deleted=INSTANCES.c.id,
                    deleted_at=now, updated_at=now,
                    terminated_at=sa.func.coalesce(INSTANCES.c.terminated_at, now)))
        if result.rowcount == 0:
            raise exception.InstanceNotFound(instance_id=uuid)
        # Its migration records go with it, as in Nova.
        session.execute(MIGRATIONS.update().where(MIGRATIONS.c.instance_uuid == uuid,
                                                  MIGRATIONS.c.deleted == 0)
                        .values(deleted=MIGRATIONS.c.id, deleted_at=now))
        return _complete(session, [_select_one(session, uuid, 'only')], False)[0]


def add_fault(context, uuid, code, message, details=None, host=None):
    """Record a fault of the instance (live or deleted); returns it."""
    with engines.cell_writer(context) as session:
        if _select_one(session, uuid, 'yes') is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        session.execute(FAULTS.insert().values(
            instance_uuid=uuid, code=code, message=(message or '')[:_FAULT_MESSAGE_LENGTH],
            details=details, host=host, deleted=0))
        return _latest_faults(session, [uuid])[uuid]


# --- metadata ----------------------------------------------------------------------

def _soft_delete_metadata(session, *where):
    """Mark the live metadata rows matching ``where`` deleted (as Nova does,
    rather than removing them: the schedulers' incremental read of changed
    rows sees a removed item); returns how many there were."""
    now = timeutils.utcnow()
    return session.execute(METADATA.update().where(METADATA.c.deleted == 0, *where).values(
        deleted=METADATA.c.id, deleted_at=now, updated_at=now)).rowcount


def _write_metadata(session, uuid, wanted, replace):
    """Make the instance's metadata ``wanted`` (plus what it had, unless
    ``replace``) and return all of it."""
    current = _key_values(session, METADATA, [uuid])[uuid]
    live = (METADATA.c.instance_uuid == uuid, METADATA.c.deleted == 0)
    if replace:
        gone = [key for key in current if key not in wanted]
        if gone:
            _soft_delete_metadata(session, METADATA.c.instance_uuid == uuid,
                                  METADATA.c.key.in_(gone))
    for key, value in wanted.items():
        if key not in current:
            session.execute(METADATA.insert().values(instance_uuid=uuid, key=key,
                                                     value=value, deleted=0))
        elif current[key] != value:
            session.execute(METADATA.update().where(*live, METADATA.c.key == key)
                            .values(value=value, updated_at=timeutils.utcnow()))
    return _key_values(session, METADATA, [uuid])[uuid]


def set_metadata(context, uuid, metadata):
    """Replace all metadata of a live instance; returns it."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        return _write_metadata(session, uuid, metadata, replace=True)


def update_metadata(context, uuid, metadata):
    """Create or update the given items; returns all metadata."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        return _write_metadata(session, uuid, metadata, replace=False)


def delete_metadata_item(context, uuid, key):
    """MetadataItemNotFound when the instance has no item ``key``."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        if not _soft_delete_metadata(session, METADATA.c.instance_uuid == uuid,
                                     METADATA.c.key == key):
            raise exception.MetadataItemNotFound()


def set_system_metadata_items(context, uuid, items):
    """Write ``items`` ({key: value}) into a live instance's system
    metadata, creating or overwriting those keys only."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        current = _key_values(session, SYSTEM_METADATA, [uuid])[uuid]
        for key, value in items.items():
            if key not in current:
                session.execute(SYSTEM_METADATA.insert().values(
                    instance_uuid=uuid, key=key, value=value, deleted=0))
            elif current[key] != value:
                session.execute(SYSTEM_METADATA.update().where(
                    SYSTEM_METADATA.c.instance_uuid == uuid, SYSTEM_METADATA.c.deleted == 0,
                    SYSTEM_METADATA.c.key == key).values(value=value,
                                                         updated_at=timeutils.utcnow()))


def replace_system_metadata_prefix(context, uuid, prefix, items):
    """Make the system metadata keys starting with ``prefix`` exactly
    ``items`` (whose keys all start with it): the others of the prefix are
    deleted. A rebuild swaps the image_* copy of the image's properties so."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        now = timeutils.utcnow()
        stale = SYSTEM_METADATA.c.key.startswith(prefix, autoescape=True)
        if items:
            stale = sa.and_(stale, SYSTEM_METADATA.c.key.notin_(sorted(items)))
        session.execute(SYSTEM_METADATA.update().where(
            SYSTEM_METADATA.c.instance_uuid == uuid, SYSTEM_METADATA.c.deleted == 0,
            stale).values(deleted=SYSTEM_METADATA.c.id, deleted_at=now, updated_at=now))
        set_system_metadata_items(context, uuid, items)


def delete_system_metadata_items(context, uuid, keys):
    """Mark the instance's system metadata items ``keys`` deleted (those
    it has)."""
    if not keys:
        return
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        session.execute(SYSTEM_METADATA.update().where(
            SYSTEM_METADATA.c.instance_uuid == uuid, SYSTEM_METADATA.c.deleted == 0,
            SYSTEM_METADATA.c.key.in_(tuple(keys))).values(
                deleted=SYSTEM_METADATA.c.id, deleted_at=now, updated_at=now))


# --- tags ----------------------------------------------------------------------------

def set_tags(context, uuid, tags):
    """Replace the tags of a live instance; returns them, sorted."""
    wanted = sorted(set(tags))
    if len(wanted) > MAX_TAG_COUNT:
        raise exception.TagLimitExceeded(limit=MAX_TAG_COUNT)
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        session.execute(TAGS.delete().where(TAGS.c.resource_id == uuid))
        if wanted:
            session.execute(TAGS.insert(), [{'resource_id': uuid, 'tag': tag} for tag in wanted])
        return _tags_of(session, [uuid])[uuid]


def add_tag(context, uuid, tag):
    """Tag a live instance; False when it had the tag already,
    TagLimitExceeded when it has MAX_TAG_COUNT tags."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        tags = _tags_of(session, [uuid])[uuid]
        if tag in tags:
            return False
        if len(tags) >= MAX_TAG_COUNT:
            raise exception.TagLimitExceeded(limit=MAX_TAG_COUNT)
        try:
            session.execute(TAGS.insert().values(resource_id=uuid, tag=tag))
        except db_exc.DBDuplicateEntry:
            return False
        return True


def delete_tag(context, uuid, tag):
    """InstanceTagNotFound when the instance does not have ``tag``."""
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        result = session.execute(TAGS.delete().where(TAGS.c.resource_id == uuid,
                                                     TAGS.c.tag == tag))
        if result.rowcount == 0:
            raise exception.InstanceTagNotFound(instance_id=uuid, tag=tag)


def delete_all_tags(context, uuid):
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        session.execute(TAGS.delete().where(TAGS.c.resource_id == uuid))


# --- lock --------------------------------------------------------------------------

LOCKED_REASON = 'locked_reason'


def set_locked(context, uuid, locked_by, reason=None):
    """Lock a live instance (``locked_by``: 'owner' or 'admin', as Nova
    records who locked it; ``reason`` kept in system metadata as
    locked_reason) or, with ``locked_by`` None, unlock it and forget the
    reason. Returns the instance."""
    reason_rows = (SYSTEM_METADATA.c.instance_uuid == uuid, SYSTEM_METADATA.c.deleted == 0,
                   SYSTEM_METADATA.c.key == LOCKED_REASON)
    with engines.cell_writer(context) as session:
        _live_row(session, uuid)
        session.execute(INSTANCES.update().where(INSTANCES.c.uuid == uuid).values(
            locked=locked_by is not None, locked_by=locked_by, updated_at=timeutils.utcnow()))
        session.execute(SYSTEM_METADATA.delete().where(*reason_rows))
        if locked_by is not None and reason is not None:
            session.execute(SYSTEM_METADATA.insert().values(
                instance_uuid=uuid, key=LOCKED_REASON, value=reason, deleted=0))
        return _complete(session, [_live_row(session, uuid)], False)[0]
