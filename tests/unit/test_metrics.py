"""The metrics instruments and the exporter, on their own."""
import socket
import urllib.request

import oslo_messaging
from oslo_utils import timeutils
import prometheus_client
import pytest

from nova_common import exception
from nova_common.metrics import api as api_metrics
from nova_common.metrics import cloud as cloud_metrics
from nova_common.metrics import compute as compute_metrics
from nova_common.metrics import exporter
from nova_common.metrics import rpc as rpc_metrics

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


def test_exporter_serves_metrics_on_the_port_given():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    try:
        assert exporter.start('nova-test', host='127.0.0.1', port=port) == port
        assert exporter.enabled()
        body = urllib.request.urlopen('http://127.0.0.1:%d/metrics' % port, timeout=10).read()
        assert b'# TYPE nova_api_request_duration_seconds histogram' in body
    finally:
        exporter.stop()
    assert not exporter.enabled()


def test_a_port_in_use_is_a_config_error_naming_the_option():
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(exception.ConfigError) as raised:
            exporter.start('nova-test', host='127.0.0.1', port=port)
    assert str(raised.value) == (
        'nova-test cannot serve metrics on 127.0.0.1:%d ([metrics] listen_host and '
        'listen_port): the port is already in use' % port)
    assert not exporter.enabled()


def test_port_zero_means_off():
    assert exporter.start('nova-test', port=0) is None
    assert not exporter.enabled()


@pytest.mark.parametrize('environ, route', [
    ({api_metrics.ROUTE_KEY: '/servers/{server_id}', 'PATH_INFO': '/v2.1/servers/x'},
     '/servers/{server_id}'),
    ({'PATH_INFO': '/'}, '/'),
    ({'PATH_INFO': '/v2.1/'}, '/v2.1'),
    ({'PATH_INFO': '/image/v2/images/abc'}, '/image'),
    ({'PATH_INFO': '/no/such/thing/12345'}, 'unmatched'),
])
def test_route_labels_are_templates_or_a_fixed_word(environ, route):
    assert api_metrics.route_label(environ) == route


def test_request_middleware_counts_by_status(metrics_on):
    def app(environ, start_response):
        start_response('409 Conflict', [])
        return [b'']

    labels = dict(method='other', route='unmatched', status='409')
    before = sample('nova_api_request_duration_seconds_count', **labels)
    api_metrics.RequestMetrics(app)({'REQUEST_METHOD': 'BREW', 'PATH_INFO': '/x'},
                                    lambda *args: None)
    assert sample('nova_api_request_duration_seconds_count', **labels) == before + 1


class FakeRPCClient:
    def __init__(self, error=None):
        self.error = error
        self.prepared = {}

    def prepare(self, **kwargs):
        self.prepared = kwargs
        return self

    def call(self, ctxt, method, **kwargs):
        if self.error:
            raise self.error
        return kwargs

    def cast(self, ctxt, method, **kwargs):
        return None


@pytest.mark.parametrize('error, outcome', [
    (None, 'success'),
    (oslo_messaging.MessagingTimeout('late'), 'timeout'),
    (ValueError('bad'), 'error'),
])
def test_rpc_calls_are_timed_by_outcome(metrics_on, error, outcome):
    labels = dict(topic='t', method='m', outcome=outcome)
    before = sample('nova_rpc_client_call_duration_seconds_count', **labels)
    client = rpc_metrics.MeteredClient(FakeRPCClient(error), 't').prepare(version='1.1')
    if error is None:
        assert client.call({}, 'm', a=1) == {'a': 1}
    else:
        with pytest.raises(type(error)):
            client.call({}, 'm')
    assert sample('nova_rpc_client_call_duration_seconds_count', **labels) == before + 1


@pytest.mark.parametrize('result, outcome', [
    (True, 'success'), (False, 'failed'), (None, 'aborted')])
def test_build_outcome_follows_the_return_value(metrics_on, result, outcome):
    before = sample('nova_compute_build_duration_seconds_count', outcome=outcome)
    assert compute_metrics.timed_build(lambda: result)() is result
    assert sample('nova_compute_build_duration_seconds_count', outcome=outcome) == before + 1


def test_a_build_that_raises_is_an_error(metrics_on):
    before = sample('nova_compute_delete_duration_seconds_count', outcome='error')

    def broken():
        raise RuntimeError('boom')
    with pytest.raises(RuntimeError):
        compute_metrics.timed_delete(broken)()
    assert sample('nova_compute_delete_duration_seconds_count', outcome='error') == before + 1


def _values(family):
    return {tuple(sample.labels.values()): sample.value for sample in family.samples}


def test_server_status_sums_state_pairs_into_api_statuses():
    family = cloud_metrics.server_status_family({
        ('active', None): 3, ('active', 'rebooting'): 1, ('building', 'spawning'): 2,
        ('building', None): 1, ('error', None): 4})
    assert _values(family) == {('ACTIVE',): 3, ('REBOOT',): 1, ('BUILD',): 3, ('ERROR',): 4}


def test_agent_state_is_up_when_either_record_of_a_pair_is():
    fresh = {'last_seen_up': timeutils.utcnow().isoformat(), 'forced_down': False}
    stale = {'last_seen_up': '2000-01-01T00:00:00', 'forced_down': False}
    family = cloud_metrics.agent_state_family([
        dict(fresh, binary='nova-compute', host='c1'),
        dict(stale, binary='nova-compute', host='c2'),
        dict(fresh, binary='nova-compute', host='c3', forced_down=True),
        dict(stale, binary='nova-conductor', host='ctl'),
        dict(fresh, binary='nova-conductor', host='ctl'),
    ])
    assert _values(family) == {('nova-compute', 'c1'): 1, ('nova-compute', 'c2'): 0,
                               ('nova-compute', 'c3'): 0, ('nova-conductor', 'ctl'): 1}


def test_ledger_capacity_counts_reserved_and_allocation_ratio():
    inventory = {'total': 8, 'reserved': 2, 'allocation_ratio': 4.0, 'min_unit': 1,
                 'max_unit': 8, 'step_size': 1}
    usage, capacity = cloud_metrics.ledger_families(
        [{'uuid': 'p1', 'host': 'c1', 'name': 'c1-node', 'inventories': {'VCPU': inventory}}],
        {'p1': {'VCPU': 5}})
    assert _values(usage) == {('c1', 'c1-node', 'VCPU'): 5}
    assert _values(capacity) == {('c1', 'c1-node', 'VCPU'): 24}
