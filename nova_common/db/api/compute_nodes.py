"""The compute_nodes table of a cell database: one record per hypervisor
node a nova-compute manages (one for libvirt, many for a fake multi-node
driver), with its capacity and usage as the compute last reported them.

Every function works on the cell the context targets
(``nova_common.context.target_cell``), else on [database] connection.
Rows leave as plain dicts with every column.
"""
from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from nova_common.db import engines
from nova_common.db.models import main as models
from nova_common import exception

# Columns a compute may report; the rest (ids, timestamps, deleted) are the
# table's own business.
_REPORTED_COLUMNS = frozenset(
    column.name for column in models.ComputeNode.__table__.columns
) - {'id', 'created_at', 'updated_at', 'deleted_at', 'deleted', 'host',
     'hypervisor_hostname'}


def _as_dict(row):
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}


def _live(session):
    return session.query(models.ComputeNode).filter(models.ComputeNode.deleted == 0)


def _create_or_update(context, host, hypervisor_hostname, values):
    with engines.cell_writer(context) as session:
        row = _live(session).filter(
            models.ComputeNode.host == host,
            models.ComputeNode.hypervisor_hostname == hypervisor_hostname).first()
        if row is None:
            row = models.ComputeNode(host=host, hypervisor_hostname=hypervisor_hostname,
                                     uuid=values.get('uuid') or uuidutils.generate_uuid())
            session.add(row)
        for key, value in values.items():
            if key != 'uuid':
                setattr(row, key, value)
        session.flush()
        return _as_dict(row)


def upsert(context, host, hypervisor_hostname, values):
    """Create or update the live node (host, hypervisor_hostname).

    ``values`` holds what the compute reports (vcpus, memory_mb, ...,
    service_id, allocation ratios); keys that are not columns are ignored,
    and ``uuid`` is used only when the node is created. A concurrent
    creation of the same node ends as an update of the winner's row.
    """
    values = {key: value for key, value in values.items() if key in _REPORTED_COLUMNS}
    try:
        return _create_or_update(context, host, hypervisor_hostname, values)
    except db_exc.DBDuplicateEntry:
        return _create_or_update(context, host, hypervisor_hostname, values)


def list(context, host=None):  # noqa: A001 - the contract's name
    """Live nodes ordered by id, optionally only those of ``host``."""
    with engines.cell_reader(context) as session:
        query = _live(session)
        if host is not None:
            query = query.filter(models.ComputeNode.host == host)
        return [_as_dict(row) for row in query.order_by(models.ComputeNode.id)]


def get_by_id(context, node_id):
    with engines.cell_reader(context) as session:
        row = _live(session).filter(models.ComputeNode.id == node_id).first()
        if row is None:
            raise exception.ComputeHostNotFound(host=node_id)
        return _as_dict(row)


def get_by_uuid(context, node_uuid):
    with engines.cell_reader(context) as session:
        row = _live(session).filter(models.ComputeNode.uuid == node_uuid).first()
        if row is None:
            raise exception.ComputeHostNotFound(host=node_uuid)
        return _as_dict(row)


def search_by_hypervisor_hostname(context, pattern):
    """Live nodes whose hypervisor_hostname contains ``pattern``, ordered by
    id. As in Nova this is SQL LIKE '%pattern%': '%' and '_' in the pattern
    are wildcards."""
    with engines.cell_reader(context) as session:
        query = (_live(session)
                 .filter(models.ComputeNode.hypervisor_hostname.like('%%%s%%' % pattern))
                 .order_by(models.ComputeNode.id))
        return [_as_dict(row) for row in query]


def list_instances_on_host(context, host):
    """The live instances on ``host`` as {'id', 'uuid'} dicts, ordered by id
    (os-hypervisors shows their uuid and their id-based name)."""
    with engines.cell_reader(context) as session:
        query = (session.query(models.Instance.id, models.Instance.uuid)
                 .filter(models.Instance.deleted == 0, models.Instance.host == host)
                 .order_by(models.Instance.id))
        return [{'id': row.id, 'uuid': row.uuid} for row in query]
