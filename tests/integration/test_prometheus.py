"""Prometheus metrics with the real thing: the shipped alert rules pass
their promtool tests; a daemon whose metrics port is taken stops with a
message; and Debian's Prometheus, scraping every daemon of a deployment,
sees a server built and fires NovaComputeDown once the compute is killed
with SIGKILL."""
import pathlib
import shutil
import socket
import subprocess
import time
import urllib.parse

import pytest
import yaml

from tests.integration import conftest
from tests.integration import harness

RULES_DIR = pathlib.Path(__file__).resolve().parents[2] / 'etc' / 'prometheus'


def _tool(name):
    path = shutil.which(name)
    harness.require(path, '%s is not installed (Debian package prometheus)' % name)
    return path


def test_alert_rules_pass_their_promtool_tests():
    promtool = _tool('promtool')
    checked = subprocess.run([promtool, 'check', 'rules', str(RULES_DIR / 'alerts.yaml')],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run([promtool, 'test', 'rules', 'alerts_test.yaml'], cwd=RULES_DIR,
                            capture_output=True, text=True, timeout=120)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert 'SUCCESS' in tested.stdout


def test_a_metrics_port_in_use_stops_the_daemon_with_a_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = harness.write_config(tmp_path / 'compute.conf', {
            'DEFAULT': {'transport_url': 'rabbit://nobody:nothing@127.0.0.1:1/none',
                        'host': 'busy-port'},
            'metrics': {'listen_port': port}})
        daemon = harness.start_daemon('nova-compute', config, tmp_path)
        try:
            daemon.process.wait(60)
        finally:
            daemon.stop()
    output = daemon.log_path.read_text()
    assert daemon.process.returncode == 1, output
    assert ('nova-compute: nova-compute cannot serve metrics on 127.0.0.1:%d ([metrics] '
            'listen_host and listen_port): the port is already in use' % port) in output
    assert 'Traceback' not in output


def _prometheus_get(endpoint, path, **params):
    query = ('?' + urllib.parse.urlencode(params)) if params else ''
    status, _headers, document = harness.http_get(endpoint + path + query)
    assert status == 200, (path, status, document)
    return document['data']


def _with_short_for(rules_text, alert, duration):
    """The shipped rules with ``alert``'s ``for`` shortened (the test cannot
    wait the 2 minutes a real deployment waits)."""
    rules = yaml.safe_load(rules_text)
    for group in rules['groups']:
        for rule in group['rules']:
            if rule.get('alert') == alert:
                rule['for'] = duration
    return yaml.safe_dump(rules)


@pytest.fixture
def scraped_cloud(tmp_path, rabbitmq, mariadb):
    """A deployment whose every daemon serves /metrics on a port of its own
    (a second --config-file each), and a Prometheus scraping them every
    second."""
    prometheus_binary = _tool('prometheus')
    deployment = conftest.Deployment(tmp_path, rabbitmq, mariadb)
    with deployment:
        deployment.set_up_cells()
        ports = {}

        def metrics_config(name):
            ports[name] = harness.free_port()
            section = {'listen_port': ports[name]}
            if name == 'nova-api':
                section['cloud_cache_seconds'] = 0.5
            return ['--config-file', str(deployment.write_config(
                'metrics-%s.conf' % name, {'metrics': section}))]

        api = deployment.start('nova-api', deployment.top_config,
                               extra_args=metrics_config('nova-api'))
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor',
                         extra_args=metrics_config('super-conductor'))
        deployment.start('nova-scheduler', deployment.top_config,
                         extra_args=metrics_config('nova-scheduler'))
        deployment.start('nova-conductor', deployment.cell_conductor_config,
                         name='cell1-conductor', extra_args=metrics_config('cell1-conductor'))
        compute = deployment.start(
            'nova-compute', deployment.compute_config(
                'metrics-compute', fake_driver={'nodes': 1},
                compute={'resource_update_interval': 2}),
            name='metrics-compute', extra_args=metrics_config('nova-compute'))
        harness.wait_for_api(deployment.endpoint, api)

        rules = tmp_path / 'alerts.yaml'
        rules.write_text(_with_short_for((RULES_DIR / 'alerts.yaml').read_text(),
                                         'NovaComputeDown', '1s'))
        prometheus_port = harness.free_port()
        config = tmp_path / 'prometheus.yml'
        config.write_text(yaml.safe_dump({
            'global': {'scrape_interval': '1s', 'evaluation_interval': '1s'},
            'rule_files': [str(rules)],
            'scrape_configs': [{
                'job_name': 'nova',
                'static_configs': [{'targets': ['127.0.0.1:%d' % port],
                                    'labels': {'daemon': name}}
                                   for name, port in sorted(ports.items())]}]}))
        prometheus = harness.Daemon('prometheus', [
            prometheus_binary, '--config.file=%s' % config,
            '--storage.tsdb.path=%s' % (tmp_path / 'prometheus-data'),
            '--web.listen-address=127.0.0.1:%d' % prometheus_port],
            tmp_path / 'prometheus.log')
        try:
            deployment.prometheus = 'http://127.0.0.1:%d' % prometheus_port
            deployment.compute = compute
            deployment.metrics_daemons = sorted(ports)
            harness.wait_until(
                lambda: (harness.port_open('127.0.0.1', prometheus_port)
                         and harness.http_get(deployment.prometheus + '/-/ready')[0] == 200), 60,
                daemons=[prometheus], what='Prometheus to be ready')
            yield deployment
        finally:
            prometheus.stop()


def _query(cloud, expression):
    return _prometheus_get(cloud.prometheus, '/api/v1/query', query=expression)['result']


def _firing(cloud, alert):
    return [entry for entry in _prometheus_get(cloud.prometheus, '/api/v1/alerts')['alerts']
            if entry['labels']['alertname'] == alert and entry['state'] == 'firing']


def test_prometheus_sees_a_build_and_fires_nova_compute_down(scraped_cloud):
    cloud = scraped_cloud
    started = time.monotonic()
    sdk = cloud.sdk()
    cloud.wait_for_nodes(sdk, ['metrics-compute'])
    harness.wait_until(
        lambda: {target['labels']['daemon'] for target in _prometheus_get(
            cloud.prometheus, '/api/v1/targets')['activeTargets']
            if target['health'] == 'up'} == set(cloud.metrics_daemons),
        60, daemons=cloud.daemons, what='every daemon scraped')

    flavor = sdk.compute.create_flavor(name='metrics.small', ram=256, vcpus=1, disk=1)
    image = cloud.raw_image(sdk, 'metrics-image')
    server = sdk.compute.create_server(name='scraped', image_id=image.id,
                                       flavor_id=flavor.id, networks='none')
    sdk.compute.wait_for_server(server, status='ACTIVE', wait=60, interval=1)

    def scraped(expression, wanted):
        return lambda: [float(row['value'][1]) for row in _query(cloud, expression)] == wanted
    for expression, wanted in (
            ('nova_compute_build_duration_seconds_count{outcome="success"}', [1]),
            ('nova_scheduler_attempts_total{result="success"}', [1]),
            ('openstack_nova_server_status{status="ACTIVE"}', [1]),
            ('openstack_nova_agent_state{service="nova-compute",hostname="metrics-compute"}',
             [1]),
            ('nova_ledger_usage{nodename="metrics-compute",'
             'resource_class="MEMORY_MB"}', [256]),
            ('sum(nova_api_request_duration_seconds_count{method="POST",route="/servers",'
             'status="202"})', [1]),
            ('count(nova_rpc_client_call_duration_seconds_count{topic="scheduler",'
             'method="select_destinations",outcome="success"})', [1])):
        harness.wait_until(scraped(expression, wanted), 30, daemons=cloud.daemons,
                           what='Prometheus to see %s == %s' % (expression, wanted))
    assert not _firing(cloud, 'NovaComputeDown')

    cloud.compute.process.kill()
    cloud.compute.process.wait(10)
    killed = time.monotonic()
    survivors = [daemon for daemon in cloud.daemons if daemon is not cloud.compute]
    alerts = harness.wait_until(lambda: _firing(cloud, 'NovaComputeDown'), 45,
                                daemons=survivors, what='NovaComputeDown to fire')
    assert [alert['labels']['hostname'] for alert in alerts] == ['metrics-compute']
    print('NovaComputeDown fired %.1f s after the kill (service_down_time %s s); '
          'test took %.1f s' % (time.monotonic() - killed,
                                conftest.LIVENESS['service_down_time'],
                                time.monotonic() - started))
