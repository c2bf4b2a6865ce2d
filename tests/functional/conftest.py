"""An in-process cloud for functional tests: SQLite API/cell0/cell1
databases in a temporary directory, the in-memory transport, noauth2, and
the real API application driven through WebTest."""
import pytest
from oslo_serialization import jsonutils
import webtest

from nova_api import app as api_app
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from tests.functional import migrated_sqlite


class Cloud:
    def __init__(self, tmp_path):
        self.data_dir = tmp_path
        self.api_db = 'sqlite:///%s/api.db' % tmp_path
        self.cell0_db = 'sqlite:///%s/cell0.db' % tmp_path
        self.cell1_db = 'sqlite:///%s/cell1.db' % tmp_path
        CONF.set_override('connection', self.api_db, group='api_database')
        CONF.set_override('connection', self.cell1_db, group='database')
        CONF.set_override('transport_url', 'fake:/')
        CONF.set_override('auth_strategy', 'noauth2', group='api')
        CONF.set_override('host', 'test-host')
        CONF.set_override('backend', 'local', group='image')
        CONF.set_override('local_store_dir', str(tmp_path / 'images'), group='image')
        for url, which in ((self.api_db, 'api'), (self.cell0_db, 'main'),
                           (self.cell1_db, 'main')):
            migrated_sqlite.upgrade(which, url)
        self.admin_context = nova_context.get_admin_context()
        self.cell0 = cells.create_cell(self.admin_context, 'cell0', self.cell0_db,
                                       'none:///', uuid=cells.CELL0_UUID)
        self.cell1 = cells.create_cell(self.admin_context, 'cell1', self.cell1_db, 'fake:/')
        self.app = webtest.TestApp(api_app.build())

    def request(self, method, path, body=None, token='admin:admin', version=None,
                status=None, headers=None):
        """Call the API; ``status`` is the expected status (asserted)."""
        all_headers = {'X-Auth-Token': token} if token else {}
        if version:
            all_headers['OpenStack-API-Version'] = 'compute %s' % version
        all_headers.update(headers or {})
        params = jsonutils.dumps(body) if body is not None else ''
        if body is not None:
            all_headers['Content-Type'] = 'application/json'
        # WebTest checks no status when expect_errors is set: assert it here.
        resp = self.app.request(path, method=method, body=params.encode() if params else b'',
                                headers=all_headers, expect_errors=True)
        if status is not None:
            assert resp.status_int == status, '%s %s answered %s, not %s: %s' % (
                method, path, resp.status, status, resp.text)
        return resp

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


@pytest.fixture
def cloud(tmp_path):
    return Cloud(tmp_path)
