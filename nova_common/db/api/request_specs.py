"""Request specs in the API database: what a server asked the scheduler
for (flavor, image, zone, hints ...), kept as JSON and read back as the
same dict."""
from oslo_serialization import jsonutils

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception


def create(context, spec):
    """Record ``spec`` (a dict with ``instance_uuid``); returns it."""
    row = models.RequestSpec(instance_uuid=spec['instance_uuid'], spec=jsonutils.dumps(spec))
    with engines.api_writer(context) as session:
        engines.add_instance_record(session, row, spec['instance_uuid'])
        return jsonutils.loads(row.spec)


def get(context, uuid):
    """The spec of instance ``uuid``; RequestSpecNotFound without one."""
    with engines.api_reader(context) as session:
        row = session.query(models.RequestSpec).filter_by(instance_uuid=uuid).first()
        if row is None:
            raise exception.RequestSpecNotFound(instance_uuid=uuid)
        return jsonutils.loads(row.spec)


def get_many(context, uuids):
    """{instance uuid: spec} of those of ``uuids`` that have one."""
    if not uuids:
        return {}
    with engines.api_reader(context) as session:
        rows = session.query(models.RequestSpec).filter(
            models.RequestSpec.instance_uuid.in_(uuids))
        return {row.instance_uuid: jsonutils.loads(row.spec) for row in rows}


def update(context, uuid, spec):
    """Replace the spec of instance ``uuid``; returns it."""
    with engines.api_writer(context) as session:
        row = session.query(models.RequestSpec).filter_by(instance_uuid=uuid).first()
        if row is None:
            raise exception.RequestSpecNotFound(instance_uuid=uuid)
        row.spec = jsonutils.dumps(spec)
        return jsonutils.loads(row.spec)


def delete(context, uuid):
    """True when a spec was removed, False when there was none."""
    with engines.api_writer(context) as session:
        return bool(session.query(models.RequestSpec).filter_by(instance_uuid=uuid).delete())
