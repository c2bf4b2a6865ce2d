"""The nova-manage runs forked from the preloaded interpreter
(preloaded_manage.py, what Deployment.manage uses) answer as the console
script does: the same exit codes, output and errors, and a database
really migrated. SQLite: no service needed."""
from nova_common.db import migration
from tests.integration import harness
from tests.integration import preloaded_manage


def _config(tmp_path):
    return harness.write_config(tmp_path / 'nova.conf', {
        'api_database': {'connection': 'sqlite:///%s' % (tmp_path / 'api.db')},
    })


def _answer(result):
    return result.returncode, result.stdout, result.stderr


def test_answers_as_the_console_script(tmp_path):
    config = _config(tmp_path)
    for args in (('api_db', 'version'), ('no-such-category',), ('db', 'version'),
                 ('cell_v2', 'list_cells')):
        script = harness.nova_manage(config, *args, expect=None)
        preloaded = preloaded_manage.nova_manage(config, *args, expect=None)
        assert _answer(preloaded) == _answer(script), args
    assert preloaded_manage.nova_manage(config, 'db', 'version', expect=None).returncode == 1


def test_a_sync_is_done_and_kept(tmp_path):
    config = _config(tmp_path)
    preloaded_manage.nova_manage(config, 'api_db', 'sync')
    head = migration.head_version(migration.API)
    assert harness.nova_manage(config, 'api_db', 'version').stdout.strip() == head
    assert preloaded_manage.nova_manage(config, 'api_db', 'version').stdout.strip() == head


def test_a_failed_expectation_names_the_command(tmp_path):
    config = _config(tmp_path)
    try:
        preloaded_manage.nova_manage(config, 'db', 'version')
    except AssertionError as error:
        assert 'nova-manage --config-file %s db version exited 1' % config in str(error)
    else:
        raise AssertionError('exit 1 passed for the expected 0')
