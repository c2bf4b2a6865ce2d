"""Prometheus metrics of the whole boot path in one process: API requests
by route template, RPC calls, builds and deletes, scheduling attempts, and
the cloud-wide gauges read from the databases."""
import prometheus_client
import pytest

from nova_common.conf import CONF
from nova_common.metrics import cloud as cloud_metrics
from nova_common.metrics import exporter
from tests.functional.test_boot_path import boot
from tests.functional.test_boot_path import running  # noqa: F401 - a fixture
from tests.functional.test_boot_path import VERSION
from tests.functional.test_boot_path import wait_status
from tests.functional.cloud_helpers import wait_for

REGISTRY = prometheus_client.REGISTRY


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.fixture
def metrics_on():
    exporter.enable()
    try:
        yield
    finally:
        exporter.stop()


def test_boot_and_delete_are_measured(running, metrics_on):
    server_route = dict(method='GET', route='/servers/{server_id}', status='200')
    before = {
        'show': sample('nova_api_request_duration_seconds_count', **server_route),
        'missing': sample('nova_api_request_duration_seconds_count', method='GET',
                          route='/servers/{server_id}', status='404'),
        'built': sample('nova_compute_build_duration_seconds_count', outcome='success'),
        'deleted': sample('nova_compute_delete_duration_seconds_count', outcome='success'),
        'scheduled': sample('nova_scheduler_attempts_total', result='success'),
        'no_host': sample('nova_scheduler_attempts_total', result='no_valid_host'),
        'select': sample('nova_rpc_client_call_duration_seconds_count', topic='scheduler',
                         method='select_destinations', outcome='success'),
    }
    uuid = boot(running).json['server']['id']
    wait_status(running, uuid, 'ACTIVE')
    running.get('/v2.1/servers/%s' % ('f' * 36), version=VERSION, status=404)
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 4096, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    failed = boot(running, name='too-big', flavor='huge').json['server']['id']
    wait_status(running, failed, 'ERROR')

    # Route templates, never raw ids, label the requests.
    assert sample('nova_api_request_duration_seconds_count', **server_route) > before['show']
    assert sample('nova_api_request_duration_seconds_count', method='GET',
                  route='/servers/{server_id}', status='404') == before['missing'] + 1
    assert not [metric for metric in REGISTRY.collect()
                for s in metric.samples if uuid in s.labels.get('route', '')]
    assert sample('nova_compute_build_duration_seconds_count',
                  outcome='success') == before['built'] + 1
    assert sample('nova_scheduler_attempts_total', result='success') == before['scheduled'] + 1
    assert sample('nova_scheduler_attempts_total',
                  result='no_valid_host') == before['no_host'] + 1
    assert sample('nova_scheduler_decision_duration_seconds_count') >= 2
    assert sample('nova_rpc_client_call_duration_seconds_count', topic='scheduler',
                  method='select_destinations', outcome='success') == before['select'] + 1

    running.delete('/v2.1/servers/%s' % uuid, status=204)
    wait_for(lambda: sample('nova_compute_delete_duration_seconds_count',
                            outcome='success') == before['deleted'] + 1,
             what='the delete to be measured')


def test_instruments_record_nothing_when_metrics_are_off(running):
    assert not exporter.enabled()
    before = sample('nova_api_request_duration_seconds_count', method='GET',
                    route='/flavors', status='200')
    running.get('/v2.1/flavors', status=200)
    assert sample('nova_api_request_duration_seconds_count', method='GET',
                  route='/flavors', status='200') == before


def _families(collector):
    return {family.name: {tuple(sorted(s.labels.items())): s.value for s in family.samples}
            for family in collector.collect()}


def test_cloud_gauges_read_from_the_databases(running):
    CONF.set_override('cloud_cache_seconds', 0, group='metrics')
    uuid = boot(running).json['server']['id']
    wait_status(running, uuid, 'ACTIVE')
    families = _families(cloud_metrics.CloudCollector())

    assert families['nova_cloud_metrics_up'] == {(): 1}
    assert families['openstack_nova_server_status'] == {(('status', 'ACTIVE'),): 1}
    agents = families['openstack_nova_agent_state']
    for binary in ('nova-compute', 'nova-conductor', 'nova-scheduler'):
        assert agents[(('hostname', 'test-host'), ('service', binary))] == 1
    usage = families['nova_ledger_usage']
    capacity = families['nova_ledger_capacity']
    memory = {labels: value for labels, value in usage.items()
              if ('resource_class', 'MEMORY_MB') in labels}
    assert sorted(memory.values()) == [0, 0, 512]
    assert len(capacity) == len(usage) and all(value > 0 for value in capacity.values())

    # A forced-down compute counts as down at once.
    services = running.get('/v2.1/os-services?binary=nova-compute',
                           version='2.53').json['services']
    running.put('/v2.1/os-services/%s' % services[0]['id'], {'forced_down': True},
                version='2.53', status=200)
    agents = _families(cloud_metrics.CloudCollector())['openstack_nova_agent_state']
    assert agents[(('hostname', 'test-host'), ('service', 'nova-compute'))] == 0


def test_cloud_gauges_are_cached(running):
    CONF.set_override('cloud_cache_seconds', 60, group='metrics')
    collector = cloud_metrics.CloudCollector()
    assert _families(collector)['openstack_nova_server_status'] == {}
    uuid = boot(running).json['server']['id']
    wait_status(running, uuid, 'ACTIVE')
    assert _families(collector)['openstack_nova_server_status'] == {}
    CONF.set_override('cloud_cache_seconds', 0, group='metrics')
    assert _families(collector)['openstack_nova_server_status'] == {(('status', 'ACTIVE'),): 1}
