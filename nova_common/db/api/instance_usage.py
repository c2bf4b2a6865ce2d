"""Instances that ran during a time window, for usage reports
(os-simple-tenant-usage).

An instance counts when it was launched before the window ends and was not
terminated before it begins; deleted instances count too, since their
hours were used. Unlaunched instances (never ACTIVE) never count.
"""
from oslo_serialization import jsonutils
import sqlalchemy as sa

from nova_common.db.api import instances
from nova_common.db import engines

INSTANCES = instances.INSTANCES

# Just what a usage report needs of an instance.
_COLUMNS = ('uuid', 'project_id', 'display_name', 'vm_state', 'memory_mb', 'vcpus',
            'root_gb', 'ephemeral_gb', 'flavor', 'launched_at', 'terminated_at',
            'created_at', 'deleted')


def active_in_window(context, period_start, period_stop, project_id=None, host=None):
    """The instances of the targeted cell that ran between ``period_start``
    and ``period_stop`` (naive UTC datetimes), of ``project_id`` and on
    ``host`` when given, oldest first (created_at, then uuid)."""
    query = sa.select(*[INSTANCES.c[name] for name in _COLUMNS]).where(
        INSTANCES.c.launched_at.is_not(None),
        INSTANCES.c.launched_at < period_stop,
        sa.or_(INSTANCES.c.terminated_at.is_(None),
               INSTANCES.c.terminated_at > period_start))
    if project_id is not None:
        query = query.where(INSTANCES.c.project_id == project_id)
    if host is not None:
        query = query.where(INSTANCES.c.host == host)
    query = query.order_by(INSTANCES.c.created_at, INSTANCES.c.uuid)
    with engines.cell_reader(context) as session:
        rows = session.execute(query).all()
    result = []
    for row in rows:
        record = dict(row._mapping)
        record['flavor'] = jsonutils.loads(record['flavor']) if record['flavor'] else None
        result.append(record)
    return result
