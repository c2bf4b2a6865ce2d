"""A small deployment for scheduler and ledger tests: SQLite API, cell0,
cell1 and cell2 databases (no API application), with helpers to add
compute hosts the way the computes and conductors would record them."""
from oslo_utils import uuidutils

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db.api import cells
from nova_common.db.api import services
from nova_common.db import engines
from nova_common.db.models import main as main_models
from tests.functional import compute_records
from tests.functional import migrated_sqlite


class Deployment:
    def __init__(self, tmp_path):
        self.api_db = 'sqlite:///%s/api.db' % tmp_path
        CONF.set_override('connection', self.api_db, group='api_database')
        CONF.set_override('transport_url', 'fake:/')
        migrated_sqlite.upgrade('api', self.api_db)
        self.admin_context = nova_context.get_admin_context()
        self.cell0 = self._cell(tmp_path, 'cell0', uuid=cells.CELL0_UUID)
        self.cell1 = self._cell(tmp_path, 'cell1')
        self.cell2 = self._cell(tmp_path, 'cell2')
        CONF.set_override('connection', self.cell1['database_connection'], group='database')

    def _cell(self, tmp_path, name, uuid=None):
        url = 'sqlite:///%s/%s.db' % (tmp_path, name)
        migrated_sqlite.upgrade('main', url)
        return cells.create_cell(self.admin_context, name, url, 'fake:/', uuid=uuid)

    def add_host(self, name, cell=None, up=True, **node_values):
        """A nova-compute service and its one compute node; returns the node."""
        cell = cell or self.cell1
        service = compute_records.add_service(self, cell, name, up=up)
        return compute_records.add_node(self, cell, service, **node_values)

    def set_service(self, name, values, cell=None):
        with nova_context.target_cell(self.admin_context, cell or self.cell1) as cctx:
            service = services.get_compute_by_host(cctx, name)
            return services.update(cctx, service['id'], values)

    def add_instance(self, cell, vm_state='active', host='host1', deleted=False, uuid=None):
        with nova_context.target_cell(self.admin_context, cell) as cctx:
            with engines.cell_writer(cctx) as session:
                row = main_models.Instance(uuid=uuid or uuidutils.generate_uuid(),
                                           host=host, node=host, vm_state=vm_state,
                                           project_id='demo', user_id='demo')
                session.add(row)
                session.flush()
                if deleted:
                    row.deleted = row.id
                return row.uuid

    def add_build_request(self, uuid):
        build_requests.create(self.admin_context, {'uuid': uuid, 'project_id': 'demo'}, [])
