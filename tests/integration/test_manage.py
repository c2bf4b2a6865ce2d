"""nova-manage against MariaDB, run as an operator runs it."""
import time
import uuid

import pytest

from nova_common.db import migration
from tests.integration import harness

API_HEAD = migration.head_version(migration.API)
MAIN_HEAD = migration.head_version(migration.MAIN)


class FreshDatabases:
    """Empty databases (api, main, main_cell0, cell1) and a config naming
    them: [database] connection is "main", so map_cell0's default is
    "main_cell0"."""

    def __init__(self, tmp_path, mariadb):
        self.api_db = mariadb.create_database('api')
        self.main_db = mariadb.create_database('main')
        main_name = self.main_db.rsplit('/', 1)[1].split('?')[0]
        self.cell0_db = mariadb.create_database('cell0', name=main_name + '_cell0')
        self.cell1_db = mariadb.create_database('cell1')
        self.config = harness.write_config(tmp_path / 'nova.conf', {
            'DEFAULT': {'transport_url': 'rabbit://guest:guest@127.0.0.1:5672/manage'},
            'api_database': {'connection': self.api_db},
            'database': {'connection': self.main_db},
        })

    def manage(self, *args, expect=0):
        return harness.nova_manage(self.config, *args, expect=expect)


@pytest.fixture
def fresh(tmp_path, mariadb):
    return FreshDatabases(tmp_path, mariadb)


def tables(mariadb, url):
    return sorted(row[0] for row in mariadb.query(url, 'SHOW TABLES'))


def assert_one_line_error(result):
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_api_db_sync_twice_is_a_noop(fresh, mariadb):
    assert fresh.manage('api_db', 'version').stdout.strip() == 'None'
    fresh.manage('api_db', 'sync')
    created = tables(mariadb, fresh.api_db)
    assert {'cell_mappings', 'host_mappings', 'flavors', 'key_pairs'} <= set(created)
    assert fresh.manage('api_db', 'version').stdout.strip() == API_HEAD

    again = fresh.manage('api_db', 'sync')
    assert again.stdout == ''
    assert tables(mariadb, fresh.api_db) == created
    assert fresh.manage('api_db', 'version').stdout.strip() == API_HEAD


def test_cells_setup_and_db_sync(fresh, mariadb):
    fresh.manage('api_db', 'sync')
    fresh.manage('cell_v2', 'map_cell0')
    assert fresh.manage('cell_v2', 'map_cell0').stdout.strip() == 'Cell0 is already setup'

    cell1_uuid = fresh.manage('cell_v2', 'create_cell', '--name', 'cell1',
                              '--database_connection', fresh.cell1_db).stdout.strip()
    assert str(uuid.UUID(cell1_uuid)) == cell1_uuid
    duplicate = fresh.manage('cell_v2', 'create_cell', '--name', 'cell1',
                             '--database_connection', fresh.cell1_db, expect=2)
    assert 'already exists' in duplicate.stderr

    listing = fresh.manage('cell_v2', 'list_cells').stdout
    cell0_line = next(line for line in listing.splitlines() if ' cell0 ' in line)
    assert '00000000-0000-0000-0000-000000000000' in cell0_line
    assert fresh.cell0_db in cell0_line and 'none:///' in cell0_line
    cell1_line = next(line for line in listing.splitlines() if ' cell1 ' in line)
    assert cell1_uuid in cell1_line and fresh.cell1_db in cell1_line
    assert 'guest:****@' in cell1_line
    assert 'guest:guest@' in fresh.manage('cell_v2', 'list_cells', '--verbose').stdout

    fresh.manage('db', 'sync')
    for url in (fresh.cell0_db, fresh.cell1_db, fresh.main_db):
        assert {'instances', 'services', 'compute_nodes'} <= set(tables(mariadb, url)), url
    assert fresh.manage('db', 'version').stdout.strip() == MAIN_HEAD
    before = {url: tables(mariadb, url) for url in (fresh.cell0_db, fresh.cell1_db)}
    fresh.manage('db', 'sync')
    assert {url: tables(mariadb, url) for url in before} == before


def test_discover_and_list_hosts(fresh, mariadb):
    fresh.manage('api_db', 'sync')
    cell1_uuid = fresh.manage('cell_v2', 'create_cell', '--name', 'cell1',
                              '--database_connection', fresh.cell1_db).stdout.strip()
    fresh.manage('db', 'sync')
    for host, binary, deleted in (('compute-a', 'nova-compute', 0),
                                  ('compute-b', 'nova-compute', 0),
                                  ('compute-gone', 'nova-compute', 1),
                                  ('conductor-a', 'nova-conductor', 0)):
        mariadb.query(fresh.cell1_db,
                      'INSERT INTO services (uuid, host, `binary`, topic, report_count, '
                      'deleted) VALUES (%s, %s, %s, %s, 0, %s)',
                      str(uuid.uuid4()), host, binary, binary[5:], deleted)
    mariadb.query(fresh.cell1_db,
                  "INSERT INTO compute_nodes (uuid, host, hypervisor_hostname, vcpus, "
                  "memory_mb, local_gb, vcpus_used, memory_mb_used, local_gb_used, mapped, "
                  "deleted) VALUES (%s, 'compute-a', 'compute-a', 4, 8192, 100, 0, 0, 0, 0, 0)",
                  str(uuid.uuid4()))

    fresh.manage('cell_v2', 'discover_hosts', '--verbose')
    mapped = mariadb.query(fresh.api_db, 'SELECT host FROM host_mappings ORDER BY host')
    assert [row[0] for row in mapped] == ['compute-a', 'compute-b']
    assert mariadb.query(fresh.cell1_db, 'SELECT mapped FROM compute_nodes') == ((1,),)
    fresh.manage('cell_v2', 'discover_hosts', '--strict', expect=1)

    hosts = fresh.manage('cell_v2', 'list_hosts', '--cell_uuid', cell1_uuid).stdout
    assert 'compute-a' in hosts and 'compute-b' in hosts and cell1_uuid in hosts
    fresh.manage('cell_v2', 'list_hosts', '--cell_uuid', str(uuid.uuid4()), expect=1)

    fresh.manage('cell_v2', 'delete_cell', '--cell_uuid', cell1_uuid, expect=2)
    fresh.manage('cell_v2', 'delete_cell', '--cell_uuid', cell1_uuid, '--force')
    assert mariadb.query(fresh.api_db, 'SELECT COUNT(*) FROM host_mappings') == ((0,),)
    assert mariadb.query(fresh.cell1_db, 'SELECT mapped FROM compute_nodes') == ((0,),)


@pytest.mark.parametrize('command, url', [
    (('api_db', 'sync'), 'not a url'),
    (('cell_v2', 'list_cells'), 'nosuchdriver://x/y'),
    (('db', 'sync'), 'mysql+pymysql://root@127.0.0.1/nova_does_not_exist'),
])
def test_bad_connection_url_fails_in_one_line(tmp_path, mariadb, command, url):
    config = harness.write_config(tmp_path / 'nova.conf', {
        'api_database': {'connection': url}, 'database': {'connection': url}})
    assert_one_line_error(harness.nova_manage(config, *command, expect=None))


@pytest.mark.parametrize('command', [('api_db', 'sync'), ('cell_v2', 'map_cell0')])
def test_unreachable_database_fails_fast_in_one_line(tmp_path, command):
    url = 'mysql+pymysql://root:secret@127.0.0.1:%d/nova_api' % harness.free_port()
    config = harness.write_config(tmp_path / 'nova.conf', {
        'api_database': {'connection': url}, 'database': {'connection': url}})
    started = time.monotonic()
    result = harness.nova_manage(config, *command, expect=None)
    assert_one_line_error(result)
    assert "Can't connect" in result.stderr
    assert 'secret' not in result.stderr
    assert time.monotonic() - started < 30
