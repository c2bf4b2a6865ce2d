"""Instance mappings in the API database: which cell holds a server (none
yet while it is a build request), and whose it is.

A mapping leaves as {instance_uuid, cell (the cell mapping dict, or None),
project_id, user_id, queued_for_delete, created_at}. Its project and
creation time are what the API shows of a server whose cell does not
answer (microversion 2.69).
"""

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception


def _cell_dict(cell):
    if cell is None:
        return None
    return {'id': cell.id, 'uuid': cell.uuid, 'name': cell.name,
            'transport_url': cell.transport_url,
            'database_connection': cell.database_connection,
            'disabled': cell.disabled}


def _as_dict(mapping, cell):
    return {'instance_uuid': mapping.instance_uuid, 'cell': _cell_dict(cell),
            'project_id': mapping.project_id, 'user_id': mapping.user_id,
            'queued_for_delete': mapping.queued_for_delete,
            'created_at': mapping.created_at}


def _with_cells(session):
    return (session.query(models.InstanceMapping, models.CellMapping)
            .outerjoin(models.CellMapping,
                       models.InstanceMapping.cell_id == models.CellMapping.id))


def _get_row(session, uuid):
    row = session.query(models.InstanceMapping).filter_by(instance_uuid=uuid).first()
    if row is None:
        raise exception.InstanceMappingNotFound(uuid=uuid)
    return row


def _cell_row(session, cell_uuid):
    cell = session.query(models.CellMapping).filter_by(uuid=cell_uuid).first()
    if cell is None:
        raise exception.CellMappingNotFound(uuid=cell_uuid)
    return cell


def create(context, uuid, project_id, user_id, cell_uuid=None):
    with engines.api_writer(context) as session:
        cell = _cell_row(session, cell_uuid) if cell_uuid else None
        row = models.InstanceMapping(instance_uuid=uuid, project_id=project_id,
                                     user_id=user_id, cell_id=cell.id if cell else None,
                                     queued_for_delete=False)
        engines.add_instance_record(session, row, uuid)
        return _as_dict(row, cell)


def get(context, uuid):
    """The mapping of ``uuid``; InstanceMappingNotFound without one."""
    with engines.api_reader(context) as session:
        found = _with_cells(session).filter(models.InstanceMapping.instance_uuid == uuid).first()
        if found is None:
            raise exception.InstanceMappingNotFound(uuid=uuid)
        return _as_dict(*found)


def set_cell(context, uuid, cell_uuid):
    """Point the mapping at the cell that now holds the instance."""
    with engines.api_writer(context) as session:
        row = _get_row(session, uuid)
        cell = _cell_row(session, cell_uuid)
        row.cell_id = cell.id
        session.flush()
        return _as_dict(row, cell)


def mark_queued_for_delete(context, uuid, queued=True):
    """Set when the server is deleted or soft-deleted; ``queued`` False
    again when a soft-deleted server is restored."""
    with engines.api_writer(context) as session:
        _get_row(session, uuid).queued_for_delete = queued


def delete(context, uuid):
    """True when a mapping was removed, False when there was none."""
    with engines.api_writer(context) as session:
        return bool(session.query(models.InstanceMapping)
                    .filter_by(instance_uuid=uuid).delete())


def list_by_project(context, project_id):
    """The mappings of a project, oldest first."""
    with engines.api_reader(context) as session:
        query = _with_cells(session).filter(models.InstanceMapping.project_id == project_id)
        return [_as_dict(*found) for found in query.order_by(models.InstanceMapping.id)]


def list_live_in_cells(context, cell_uuids, project_id=None):
    """Mappings of the servers of the cells ``cell_uuids`` that are not
    being deleted, optionally of one project: what the API knows of
    servers whose cell does not answer."""
    if not cell_uuids:
        return []
    with engines.api_reader(context) as session:
        query = _with_cells(session).filter(
            models.CellMapping.uuid.in_(cell_uuids),
            models.InstanceMapping.queued_for_delete.is_(False))
        if project_id is not None:
            query = query.filter(models.InstanceMapping.project_id == project_id)
        return [_as_dict(*found) for found in query.order_by(models.InstanceMapping.id)]
