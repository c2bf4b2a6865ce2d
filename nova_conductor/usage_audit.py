"""The database side of a compute's instance usage audit, done by its cell
conductor (computes have no database credentials): which instances ran on
the host in the period, and the task_log row of the run."""
from oslo_utils import timeutils

from nova_common.db.api import instance_usage
from nova_common.db.api import task_log
from nova_common.db import engines

TASK_NAME = 'instance_usage_audit'


def _datetime(value):
    """A naive UTC datetime from what RPC made of one (an ISO string)."""
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    return timeutils.normalize_time(value) if value.tzinfo else value


@engines.retry_on_db_error
def begin(context, host, period_beginning, period_ending):
    """Start the audit of ``host`` for the period: the instances that ran
    there then (as usage records), or None when the period was audited
    (or is being audited) already."""
    begin_at, end_at = _datetime(period_beginning), _datetime(period_ending)
    if task_log.get_all(context, TASK_NAME, begin_at, end_at, host=host):
        return None
    ran = instance_usage.active_in_window(context, begin_at, end_at, host=host)
    started = task_log.begin_task(
        context, TASK_NAME, host, begin_at, end_at, len(ran),
        'Instance usage audit started...')
    return ran if started else None


@engines.retry_on_db_error
def end(context, host, period_beginning, period_ending, errors, message):
    task_log.end_task(context, TASK_NAME, host, _datetime(period_beginning),
                      _datetime(period_ending), errors, message[:255])
