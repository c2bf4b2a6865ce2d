"""What keeps the scheduler cheap over a large region: host states kept
between requests and built again only for what changed, the ledger's usage
followed by provider generation, a restarted scheduler adopting the
ledger's providers, and requests that consume on copies of the shared
host states."""
from oslo_utils import uuidutils
import pytest

from nova_common.conf import CONF
from nova_common.db.api import ledger
from nova_scheduler import manager
from tests.functional import scheduler_fixtures
from tests.unit.scheduler.fakes import make_spec


@pytest.fixture
def deployment(tmp_path):
    CONF.set_override('host_state_max_age', 3600, group='scheduler')
    return scheduler_fixtures.Deployment(tmp_path)


def _by_name(states):
    return {state.nodename: state for state in states}


def test_host_states_are_kept_and_rebuilt_only_where_usage_moved(deployment):
    context = deployment.admin_context
    nodes = {name: deployment.add_host(name) for name in ('host1', 'host2')}
    host_manager = manager.SchedulerManager().host_manager
    first = _by_name(host_manager.host_states(context))
    assert _by_name(host_manager.host_states(context)) == first

    assert ledger.claim(context, 'elsewhere', nodes['host1']['uuid'], {'MEMORY_MB': 1024})
    second = _by_name(host_manager.host_states(context))
    assert second['host2'] is first['host2']
    assert second['host1'] is not first['host1']
    assert second['host1'].used('MEMORY_MB') == 1024

    # A release bumps the provider's generation, so it is seen as well.
    ledger.release(context, 'elsewhere')
    assert _by_name(host_manager.host_states(context))['host1'].used('MEMORY_MB') == 0


def test_a_request_consumes_on_copies(deployment):
    context = deployment.admin_context
    deployment.add_host('host1')
    scheduler = manager.SchedulerManager()
    [before] = scheduler.host_manager.host_states(context)
    uuids = [uuidutils.generate_uuid() for _ in range(3)]
    result = scheduler.select_destinations(context, make_spec(memory_mb=1024), uuids)
    assert [selections[0]['host'] for selections in result] == ['host1'] * 3
    assert before.used('MEMORY_MB') == 0 and not before.instances
    [after] = scheduler.host_manager.host_states(context)
    assert after.used('MEMORY_MB') == 3 * 1024


def test_a_new_scheduler_adopts_the_ledger_without_writing_it(deployment, monkeypatch):
    context = deployment.admin_context
    for name in ('host1', 'host2'):
        deployment.add_host(name)
    manager.SchedulerManager().host_manager.host_states(context)

    def no_write(*args, **kwargs):
        raise AssertionError('the ledger was written again')
    monkeypatch.setattr(ledger, 'set_inventory', no_write)
    monkeypatch.setattr(ledger, 'ensure_provider', no_write)
    restarted = manager.SchedulerManager().host_manager
    assert sorted(_by_name(restarted.host_states(context))) == ['host1', 'host2']
