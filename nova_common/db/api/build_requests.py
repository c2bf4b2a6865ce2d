"""Build requests in the API database: a server the API accepted that no
cell holds yet. The would-be instance is kept as JSON and leaves as the
same instance dict a cell would give (datetimes parsed back), so a server
reads the same whichever side of the move to its cell it is on.
"""
from oslo_serialization import jsonutils

from nova_common.db.api import instances
from nova_common.db import engines
from nova_common.db.models import api as models

_INSTANCE_DATETIMES = ('created_at', 'updated_at', 'deleted_at', 'launched_at',
                       'terminated_at')


def _instance(row):
    instance = jsonutils.loads(row.instance)
    for key in _INSTANCE_DATETIMES:
        instance[key] = instances.as_datetime(instance.get(key))
    instance['tags'] = sorted(jsonutils.loads(row.tags)) if row.tags else []
    return instance


def _as_dict(row):
    instance = _instance(row)
    return {'instance_uuid': row.instance_uuid, 'project_id': row.project_id,
            'instance': instance, 'tags': instance['tags'],
            'created_at': row.created_at, 'updated_at': row.updated_at}


def create(context, instance, tags):
    """Record the build request of ``instance`` (an instance dict with
    ``uuid`` and ``project_id``); InstanceExists when it has one already."""
    row = models.BuildRequest(instance_uuid=instance['uuid'], project_id=instance['project_id'],
                              instance=jsonutils.dumps(instance),
                              tags=jsonutils.dumps(sorted(set(tags or ()))))
    with engines.api_writer(context) as session:
        engines.add_instance_record(session, row, instance['uuid'])
        return _as_dict(row)


def get(context, uuid):
    """The build request of ``uuid``, or None when there is none (never
    made, or its server reached a cell or was deleted)."""
    with engines.api_reader(context) as session:
        row = session.query(models.BuildRequest).filter_by(instance_uuid=uuid).first()
        return _as_dict(row) if row else None


def list(context, project_id=None, created_before=None):  # noqa: A001 - the contract's name
    """Every build request, oldest first, or those of one project, or
    those created before a (naive UTC) datetime."""
    with engines.api_reader(context) as session:
        query = session.query(models.BuildRequest)
        if project_id is not None:
            query = query.filter_by(project_id=project_id)
        if created_before is not None:
            query = query.filter(models.BuildRequest.created_at < created_before)
        return [_as_dict(row) for row in query.order_by(models.BuildRequest.id)]


def delete(context, uuid):
    """True when a build request was removed, False when there was none."""
    with engines.api_writer(context) as session:
        return bool(session.query(models.BuildRequest)
                    .filter_by(instance_uuid=uuid).delete())


def update_instance(context, uuid, values):
    """Merge ``values`` into the would-be instance of a build request and
    return it; None when the build request is gone (its server reached a
    cell meanwhile, or was deleted)."""
    with engines.api_writer(context) as session:
        row = session.query(models.BuildRequest).filter_by(instance_uuid=uuid).first()
        if row is None:
            return None
        instance = jsonutils.loads(row.instance)
        instance.update(values)
        row.instance = jsonutils.dumps(instance)
        session.flush()
        return _instance(row)
