"""Bad input always gets a 4xx in Nova's fault format, never a 500: each
case here broke the API once (project issue 13)."""
import time

from oslo_db import exception as db_exc
import oslo_messaging
import pytest
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from nova_api import handler
from nova_common.conf import CONF
from nova_common.db.api import flavors as flavors_db
from nova_common.db import engines
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.test_ledger import mariadb_ctx  # noqa: F401 - a fixture
from tests.integration import harness

VERSION = '2.90'


def _fault(resp, status):
    assert resp.status_int == status, resp.text
    name, = resp.json
    assert resp.json[name]['code'] == status
    return resp.json[name]['message']


def _raw(cloud, method, path, body=b'', content_type='application/json', **headers):
    headers = dict(headers, **{'X-Auth-Token': 'admin:admin'})
    if content_type:
        headers['Content-Type'] = content_type
    return cloud.app.request(path, method=method, body=body, headers=headers,
                             expect_errors=True)


@pytest.fixture
def bootable(cloud):
    add_flavor_and_image(cloud)
    return cloud


def _boot(cloud, status=None, **extra):
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    server.update(extra)
    return cloud.post('/v2.1/servers', {'server': server}, token='demo:demo',
                      version=VERSION, status=status)


@pytest.mark.parametrize('path', [
    '/v2.1/servers/%ff', '/v2.1/flavors/%ed%a0%80/os-extra_specs', '/v2.1/%ff/flavors',
    '/v2.1/flavors?minRam=%ff', '/v2.1/servers/detail?name=%c3%28',
])
def test_url_that_is_not_utf8_is_400(cloud, path):
    assert 'UTF-8' in _fault(cloud.get(path), 400)


def test_integer_filters_beyond_any_column_select_as_their_bound(cloud):
    """Found by the fuzzer: minRam past 64 bits was a 500 (the database
    refused the number)."""
    add_flavor_and_image(cloud)
    everything = cloud.get('/v2.1/flavors', status=200).json['flavors']
    assert everything
    assert 'minDisk' in _fault(cloud.get('/v2.1/flavors?minDisk=1e3'), 400)
    assert cloud.get('/v2.1/flavors?minRam=99999999999999999999999',
                     status=200).json['flavors'] == []
    assert cloud.get('/v2.1/flavors?minDisk=-99999999999999999999999',
                     status=200).json['flavors'] == everything


@pytest.mark.parametrize('body', [
    b'[' * 50000 + b']' * 50000,
    b'{"flavor": ' + b'[' * (handler.MAX_BODY_DEPTH + 1) + b']' * (handler.MAX_BODY_DEPTH + 1)
    + b'}',
    b'{"flavor": {"name": "\\ud800", "ram": 1, "vcpus": 1, "disk": 1}}',
    b'{"flavor": {"name": "x", "ram": NaN, "vcpus": 1, "disk": 1}}',
    b'{"flavor": {"name": "x", "ram": 1, "vcpus": 1, "disk": 1, "rxtx_factor": 1e999}}',
    b'\xff\xfe', b'not json',
])
def test_body_that_is_not_storable_json_is_400(cloud, body):
    _fault(_raw(cloud, 'POST', '/v2.1/flavors', body), 400)


def test_declared_content_type_other_than_json_is_415(cloud):
    resp = _raw(cloud, 'POST', '/v2.1/flavors', b'name=x', 'application/x-www-form-urlencoded')
    assert _fault(resp, 415) == 'Unsupported Content-Type'
    _fault(_raw(cloud, 'GET', '/v2.1/flavors', content_type='multipart/form-data; boundary=x'),
           415)
    assert _raw(cloud, 'GET', '/v2.1/flavors', content_type='text/plain').status_int == 200


def test_any_accept_header_gets_json(cloud):
    resp = cloud.get('/v2.1/flavors', headers={'Accept': 'application/xml'}, status=200)
    assert resp.json == {'flavors': []}


def test_unknown_route_and_method_are_nova_faults(cloud):
    _fault(cloud.get('/v2.1/no/such/thing'), 404)
    _fault(cloud.get('/nothing-here'), 404)
    resp = cloud.request('PATCH', '/v2.1/flavors')
    _fault(resp, 405)
    assert 'GET' in resp.headers['Allow']


def test_overlong_path_ids_are_400_before_the_database(cloud):
    long_id = 'p' * 10000
    message = _fault(cloud.put('/v2.1/os-quota-sets/%s' % long_id,
                               {'quota_set': {'instances': 5}}), 400)
    assert 'project_id' in message
    _fault(cloud.get('/v2.1/os-quota-sets/%s' % long_id), 400)
    _fault(cloud.get('/v2.1/servers/%s' % long_id), 400)
    _fault(cloud.get('/v2.1/%s/servers' % long_id, token='demo:demo'), 400)


def test_min_count_of_the_wrong_type_is_400(bootable):
    for value in ('abc', '', [], {}, 1.5, '-1', '0', '00', 0, '9' * 5000):
        _fault(_boot(bootable, min_count=value), 400)


def test_huge_max_count_is_capped_by_quota_at_once(bootable):
    started = time.monotonic()
    resp = _boot(bootable, max_count=3000000, return_reservation_id=True, status=202)
    assert time.monotonic() - started < 5
    reservation = resp.json['reservation_id']
    servers = bootable.get('/v2.1/servers?reservation_id=%s' % reservation,
                           token='demo:demo').json['servers']
    assert len(servers) == CONF.quota.instances
    message = _fault(_boot(bootable, min_count=3000000), 403)
    assert 'Quota exceeded' in message


def test_access_ips_are_stored_normalised(bootable):
    server = _boot(bootable, accessIPv6='2001:0DB8:0000:0000:0000:0000:0000:0001',
                   accessIPv4='192.0.2.1', status=202).json['server']
    shown = bootable.get('/v2.1/servers/%s' % server['id'], token='demo:demo',
                         version=VERSION).json['server']
    assert (shown['accessIPv4'], shown['accessIPv6']) == ('192.0.2.1', '2001:db8::1')
    updated = bootable.put('/v2.1/servers/%s' % server['id'],
                           {'server': {'accessIPv6': '0:0:0:0:0:ffff:c000:0201'}},
                           token='demo:demo', version=VERSION, status=200).json['server']
    assert updated['accessIPv6'] == '::ffff:192.0.2.1'
    _fault(_boot(bootable, accessIPv6='fe80::1%eth0'), 400)
    _fault(_boot(bootable, accessIPv4='192.0.2.256'), 400)


@pytest.mark.parametrize('error, status', [
    (db_exc.DBConnectionError('gone'), 503),
    (sa_exc.OperationalError('SELECT 1', {}, Exception(1040, 'Too many connections')), 503),
    (db_exc.DBError(sa_exc.OperationalError('SELECT 1', {}, Exception(
        1203, 'User nova already has more than max_user_connections'))), 503),
    (sa_exc.OperationalError('SELECT 1', {}, Exception(1054, 'Unknown column')), 500),
    (oslo_messaging.MessagingTimeout('no answer'), 503),
    (db_exc.DBDuplicateEntry(['key']), 409),
])
def test_infrastructure_errors_are_mapped_in_one_place(cloud, monkeypatch, error, status):
    def fail(*args, **kwargs):
        raise error
    monkeypatch.setattr(flavors_db, 'get_flavor', fail)
    _fault(cloud.get('/v2.1/flavors/any'), status)


def test_unreachable_database_is_503(cloud):
    """Nothing listens on port 1: every API database call fails to connect."""
    CONF.set_override('connection', 'mysql+pymysql://nova:x@127.0.0.1:1/nova_api',
                      group='api_database')
    CONF.set_override('max_retries', 0, group='api_database')
    engines.reset()
    try:
        for path in ('/v2.1/flavors', '/v2.1/os-keypairs', '/v2.1/servers'):
            message = _fault(cloud.get(path, token='demo:demo'), 503)
            assert 'database is unavailable' in message
    finally:
        engines.reset()


def test_concurrent_creation_of_one_extra_spec_is_retried(mariadb_ctx):  # noqa: F811
    """Another request inserts the same new key between this one's read and
    its insert (on MariaDB; SQLite holds the write lock from the first
    statement): the duplicate is retried as an update, not a 500."""
    flavors_db.create_flavor(mariadb_ctx, 'f', 512, 1, 1, flavorid='f')
    engine = engines.get_api_context_manager().writer.get_engine()
    inserts = []

    def interfere(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith('INSERT INTO flavor_extra_specs'):
            inserts.append(statement)
            if len(inserts) == 1:
                harness.MariaDB().query(
                    CONF.api_database.connection,
                    "INSERT INTO flavor_extra_specs (flavor_id, `key`, value, created_at) "
                    "SELECT id, 'hw:cpu_policy', 'shared', NOW() FROM flavors "
                    "WHERE flavorid = 'f'")

    event.listen(engine, 'before_cursor_execute', interfere)
    try:
        specs = flavors_db.update_extra_specs(mariadb_ctx, 'f', {'hw:cpu_policy': 'dedicated'})
    finally:
        event.remove(engine, 'before_cursor_execute', interfere)
    assert specs == {'hw:cpu_policy': 'dedicated'}
    assert len(inserts) == 1
