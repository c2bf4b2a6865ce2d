"""nova-manage against SQLite, each run a separate process running the console
script's main() the way an operator runs it: exit codes, what it prints,
what it writes. The runs are forked from a helper that imported nova-manage
once (tests/preloaded_manage.py); the ``console_operator`` tests run the
console script itself, so that its entry point (imports and all) stays
tested."""
import subprocess
import uuid

import pytest
import sqlalchemy

from nova_common.db import migration
from tests.functional import migrated_sqlite
from tests import preloaded_manage

API_HEAD = migration.head_version(migration.API)
MAIN_HEAD = migration.head_version(migration.MAIN)
CELL0_UUID = '00000000-0000-0000-0000-000000000000'


class Operator:
    """A config file naming SQLite databases in a temporary directory;
    nova-manage forked from the preloaded helper, or the console script
    itself when ``console_script``."""

    def __init__(self, tmp_path, console_script=False):
        self.tmp_path = tmp_path
        self.console_script = console_script
        self.api_db = 'sqlite:///%s/api.db' % tmp_path
        self.main_db = 'sqlite:///%s/nova.db' % tmp_path
        self.cell1_db = 'sqlite:///%s/cell1.db' % tmp_path
        self.config = self.write_config(
            'nova.conf', '[DEFAULT]\ntransport_url = rabbit://nova:secret@mq:5672/\n'
            '[api_database]\nconnection = %s\n[database]\nconnection = %s\n'
            % (self.api_db, self.main_db))

    def write_config(self, name, text):
        path = self.tmp_path / name
        path.write_text(text)
        return str(path)

    def manage(self, *args, expect=0, config=None):
        args = ['--config-file', config or self.config] + list(args)
        if self.console_script:
            result = subprocess.run([preloaded_manage.NOVA_MANAGE] + args,
                                    capture_output=True, text=True, timeout=120)
        else:
            result = preloaded_manage.run(args, timeout=120)
        if expect is not None:
            assert result.returncode == expect, (
                'exit %s, expected %s\nstdout:\n%s\nstderr:\n%s'
                % (result.returncode, expect, result.stdout, result.stderr))
        return result

    def query(self, url, sql, **params):
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.begin() as connection:
                result = connection.execute(sqlalchemy.text(sql), params)
                return result.fetchall() if result.returns_rows else None
        finally:
            engine.dispose()

    def tables(self, url):
        engine = sqlalchemy.create_engine(url)
        try:
            return sorted(sqlalchemy.inspect(engine).get_table_names())
        finally:
            engine.dispose()

    def synced_api_db(self):
        """The API database as ``api_db sync`` leaves a new one, for tests
        that start from there: a copy of the template migrated once per
        test process (migrated_sqlite.py). The tests of sync run it."""
        migrated_sqlite.upgrade('api', self.api_db)

    def set_up_cells(self, sync=False):
        """What an operator's set-up leaves: cell0 and cell1 mapped, every
        database at head. The schemas are template copies unless ``sync``
        (run api_db sync and db sync)."""
        if sync:
            self.manage('api_db', 'sync')
        else:
            self.synced_api_db()
        self.manage('cell_v2', 'map_cell0')
        cell1 = self.manage('cell_v2', 'create_cell', '--name', 'cell1',
                            '--database_connection', self.cell1_db).stdout.strip()
        if sync:
            self.manage('db', 'sync')
        else:
            for url in (self.main_db + '_cell0', self.cell1_db, self.main_db):
                migrated_sqlite.upgrade('main', url)
        return cell1

    def add_service(self, host, binary='nova-compute', deleted=0):
        self.query(self.cell1_db,
                   'INSERT INTO services (uuid, host, "binary", topic, report_count, deleted) '
                   'VALUES (:uuid, :host, :binary, :topic, 0, :deleted)',
                   uuid=str(uuid.uuid4()), host=host, binary=binary,
                   topic=binary[len('nova-'):], deleted=deleted)

    def add_compute_node(self, host):
        self.query(self.cell1_db,
                   'INSERT INTO compute_nodes (uuid, host, hypervisor_hostname, vcpus, '
                   'memory_mb, local_gb, vcpus_used, memory_mb_used, local_gb_used, mapped, '
                   'deleted) VALUES (:uuid, :host, :host, 4, 8192, 100, 0, 0, 0, 0, 0)',
                   uuid=str(uuid.uuid4()), host=host)


@pytest.fixture
def operator(tmp_path):
    return Operator(tmp_path)


@pytest.fixture
def console_operator(tmp_path):
    return Operator(tmp_path, console_script=True)


def assert_one_line_error(result, code=1):
    assert result.returncode == code
    assert 'Traceback' not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ''


def test_api_db_sync_twice_is_a_noop(operator):
    assert operator.manage('api_db', 'version').stdout.strip() == 'None'
    operator.manage('api_db', 'sync')
    tables = operator.tables(operator.api_db)
    assert {'cell_mappings', 'host_mappings', 'instance_mappings', 'flavors'} <= set(tables)
    assert operator.manage('api_db', 'version').stdout.strip() == API_HEAD
    operator.manage('api_db', 'sync')
    assert operator.tables(operator.api_db) == tables
    assert operator.manage('api_db', 'version').stdout.strip() == API_HEAD


def test_map_cell0_names_the_database_after_database_connection(operator):
    operator.synced_api_db()
    operator.manage('cell_v2', 'map_cell0')
    assert operator.query(operator.api_db,
                          'SELECT name, database_connection, transport_url '
                          'FROM cell_mappings WHERE uuid = :uuid', uuid=CELL0_UUID) == [
        ('cell0', operator.main_db + '_cell0', 'none:///')]
    again = operator.manage('cell_v2', 'map_cell0')
    assert again.stdout.strip() == 'Cell0 is already setup'
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM cell_mappings') == [(1,)]


def test_map_cell0_with_explicit_connection(operator):
    operator.synced_api_db()
    url = 'sqlite:///%s/elsewhere.db' % operator.tmp_path
    operator.manage('cell_v2', 'map_cell0', '--database_connection', url)
    assert operator.query(operator.api_db, 'SELECT database_connection FROM cell_mappings'
                          ) == [(url,)]


def test_create_and_list_cells(operator):
    operator.synced_api_db()
    operator.manage('cell_v2', 'map_cell0')
    created = operator.manage('cell_v2', 'create_cell', '--name', 'cell1',
                              '--database_connection', operator.cell1_db)
    cell1_uuid = created.stdout.strip()
    assert str(uuid.UUID(cell1_uuid)) == cell1_uuid
    assert operator.query(operator.api_db,
                          'SELECT name, transport_url, database_connection, disabled '
                          'FROM cell_mappings WHERE uuid = :uuid', uuid=cell1_uuid) == [
        ('cell1', 'rabbit://nova:secret@mq:5672/', operator.cell1_db, False)]

    disabled_uuid = operator.manage(
        'cell_v2', 'create_cell', '--name', 'cell2', '--disabled',
        '--database_connection', 'sqlite:///%s/cell2.db' % operator.tmp_path,
        '--transport-url', 'rabbit://other:pw@mq2:5672/cell2').stdout.strip()

    lines = operator.manage('cell_v2', 'list_cells').stdout.splitlines()
    assert [cell.strip() for cell in lines[1].split('|')[1:-1]] == [
        'Name', 'UUID', 'Transport URL', 'Database Connection', 'Disabled']
    rows = [[cell.strip() for cell in line.split('|')[1:-1]]
            for line in lines if line.startswith('| cell')]
    assert rows == [
        ['cell0', CELL0_UUID, 'none:///', operator.main_db + '_cell0', 'False'],
        ['cell1', cell1_uuid, 'rabbit://nova:****@mq:5672/', operator.cell1_db, 'False'],
        ['cell2', disabled_uuid, 'rabbit://other:****@mq2:5672/cell2',
         'sqlite:///%s/cell2.db' % operator.tmp_path, 'True'],
    ]
    verbose = operator.manage('cell_v2', 'list_cells', '--verbose').stdout
    assert 'rabbit://nova:secret@mq:5672/' in verbose


def test_create_cell_refuses_duplicates_with_exit_2(operator):
    operator.synced_api_db()
    operator.manage('cell_v2', 'create_cell', '--name', 'cell1',
                    '--database_connection', operator.cell1_db)
    same_name = operator.manage('cell_v2', 'create_cell', '--name', 'cell1',
                                '--database_connection', 'sqlite:///%s/x.db' % operator.tmp_path,
                                expect=2)
    assert 'cell1' in same_name.stderr
    same_place = operator.manage('cell_v2', 'create_cell', '--name', 'other',
                                 '--database_connection', operator.cell1_db, expect=2)
    assert 'already exists' in same_place.stderr
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM cell_mappings') == [(1,)]


def test_create_cell_needs_transport_and_database(operator):
    operator.synced_api_db()
    bare = operator.write_config(
        'bare.conf', '[api_database]\nconnection = %s\n' % operator.api_db)
    no_transport = operator.manage('cell_v2', 'create_cell', '--name', 'c',
                                   '--database_connection', operator.cell1_db,
                                   config=bare, expect=None)
    assert_one_line_error(no_transport)
    assert '--transport-url' in no_transport.stderr
    no_database = operator.manage('cell_v2', 'create_cell', '--name', 'c',
                                  '--transport-url', 'rabbit://a:b@c/', config=bare, expect=None)
    assert_one_line_error(no_database)
    bad_transport = operator.manage('cell_v2', 'create_cell', '--name', 'c',
                                    '--transport-url', 'no scheme here', expect=None)
    assert_one_line_error(bad_transport)
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM cell_mappings') == [(0,)]


def test_db_sync_migrates_cell0_every_cell_and_database_connection(operator):
    operator.set_up_cells(sync=True)
    for url in (operator.main_db + '_cell0', operator.cell1_db, operator.main_db):
        assert {'instances', 'services', 'compute_nodes'} <= set(operator.tables(url)), url
    assert operator.manage('db', 'version').stdout.strip() == MAIN_HEAD
    before = operator.tables(operator.cell1_db)
    operator.manage('db', 'sync')
    assert operator.tables(operator.cell1_db) == before


def test_db_sync_local_cell_only_touches_database_connection(operator):
    operator.synced_api_db()
    operator.manage('cell_v2', 'create_cell', '--name', 'cell1',
                    '--database_connection', operator.cell1_db)
    operator.manage('db', 'sync', '--local_cell')
    assert 'instances' in operator.tables(operator.main_db)
    assert operator.tables(operator.cell1_db) == []


def test_discover_hosts_maps_compute_services(operator):
    cell1_uuid = operator.set_up_cells()
    operator.add_service('compute-a')
    operator.add_service('compute-b')
    operator.add_service('compute-gone', deleted=7)
    operator.add_service('conductor-a', binary='nova-conductor')
    operator.add_compute_node('compute-a')

    output = operator.manage('cell_v2', 'discover_hosts', '--verbose').stdout
    assert 'Skipping cell0' in output
    assert "Creating host mapping for compute host 'compute-a'" in output
    assert operator.query(operator.api_db,
                          'SELECT h.host, c.uuid FROM host_mappings h JOIN cell_mappings c '
                          'ON h.cell_id = c.id ORDER BY h.host') == [
        ('compute-a', cell1_uuid), ('compute-b', cell1_uuid)]
    assert operator.query(operator.cell1_db, 'SELECT mapped FROM compute_nodes') == [(1,)]

    assert operator.manage('cell_v2', 'discover_hosts').stdout == ''
    operator.manage('cell_v2', 'discover_hosts', '--strict', expect=1)
    operator.add_service('compute-c')
    operator.manage('cell_v2', 'discover_hosts', '--strict', '--cell_uuid', cell1_uuid)
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM host_mappings') == [(3,)]


def test_list_hosts(operator):
    cell1_uuid = operator.set_up_cells()
    operator.add_service('compute-a')
    operator.manage('cell_v2', 'discover_hosts')
    rows = [[cell.strip() for cell in line.split('|')[1:-1]]
            for line in operator.manage('cell_v2', 'list_hosts').stdout.splitlines()
            if line.startswith('|')]
    assert rows == [['Cell Name', 'Cell UUID', 'Hostname'], ['cell1', cell1_uuid, 'compute-a']]
    cell0_hosts = operator.manage('cell_v2', 'list_hosts', '--cell_uuid', CELL0_UUID).stdout
    assert 'compute-a' not in cell0_hosts
    missing = operator.manage('cell_v2', 'list_hosts', '--cell_uuid', str(uuid.uuid4()),
                              expect=None)
    assert_one_line_error(missing)
    assert 'not found' in missing.stderr


def test_delete_cell(operator):
    cell1_uuid = operator.set_up_cells()
    operator.add_service('compute-a')
    operator.add_compute_node('compute-a')
    operator.manage('cell_v2', 'discover_hosts')

    has_hosts = operator.manage('cell_v2', 'delete_cell', '--cell_uuid', cell1_uuid, expect=2)
    assert 'hosts' in has_hosts.stderr
    operator.query(operator.api_db,
                   'INSERT INTO instance_mappings (instance_uuid, cell_id, project_id, '
                   'queued_for_delete) SELECT :uuid, id, :project, 0 FROM cell_mappings '
                   'WHERE uuid = :cell', uuid=str(uuid.uuid4()), project='demo', cell=cell1_uuid)
    has_instances = operator.manage('cell_v2', 'delete_cell', '--cell_uuid', cell1_uuid,
                                    '--force', expect=3)
    assert 'instances' in has_instances.stderr
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM host_mappings') == [(1,)]

    operator.query(operator.api_db, 'DELETE FROM instance_mappings')
    operator.manage('cell_v2', 'delete_cell', '--cell_uuid', cell1_uuid, '--force')
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM host_mappings') == [(0,)]
    assert operator.query(operator.api_db, 'SELECT uuid FROM cell_mappings') == [(CELL0_UUID,)]
    assert operator.query(operator.cell1_db, 'SELECT mapped FROM compute_nodes') == [(0,)]
    operator.manage('cell_v2', 'delete_cell', '--cell_uuid', cell1_uuid, expect=1)


def test_delete_empty_cell(operator):
    operator.synced_api_db()
    cell_uuid = operator.manage('cell_v2', 'create_cell', '--name', 'empty',
                                '--database_connection', operator.cell1_db).stdout.strip()
    operator.manage('cell_v2', 'delete_cell', '--cell_uuid', cell_uuid)
    assert operator.query(operator.api_db, 'SELECT COUNT(*) FROM cell_mappings') == [(0,)]


@pytest.mark.parametrize('command, url', [
    (('api_db', 'sync'), 'not a url'),
    (('api_db', 'version'), 'nosuchdriver://x/y'),
    (('db', 'sync'), 'sqlite:////nonexistent-dir/for/nova/api.db'),
    (('db', 'version'), 'not a url'),
    (('cell_v2', 'list_cells'), 'sqlite:////nonexistent-dir/for/nova/api.db'),
])
def test_unusable_database_is_one_line_and_exit_1(operator, command, url):
    config = operator.write_config(
        'bad.conf', '[api_database]\nconnection = %s\n[database]\nconnection = %s\n'
        % (url, url))
    assert_one_line_error(operator.manage(*command, config=config, expect=None))


def test_missing_api_database_option_is_one_line(console_operator):
    config = console_operator.write_config('empty.conf', '[DEFAULT]\n')
    result = console_operator.manage('api_db', 'sync', config=config, expect=None)
    assert_one_line_error(result)
    assert '[api_database] connection' in result.stderr


def test_missing_config_file_is_one_line(console_operator):
    result = console_operator.manage(
        'api_db', 'sync', config=str(console_operator.tmp_path / 'missing.conf'), expect=None)
    assert_one_line_error(result)


def test_flavor_create_defaults_once(operator):
    operator.synced_api_db()
    operator.query(operator.api_db,
                   "INSERT INTO flavors (name, flavorid, memory_mb, vcpus, root_gb, "
                   "ephemeral_gb, swap, rxtx_factor, is_public, disabled) "
                   "VALUES ('m1.small', 'mine', 1024, 1, 5, 0, 0, 1.0, 1, 0)")
    first = operator.manage('flavor', 'create_defaults').stdout.splitlines()
    assert first == ['Created flavor m1.tiny', 'Created flavor m1.medium',
                     'Created flavor m1.large', 'Created flavor m1.xlarge']
    rows = operator.query(operator.api_db, 'SELECT name, flavorid FROM flavors ORDER BY name')
    assert ('m1.small', 'mine') in rows and ('m1.tiny', '1') in rows
    again = operator.manage('flavor', 'create_defaults').stdout.strip()
    assert again == 'The default flavors exist already.'


def test_flavor_create_defaults_without_schema_is_one_line(operator):
    assert_one_line_error(operator.manage('flavor', 'create_defaults', expect=None))
