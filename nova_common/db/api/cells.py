"""cell_mappings and host_mappings in the API database."""
from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception

CELL0_UUID = '00000000-0000-0000-0000-000000000000'


def _cell_dict(row):
    return {'id': row.id, 'uuid': row.uuid, 'name': row.name,
            'transport_url': row.transport_url,
            'database_connection': row.database_connection,
            'disabled': row.disabled}


def create_cell(context, name, database_connection, transport_url, uuid=None,
                disabled=False):
    with engines.api_writer(context) as session:
        if session.query(models.CellMapping).filter_by(name=name).first():
            raise exception.CellExists(name=name)
        row = models.CellMapping(uuid=uuid or uuidutils.generate_uuid(), name=name,
                                 database_connection=database_connection,
                                 transport_url=transport_url, disabled=disabled)
        session.add(row)
        session.flush()
        return _cell_dict(row)


def list_cells(context, include_cell0=True):
    with engines.api_reader(context) as session:
        query = session.query(models.CellMapping).order_by(models.CellMapping.id)
        rows = [_cell_dict(row) for row in query]
    if not include_cell0:
        rows = [row for row in rows if row['uuid'] != CELL0_UUID]
    return rows


def get_cell(context, uuid):
    with engines.api_reader(context) as session:
        row = session.query(models.CellMapping).filter_by(uuid=uuid).first()
        if row is None:
            raise exception.CellMappingNotFound(uuid=uuid)
        return _cell_dict(row)


def get_cell_by_name(context, name):
    with engines.api_reader(context) as session:
        row = session.query(models.CellMapping).filter_by(name=name).first()
        return _cell_dict(row) if row else None


def delete_cell(context, uuid):
    with engines.api_writer(context) as session:
        row = session.query(models.CellMapping).filter_by(uuid=uuid).first()
        if row is None:
            raise exception.CellMappingNotFound(uuid=uuid)
        if session.query(models.HostMapping).filter_by(cell_id=row.id).count():
            raise exception.CellNotEmpty(uuid=uuid, what='hosts')
        if session.query(models.InstanceMapping).filter_by(cell_id=row.id).count():
            raise exception.CellNotEmpty(uuid=uuid, what='instances')
        session.delete(row)


def map_host(context, host, cell_uuid):
    """Map ``host`` to a cell; returns False if it was mapped already."""
    with engines.api_writer(context) as session:
        cell = session.query(models.CellMapping).filter_by(uuid=cell_uuid).one()
        if session.query(models.HostMapping).filter_by(host=host).first():
            return False
        try:
            with session.begin_nested():
                session.add(models.HostMapping(host=host, cell_id=cell.id))
        except db_exc.DBDuplicateEntry:
            return False
        return True


def list_host_mappings(context, cell_uuid=None):
    with engines.api_reader(context) as session:
        query = (session.query(models.HostMapping, models.CellMapping)
                 .join(models.CellMapping, models.HostMapping.cell_id == models.CellMapping.id)
                 .order_by(models.HostMapping.host))
        if cell_uuid:
            query = query.filter(models.CellMapping.uuid == cell_uuid)
        return [{'host': host.host, 'cell_uuid': cell.uuid, 'cell_name': cell.name}
                for host, cell in query]


def get_host_cell(context, host):
    """The cell mapping ``host`` is mapped to; HostNotFound when unmapped."""
    with engines.api_reader(context) as session:
        row = (session.query(models.CellMapping)
               .join(models.HostMapping, models.HostMapping.cell_id == models.CellMapping.id)
               .filter(models.HostMapping.host == host).first())
        if row is None:
            raise exception.HostNotFound(host=host)
        return _cell_dict(row)


def delete_cell_and_hosts(context, uuid):
    """Delete a cell and its host mappings in one transaction; refused
    (CellNotEmpty) while instances are mapped to it. Returns the hosts that
    were unmapped."""
    with engines.api_writer(context) as session:
        row = session.query(models.CellMapping).filter_by(uuid=uuid).first()
        if row is None:
            raise exception.CellMappingNotFound(uuid=uuid)
        if session.query(models.InstanceMapping).filter_by(cell_id=row.id).count():
            raise exception.CellNotEmpty(uuid=uuid, what='instances')
        host_rows = session.query(models.HostMapping).filter_by(cell_id=row.id).all()
        hosts = sorted(host.host for host in host_rows)
        for host in host_rows:
            session.delete(host)
        session.flush()
        session.delete(row)
        return hosts


def delete_host_mapping(context, host):
    """Unmap ``host`` (its compute service was deleted); returns False when
    it was not mapped."""
    with engines.api_writer(context) as session:
        return bool(session.query(models.HostMapping).filter_by(host=host).delete())
