"""Engine facades: one for the API database, one per cell database.

Use ``api_reader``/``api_writer`` for API-DB work and ``cell_reader``/
``cell_writer`` inside ``nova_common.context.target_cell`` for cell work::

    with engines.api_writer(ctx) as session: ...
    with context.target_cell(ctx, cell) as cctx:
        with engines.cell_reader(cctx) as session: ...
"""
import functools
import re
import threading

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from sqlalchemy import engine as sa_engine
from sqlalchemy import exc as sa_exc
from sqlalchemy import event

from nova_common.conf import CONF
from nova_common import exception

def deadlocked(error):
    """Whether ``error`` is a deadlock or was raised while rolling back
    after one: on MySQL a deadlock rolls the whole transaction back,
    savepoints and all, so a savepoint's own rollback then fails
    ("SAVEPOINT ... does not exist") and hides the deadlock."""
    while error is not None:
        if isinstance(error, db_exc.DBDeadlock):
            return True
        error = error.__cause__ or error.__context__
    return False


# Decorates a function that runs one whole transaction: a deadlock (MySQL
# picks a victim among transactions locking rows in opposite orders) runs it
# again from the start, as Nova's database API does.
retry_on_deadlock = oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True,
                                              exception_checker=deadlocked)

# Decorates a create-or-update transaction: when a concurrent request
# inserted the same unique key first, run it again (it then updates).
retry_on_duplicate = oslo_db_api.wrap_db_retry(
    max_retries=5, exception_checker=lambda error: isinstance(error, db_exc.DBDuplicateEntry))


# MySQL's answers when the server takes no more connections
# (max_connections, max_user_connections): oslo.db leaves them unwrapped,
# but like a lost connection they are an outage the caller can wait out.
_NO_CONNECTION_LEFT = re.compile(r'\((?:1040|1203)\b')


def database_unavailable(error):
    """Whether ``error`` says a database cannot be reached now (the APIs
    answer 503 to it)."""
    if isinstance(error, db_exc.DBConnectionError):
        return True
    if isinstance(error, db_exc.DBError) and error.inner_exception is not None:
        error = error.inner_exception
    return (isinstance(error, sa_exc.OperationalError)
            and _NO_CONNECTION_LEFT.search(str(error)) is not None)


def retry_on_db_error(func):
    """Decorates a function that runs one whole transaction for work nobody
    is waiting on at a terminal (a conductor's persistence, a build's
    orchestration): a deadlock or a lost database connection (a restart,
    a failover) runs it again, backing off as [database] db_retry_interval,
    db_inc_retry_interval and db_max_retry_interval say, at most
    db_max_retries times. The API answers 503 instead of waiting."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        retrying = oslo_db_api.wrap_db_retry(
            max_retries=CONF.database.db_max_retries,
            retry_interval=CONF.database.db_retry_interval,
            inc_retry_interval=CONF.database.db_inc_retry_interval,
            max_retry_interval=CONF.database.db_max_retry_interval,
            retry_on_disconnect=True, retry_on_deadlock=True)
        return retrying(func)(*args, **kwargs)
    return wrapper


def add_instance_record(session, row, instance_uuid):
    """Insert ``row``, one of an instance's build records, now;
    InstanceExists when the instance has one already. A duplicate ends the
    whole transaction: no savepoint, as those cost two round trips per row
    on the boot path."""
    session.add(row)
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.InstanceExists(uuid=instance_uuid)

_lock = threading.Lock()
_api_context_manager = None
_cell_context_managers = {}


def _sqlite_locking(engine):
    """Make SQLite safe for many threads writing at once.

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another writer committed in between; waiting
    cannot help it. So every transaction starts with BEGIN IMMEDIATE, which
    takes the write lock up front and, with busy_timeout, waits for it.
    """
    if engine.dialect.name != 'sqlite':
        return

    @event.listens_for(engine, 'connect')
    def _on_connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA busy_timeout=30000')
        cursor.close()

    # oslo.db starts every SQLite transaction with its own plain BEGIN.
    @event.listens_for(engine, 'before_cursor_execute', retval=True)
    def _begin_immediate(_conn, _cursor, statement, parameters, _context, _many):
        if statement == 'BEGIN':
            statement = 'BEGIN IMMEDIATE'
        return statement, parameters


def _with_mysql_timeouts(connection, group_conf):
    """``connection`` with PyMySQL's connect and read timeouts from
    ``group_conf`` (mysql_connect_timeout, mysql_read_timeout) unless the
    URL sets them: a hung database server then fails a statement after a
    bounded wait instead of holding its thread for good."""
    url = sa_engine.make_url(connection)
    if url.get_backend_name() != 'mysql':
        return connection
    timeouts = {'connect_timeout': str(group_conf.mysql_connect_timeout),
                'read_timeout': str(group_conf.mysql_read_timeout)}
    missing = {key: value for key, value in timeouts.items() if key not in url.query}
    return url.update_query_dict(missing).render_as_string(hide_password=False)


def _new_context_manager(connection, group_conf):
    manager = enginefacade.transaction_context()
    settings = {'connection': _with_mysql_timeouts(connection, group_conf),
                'sqlite_fk': False,
                'max_retries': group_conf.max_retries,
                'retry_interval': group_conf.retry_interval,
                'connection_recycle_time': group_conf.connection_recycle_time,
                'max_pool_size': group_conf.max_pool_size,
                'max_overflow': group_conf.max_overflow,
                'pool_timeout': group_conf.pool_timeout}
    manager.configure(**settings)
    manager.append_on_engine_create(_sqlite_locking)
    return manager


def get_api_context_manager():
    global _api_context_manager
    with _lock:
        if _api_context_manager is None:
            if not CONF.api_database.connection:
                raise exception.ConfigError(
                    '[api_database] connection is not set')
            _api_context_manager = _new_context_manager(
                CONF.api_database.connection, CONF.api_database)
        return _api_context_manager


def get_cell_context_manager(connection):
    with _lock:
        manager = _cell_context_managers.get(connection)
        if manager is None:
            manager = _new_context_manager(connection, CONF.database)
            _cell_context_managers[connection] = manager
        return manager


def get_local_cell_context_manager():
    """The facade of this service's own [database] connection."""
    if not CONF.database.connection:
        raise exception.ConfigError('[database] connection is not set')
    return get_cell_context_manager(CONF.database.connection)


def reset():
    """Forget every facade (tests, and the all-in-one's bootstrap)."""
    global _api_context_manager
    with _lock:
        for manager in list(_cell_context_managers.values()) + [_api_context_manager]:
            if manager is not None:
                try:
                    manager.dispose_pool()
                except Exception:  # noqa: BLE001 - never started
                    pass
        _api_context_manager = None
        _cell_context_managers.clear()


def api_reader(context):
    return get_api_context_manager().reader.using(context)


def api_writer(context):
    return get_api_context_manager().writer.using(context)


def _cell_manager(context):
    manager = context.db_connection
    if manager is None:
        manager = get_local_cell_context_manager()
    return manager


def cell_reader(context):
    """A read transaction on the targeted cell (or [database] connection)."""
    return _cell_manager(context).reader.using(context)


def cell_writer(context):
    return _cell_manager(context).writer.using(context)
