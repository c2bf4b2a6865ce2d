"""The task_log table of a cell database: one row per run of a compute's
periodic audit for one period (Nova's task_log_* database calls).

Every function works on the cell the context targets, else on [database]
connection. Rows leave as dicts with every column.
"""
from oslo_db import exception as db_exc
from oslo_utils import timeutils

from nova_common.db import engines
from nova_common.db.models import main as models

RUNNING = 'RUNNING'
DONE = 'DONE'


def _as_dict(row):
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}


def _of_period(session, task_name, period_beginning, period_ending):
    return session.query(models.TaskLog).filter(
        models.TaskLog.deleted == 0, models.TaskLog.task_name == task_name,
        models.TaskLog.period_beginning == period_beginning,
        models.TaskLog.period_ending == period_ending)


def begin_task(context, task_name, host, period_beginning, period_ending, task_items,
               message):
    """Record that ``host`` runs ``task_name`` for the period: True, or
    False when it ran (or runs) already for that period."""
    try:
        with engines.cell_writer(context) as session:
            session.add(models.TaskLog(
                task_name=task_name, host=host, state=RUNNING, task_items=task_items,
                errors=0, message=message, period_beginning=period_beginning,
                period_ending=period_ending, deleted=0))
            session.flush()
    except db_exc.DBDuplicateEntry:
        return False
    return True


def end_task(context, task_name, host, period_beginning, period_ending, errors, message):
    """Mark the run DONE with its error count and message."""
    with engines.cell_writer(context) as session:
        row = _of_period(session, task_name, period_beginning, period_ending).filter(
            models.TaskLog.host == host).one()
        row.state = DONE
        row.errors = errors
        row.message = message
        row.updated_at = timeutils.utcnow()


def get_all(context, task_name, period_beginning, period_ending, host=None):
    """The runs of ``task_name`` for the period (of ``host`` when given)."""
    with engines.cell_reader(context) as session:
        query = _of_period(session, task_name, period_beginning, period_ending)
        if host is not None:
            query = query.filter(models.TaskLog.host == host)
        return [_as_dict(row) for row in query.order_by(models.TaskLog.id)]
