"""The example create hook's rules (examples/cmdb-hook, installed into the
test venv by the Makefile): per-project lists of flavor names or ids, a
default for other projects, everything allowed without rules, and the
file read again when it changes."""
import os

from nova_cmdb_hook import flavor_policy
import pytest

from nova_common.conf import CONF
from nova_common import hooks

SMALL = {'name': 'm1.small', 'flavorid': '2'}
LARGE = {'name': 'm1.large', 'flavorid': '4'}


def _check(hook, project_id, flavor):
    hook.before_create({'project_id': project_id}, {'flavor': flavor})


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / 'rules.yaml'
    path.write_text('projects:\n  p1: [m1.small]\n  p2: ["4"]\ndefault: []\n')
    CONF.set_override('flavor_rules_file', str(path), group='cmdb')
    return path


def test_allowed_by_name_or_id_and_default(rules):
    hook = flavor_policy.FlavorAllowList()
    _check(hook, 'p1', SMALL)
    _check(hook, 'p2', LARGE)
    with pytest.raises(hooks.RequestRefused) as refused:
        _check(hook, 'p1', LARGE)
    assert refused.value.code == 403
    assert refused.value.message == (
        'Flavor m1.large is not allowed for project p1; allowed: m1.small.')
    with pytest.raises(hooks.RequestRefused, match='allowed: none'):
        _check(hook, 'other', SMALL)


def test_no_default_or_no_file_allows_everything(rules):
    hook = flavor_policy.FlavorAllowList()
    rules.write_text('projects:\n  p1: [m1.small]\n')
    _check(hook, 'other', LARGE)
    CONF.clear_override('flavor_rules_file', group='cmdb')
    _check(hook, 'p1', LARGE)


def test_rules_are_read_again_when_the_file_changes(rules):
    hook = flavor_policy.FlavorAllowList()
    with pytest.raises(hooks.RequestRefused):
        _check(hook, 'p1', LARGE)
    rules.write_text('projects:\n  p1: [m1.small, m1.large]\n')
    stat = rules.stat()
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 ** 9))
    _check(hook, 'p1', LARGE)
