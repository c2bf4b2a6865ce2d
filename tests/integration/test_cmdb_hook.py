"""The example extension package examples/cmdb-hook (installed into the
venv the daemons run from) in a deployment of separate daemons with the
fake driver: a server is registered in a CMDB (a small HTTP service this
test runs) once ACTIVE and unregistered once deleted; a flavor the rules
file does not allow for the project is refused with 403 and its message;
the extension's route and server action answer; and a server still goes
ACTIVE, and is deleted, while the CMDB refuses connections and while it
hangs."""
import http.server
import importlib.util
import json
import pathlib
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.integration import conftest
from tests.integration import harness

PACKAGE = pathlib.Path(__file__).parents[2] / 'examples' / 'cmdb-hook'
TOKEN = {'X-Auth-Token': 'admin:admin'}
# The compute waits this long for a hook; the CMDB client itself waits
# longer, so a hanging CMDB shows the hook runner's own timeout.
HOOK_TIMEOUT = 2
CMDB_TIMEOUT = 5


def _install_package():
    """The Makefile's test venv has it; install it (editable) otherwise."""
    if importlib.util.find_spec('nova_cmdb_hook') is not None:
        return
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
         '--no-build-isolation', '-e', str(PACKAGE)], capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr


class CMDB:
    """A CMDB keeping server records in memory: POST /servers, GET and
    DELETE /servers/<id>. ``hang`` makes it hold every request for 10 s;
    ``stop``/``start`` close and reopen its port (connection refused)."""

    def __init__(self):
        self.records = {}
        self.hang = threading.Event()
        self.port = harness.free_port()
        self.url = 'http://127.0.0.1:%d/servers' % self.port
        self._server = None

    def start(self):
        cmdb = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body=None):
                if cmdb.hang.is_set():
                    time.sleep(10)
                data = json.dumps(body).encode() if body is not None else b''
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                record = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
                cmdb.records[record['id']] = record
                self._answer(201, record)

            def do_GET(self):
                record = cmdb.records.get(self.path.rsplit('/', 1)[-1])
                self._answer(200 if record else 404, record)

            def do_DELETE(self):
                found = cmdb.records.pop(self.path.rsplit('/', 1)[-1], None)
                self._answer(204 if found else 404)

        self._server = http.server.ThreadingHTTPServer(('127.0.0.1', self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope='module')
def cmdb():
    service = CMDB()
    service.start()
    yield service
    service.hang.clear()
    service.stop()


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb, cmdb):
    _install_package()
    workdir = tmp_path_factory.mktemp('cmdb')
    rules = workdir / 'flavor-rules.yaml'
    rules.write_text('projects:\n  admin: [cmdb.small]\ndefault: []\n')
    deployment = conftest.Deployment(workdir, rabbitmq, mariadb)
    with deployment:
        sections = deployment.top_sections()
        sections['api'] = dict(sections['api'], extensions='cmdb')
        sections['hooks'] = {'api_hooks': 'flavor_allowlist'}
        sections['cmdb'] = {'url': cmdb.url, 'flavor_rules_file': str(rules), 'timeout': 1}
        deployment.write_config('nova-top.conf', sections)
        deployment.set_up_cells()
        api = deployment.start('nova-api', deployment.top_config)
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
        deployment.start('nova-scheduler', deployment.top_config)
        deployment.start('nova-conductor', deployment.cell_conductor_config,
                         name='cell1-conductor')
        deployment.compute = deployment.start('nova-compute', deployment.compute_config(
            'compute-cmdb', hooks={'compute_hooks': 'cmdb', 'timeout': HOOK_TIMEOUT},
            cmdb={'url': cmdb.url, 'timeout': CMDB_TIMEOUT}), name='compute-cmdb')
        harness.wait_for_api(deployment.endpoint, api)
        yield deployment


@pytest.fixture(scope='module')
def sdk(cloud):
    connection = cloud.sdk()
    cloud.wait_for_nodes(connection, {'compute-cmdb'})
    return connection


@pytest.fixture(scope='module')
def boot(cloud, sdk):
    image = cloud.raw_image(sdk, 'cmdb')
    for name in ('cmdb.small', 'cmdb.big'):
        sdk.compute.create_flavor(name=name, ram=128, vcpus=1, disk=1)

    def boot(name):
        server = sdk.compute.create_server(name=name, image_id=image.id,
                                           flavor_id=sdk.compute.find_flavor('cmdb.small').id,
                                           networks='none')
        return sdk.compute.wait_for_server(server, status='ACTIVE', failures=['ERROR'],
                                           wait=60, interval=0.3)
    boot.image = image
    return boot


def _call(cloud, method, path, body=None, version='2.90'):
    request = urllib.request.Request(
        cloud.compute_endpoint + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers=dict(TOKEN, **{'Content-Type': 'application/json',
                               'OpenStack-API-Version': 'compute %s' % version}))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    return status, json.loads(data) if data else None


def _delete(sdk, server):
    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, wait=60, interval=0.3)


def test_registered_after_build_and_unregistered_after_delete(cloud, sdk, boot, cmdb):
    server = boot('registered')
    record = harness.wait_until(lambda: cmdb.records.get(server.id), 20,
                                daemons=cloud.daemons, what='the CMDB record')
    assert record['name'] == 'registered' and record['project_id'] == 'admin'
    assert record['host'] == 'compute-cmdb' and record['flavor'] == 'cmdb.small'
    assert record['request_id'].startswith('req-')

    # The extension's route shows it.
    assert _call(cloud, 'GET', '/servers/%s/cmdb-record' % server.id) == (
        200, {'cmdb_record': record})
    # Its server action exists from 2.60, with its schema.
    action = '/servers/%s/action' % server.id
    assert _call(cloud, 'POST', action, {'cmdb-register': {'note': 'again'}}) == (202, None)
    assert cmdb.records[server.id]['note'] == 'again'
    status, fault = _call(cloud, 'POST', action, {'cmdb-register': None}, version='2.59')
    assert (status, fault['badRequest']['message']) == (
        400, 'There is no such action: cmdb-register')
    status, fault = _call(cloud, 'POST', action, {'cmdb-register': {'colour': 'red'}})
    assert status == 400 and 'colour' in fault['badRequest']['message']

    _delete(sdk, server)
    harness.wait_until(lambda: server.id not in cmdb.records, 20, daemons=cloud.daemons,
                       what='the CMDB record to go')


def test_flavor_not_allowed_for_the_project_is_403(cloud, sdk, boot):
    body = {'server': {'name': 'big', 'imageRef': boot.image.id, 'networks': 'none',
                       'flavorRef': sdk.compute.find_flavor('cmdb.big').id}}
    assert _call(cloud, 'POST', '/servers', body) == (403, {'forbidden': {
        'code': 403,
        'message': 'Flavor cmdb.big is not allowed for project admin; allowed: cmdb.small.'}})
    assert not list(sdk.compute.servers(name='big'))


def test_server_goes_active_while_the_cmdb_is_down(cloud, sdk, boot, cmdb):
    cmdb.stop()
    try:
        server = boot('cmdb-down')
        status, fault = _call(cloud, 'GET', '/servers/%s/cmdb-record' % server.id)
        assert status == 503, fault
        assert fault['serviceUnavailable']['message'].startswith(
            'Service unavailable: the CMDB cannot be reached')
        _delete(sdk, server)
        harness.wait_until(
            lambda: 'Server %s is not unregistered from the CMDB' % server.id
            in cloud.compute.log_path.read_text(), 20, what='the unregistration warning')
        assert 'Server %s is not registered in the CMDB' % server.id in (
            cloud.compute.log_path.read_text())
    finally:
        cmdb.start()


def test_server_goes_active_while_the_cmdb_hangs(cloud, sdk, boot, cmdb):
    """The compute gives up waiting for the hook after HOOK_TIMEOUT and
    goes on: the delete that follows at once is not held up by it."""
    cmdb.hang.set()
    try:
        server = boot('cmdb-hangs')
        started = time.monotonic()
        _delete(sdk, server)
        assert time.monotonic() - started < 15
        log = cloud.compute.log_path.read_text()
        assert ('The after_build hook cmdb of instance %s did not finish within %.1fs'
                % (server.id, HOOK_TIMEOUT)) in log
        harness.wait_until(
            lambda: 'Server %s is not registered in the CMDB' % server.id
            in cloud.compute.log_path.read_text(), 20, what='the CMDB client timing out')
    finally:
        cmdb.hang.clear()
