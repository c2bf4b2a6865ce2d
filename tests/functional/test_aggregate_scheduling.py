"""The scheduler and aggregates on real (SQLite) databases: HostState
aggregates and zones, the next request seeing an aggregate change, the
availability zone filter and the aggregate filters enabled by name."""
from oslo_utils import uuidutils
import pytest

from nova_common.conf import CONF
from nova_common.db.api import aggregates as aggregates_db
from nova_common import exception
from nova_scheduler import manager
from tests.functional import scheduler_fixtures
from tests.unit.scheduler.fakes import make_spec


@pytest.fixture
def deployment(tmp_path):
    deployment = scheduler_fixtures.Deployment(tmp_path)
    for name in ('host1', 'host2', 'host3'):
        deployment.add_host(name)
    return deployment


def _chosen_hosts(scheduler, deployment, spec, count=6):
    result = scheduler.select_destinations(
        deployment.admin_context, spec, [uuidutils.generate_uuid() for _ in range(count)])
    return {selections[0]['host'] for selections in result}, result


def test_host_states_carry_aggregates_and_zones(deployment):
    ctx = deployment.admin_context
    az2 = aggregates_db.create(ctx, 'agg2', 'az2')
    aggregates_db.add_host(ctx, az2['id'], 'host2')
    ssd = aggregates_db.create(ctx, 'ssd')
    aggregates_db.update_metadata(ctx, ssd['id'], {'ssd': 'true'})
    aggregates_db.add_host(ctx, ssd['id'], 'host2')
    states = {state.host: state for state in
              manager.SchedulerManager().host_manager.host_states(ctx)}
    assert {host: state.availability_zone for host, state in states.items()} == {
        'host1': 'nova', 'host2': 'az2', 'host3': 'nova'}
    assert states['host1'].aggregates == []
    assert [(a['name'], a['metadata'], a['hosts']) for a in states['host2'].aggregates] == [
        ('agg2', {'availability_zone': 'az2'}, ['host2']),
        ('ssd', {'ssd': 'true'}, ['host2'])]
    assert {a['uuid'] for a in states['host2'].aggregates} == {az2['uuid'], ssd['uuid']}


def test_requests_land_in_their_zone_and_see_changes_at_once(deployment):
    ctx = deployment.admin_context
    scheduler = manager.SchedulerManager()
    spec = make_spec(availability_zone='az2')
    with pytest.raises(exception.NoValidHost) as caught:
        scheduler.select_destinations(ctx, spec, [uuidutils.generate_uuid()])
    assert 'AvailabilityZoneFilter removed 3 (not in availability zone az2)' in (
        caught.value.message)

    aggregate = aggregates_db.create(ctx, 'agg2', 'az2')
    aggregates_db.add_host(ctx, aggregate['id'], 'host3')
    hosts, result = _chosen_hosts(scheduler, deployment, spec)
    assert hosts == {'host3'}
    assert {selections[0]['availability_zone'] for selections in result} == {'az2'}

    # The next request sees a host joining, and the zone moving.
    # (host1, emptier than host3, takes them all.)
    aggregates_db.add_host(ctx, aggregate['id'], 'host1')
    assert _chosen_hosts(scheduler, deployment, spec, count=2)[0] == {'host1'}
    aggregates_db.update(ctx, aggregate['id'], {'availability_zone': 'az3'})
    assert _chosen_hosts(scheduler, deployment, make_spec(availability_zone='az3'),
                         count=8)[0] == {'host1', 'host3'}
    assert _chosen_hosts(scheduler, deployment, make_spec(availability_zone='nova'),
                         count=2)[0] == {'host2'}


def test_aggregate_filters_by_name(deployment):
    CONF.set_override('enabled_filters', [
        'ComputeFilter', 'RamFilter', 'AggregateInstanceExtraSpecsFilter',
        'AggregateMultiTenancyIsolation', 'AggregateImagePropertiesIsolation'],
        group='filter_scheduler')
    ctx = deployment.admin_context
    scheduler = manager.SchedulerManager()
    fast = aggregates_db.create(ctx, 'fast')
    aggregates_db.update_metadata(ctx, fast['id'], {'ssd': 'true',
                                                    'filter_tenant_id': 'gold'})
    aggregates_db.add_host(ctx, fast['id'], 'host1')
    windows = aggregates_db.create(ctx, 'windows')
    aggregates_db.update_metadata(ctx, windows['id'], {'os_distro': 'windows'})
    aggregates_db.add_host(ctx, windows['id'], 'host2')

    ssd = make_spec(extra_specs={'aggregate_instance_extra_specs:ssd': 'true'},
                    project_id='gold')
    assert _chosen_hosts(scheduler, deployment, ssd, count=2)[0] == {'host1'}
    with pytest.raises(exception.NoValidHost) as caught:
        _chosen_hosts(scheduler, deployment, dict(ssd, project_id='other'), count=1)
    assert 'AggregateMultiTenancyIsolation removed 1' in caught.value.message
    linux = make_spec(image_properties={'os_distro': 'linux'})
    assert _chosen_hosts(scheduler, deployment, linux, count=4)[0] == {'host3'}
