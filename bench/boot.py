#!/usr/bin/env python3
"""Boot benchmark: N servers with the fake driver over H fake nodes at
concurrency C, through separate daemons over RabbitMQ and MariaDB.

Prints boot throughput (servers/s from the first POST to the last ACTIVE),
p50/p95 create-to-ACTIVE, p50 POST latency, p50 of
GET /servers/detail?limit=1000 with the servers present, delete time,
each daemon's RSS, and the CPU seconds each process (the daemons, RabbitMQ
and MariaDB when they run here) used while booting. Needs the local RabbitMQ (guest/guest) and MariaDB
(root, no password); run from the repository root:

    python bench/boot.py [--servers 200] [--hosts 10] [--concurrency 10]

``--metrics`` gives every daemon a Prometheus exporter ([metrics]
listen_port) and scrapes them all every second while booting, as a
Prometheus would: run with and without it to see what metrics cost.
``--noop-hooks`` enables a compute hook (before and after build and delete)
and an API create hook that do nothing, to see what the hook machinery
itself costs (nova_common/hooks.py).
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from tests.integration import harness  # noqa: E402

TOKEN = 'admin:admin'
VERSION = '2.90'
# Seconds between the poller's full listings (see boot.poll).
FULL_LOOK_EVERY = 5


def call(endpoint, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        endpoint + path, data=data, method=method,
        headers={'X-Auth-Token': TOKEN, 'Content-Type': 'application/json',
                 'OpenStack-API-Version': 'compute ' + VERSION})
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = response.read()
        return json.loads(payload) if payload else None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def rss_mb(pid):
    for line in pathlib.Path('/proc/%d/status' % pid).read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024.0
    return 0.0


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    fields = pathlib.Path('/proc/%d/stat' % pid).read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def service_pids():
    """The broker's and the database's processes, when they run here."""
    pids = {}
    for name, process in (('rabbitmq', 'beam.smp'), ('mariadb', 'mariadbd')):
        found = subprocess.run(['pgrep', '-x', process], capture_output=True, text=True)
        if found.stdout.split():
            pids[name] = int(found.stdout.split()[0])
    return pids


class Deployment:
    """API + super-conductor + scheduler (top config), a cell1 conductor and
    one compute reporting ``hosts`` fake nodes, each its own process."""

    def __init__(self, workdir, hosts, metrics=False, noop_hooks=False):
        self.workdir = pathlib.Path(workdir)
        self.metrics_ports = {}
        hooks = install_noop_hooks(workdir) if noop_hooks else {}
        self.rabbit = harness.RabbitMQ()
        self.rabbit.check()
        self.mariadb = harness.MariaDB()
        self.mariadb.check()
        api_db = self.mariadb.create_database('api')
        cell0_db = self.mariadb.create_database('cell0')
        cell1_db = self.mariadb.create_database('cell1')
        api_transport = self.rabbit.add_vhost('api')
        cell_transport = self.rabbit.add_vhost('cell1')
        port = harness.free_port()
        self.endpoint = 'http://127.0.0.1:%d' % port
        common = {'report_interval': 2, 'state_path': str(self.workdir / 'state')}
        self.top = harness.write_config(self.workdir / 'top.conf', {
            'DEFAULT': dict(common, transport_url=api_transport, host='controller',
                            osapi_compute_listen='127.0.0.1', osapi_compute_listen_port=port),
            'api': {'auth_strategy': 'noauth2'},
            'api_database': {'connection': api_db},
            'database': {'connection': cell0_db},
            'quota': {'instances': -1, 'cores': -1, 'ram': -1},
            'image': {'backend': 'local'},
            'hooks': hooks,
        })
        self.cell = harness.write_config(self.workdir / 'cell1.conf', {
            'DEFAULT': dict(common, transport_url=cell_transport, host='cell1-conductor'),
            'api_database': {'connection': api_db},
            'database': {'connection': cell1_db},
        })
        self.compute = harness.write_config(self.workdir / 'compute.conf', {
            'DEFAULT': dict(common, transport_url=cell_transport, host='compute1',
                            compute_driver='fake'),
            'compute': {'resource_update_interval': 5},
            'fake_driver': {'nodes': hosts, 'vcpus': 64, 'memory_mb': 262144,
                            'local_gb': 4000},
            'hooks': hooks,
        })
        harness.nova_manage(self.top, 'api_db', 'sync')
        harness.nova_manage(self.top, 'cell_v2', 'map_cell0', '--database_connection', cell0_db)
        harness.nova_manage(self.top, 'cell_v2', 'create_cell', '--name', 'cell1',
                            '--database_connection', cell1_db, '--transport-url', cell_transport)
        harness.nova_manage(self.top, 'db', 'sync')
        self.daemons = {}
        if metrics:
            self.metrics_ports = {name: harness.free_port() for name in (
                'nova-api', 'super-conductor', 'nova-scheduler', 'cell1-conductor',
                'nova-compute')}

    def _metrics_args(self, name):
        """A second --config-file with the daemon's own [metrics] port."""
        if name not in self.metrics_ports:
            return ()
        path = harness.write_config(self.workdir / ('metrics-%s.conf' % name), {
            'metrics': {'listen_port': self.metrics_ports[name]}})
        return ('--config-file', str(path))

    def start(self):
        for name, script, config in (
                ('nova-api', 'nova-api', self.top),
                ('super-conductor', 'nova-conductor', self.top),
                ('nova-scheduler', 'nova-scheduler', self.top),
                ('cell1-conductor', 'nova-conductor', self.cell),
                ('nova-compute', 'nova-compute', self.compute)):
            self.daemons[name] = harness.start_daemon(
                script, config, self.workdir, name=name, extra_args=self._metrics_args(name))
        harness.wait_for_api(self.endpoint, self.daemons['nova-api'])

    def print_problems(self, most=40):
        """The ERROR lines and tracebacks in the daemons' logs."""
        for name, daemon in self.daemons.items():
            lines = daemon.log_path.read_text(errors='replace').splitlines()
            problems = [line for line in lines
                        if ' ERROR ' in line or line.startswith(('Traceback', '  ', 'nova'))]
            if problems:
                print('--- %s ---\n%s' % (name, '\n'.join(problems[:most])), file=sys.stderr)

    def stop(self):
        for daemon in self.daemons.values():
            daemon.stop()
        self.rabbit.cleanup()
        self.mariadb.cleanup()


def prepare(deployment, hosts):
    """A flavor, an image, and every fake node mapped and reported."""
    endpoint = deployment.endpoint + '/v2.1'
    call(endpoint, 'POST', '/flavors', {'flavor': {'name': 'bench', 'ram': 256, 'vcpus': 1,
                                                   'disk': 1, 'id': 'bench'}})
    image = call(deployment.endpoint, 'POST', '/image/v2/images', {
        'name': 'bench', 'disk_format': 'raw', 'container_format': 'bare'})
    upload = urllib.request.Request(
        deployment.endpoint + '/image/v2/images/%s/file' % image['id'], data=b'x' * 1024,
        method='PUT', headers={'X-Auth-Token': TOKEN,
                               'Content-Type': 'application/octet-stream'})
    urllib.request.urlopen(upload, timeout=30).read()
    def discovered():
        harness.nova_manage(deployment.top, 'cell_v2', 'discover_hosts')
        return 'compute1' in harness.nova_manage(deployment.top, 'cell_v2', 'list_hosts').stdout

    harness.wait_until(discovered, 60, what='compute1 to be discovered')
    harness.wait_until(
        lambda: len(call(endpoint, 'GET', '/os-hypervisors')['hypervisors']) == hosts,
        60, what='%d hypervisors' % hosts)
    return image['id']


def boot(endpoint, image_id, servers, concurrency):
    posted = {}
    post_latency = []
    lock = threading.Lock()

    def create(index):
        started = time.monotonic()
        body = call(endpoint, 'POST', '/servers', {'server': {
            'name': 'bench-%d' % index, 'imageRef': image_id, 'flavorRef': 'bench',
            'networks': 'none'}})
        done = time.monotonic()
        with lock:
            posted[body['server']['id']] = started
            post_latency.append(done - started)

    first_post = time.monotonic()
    active_at = {}
    errors = []
    stop_polling = threading.Event()

    def poll():
        # As a careful client does: only what changed since the last look,
        # plus a full look every few seconds. A row's updated_at is set
        # before its transaction commits, so a change that took long to
        # commit can carry a time older than the last look's cut-off.
        since = None
        last_full_look = time.monotonic()
        while not stop_polling.is_set():
            query = '/servers/detail?limit=1000'
            if since and time.monotonic() - last_full_look < FULL_LOOK_EVERY:
                query += '&changes-since=' + since
            else:
                last_full_look = time.monotonic()
            asked = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 1))
            detail = call(endpoint, 'GET', query)['servers']
            since = asked
            now = time.monotonic()
            for server in detail:
                if server['status'] == 'ACTIVE' and server['id'] not in active_at:
                    active_at[server['id']] = now
                if server['status'] == 'ERROR':
                    errors.append('server %s went to ERROR: %s'
                                  % (server['id'], server.get('fault')))
                    return
            if len(active_at) == servers:
                return
            time.sleep(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(create, range(servers)))
    poller.join(600)
    stop_polling.set()
    if errors:
        raise SystemExit(errors[0])
    if len(active_at) != servers:
        missing = [call(endpoint, 'GET', '/servers/' + uuid)['server']
                   for uuid in posted if uuid not in active_at]
        raise SystemExit('only %d of %d servers were seen ACTIVE; the others now:\n%s' % (
            len(active_at), servers, '\n'.join(
                '  %s %s task_state=%s host=%s updated=%s' % (
                    server['id'], server['status'], server.get('OS-EXT-STS:task_state'),
                    server.get('OS-EXT-SRV-ATTR:host'), server.get('updated'))
                for server in missing)))
    last_active = max(active_at.values())
    to_active = [active_at[uuid] - posted[uuid] for uuid in posted]
    return {
        'throughput': servers / (last_active - first_post),
        'boot_seconds': last_active - first_post,
        'p50_active': statistics.median(to_active),
        'p95_active': percentile(to_active, 0.95),
        'p50_post': statistics.median(post_latency),
        'uuids': list(posted),
    }


def list_latency(endpoint, samples=20):
    timings = []
    for _ in range(samples):
        started = time.monotonic()
        call(endpoint, 'GET', '/servers/detail?limit=1000')
        timings.append(time.monotonic() - started)
    return statistics.median(timings)


def delete_all(endpoint, uuids, concurrency):
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda uuid: call(endpoint, 'DELETE', '/servers/' + uuid), uuids))
    harness.wait_until(lambda: not call(endpoint, 'GET', '/servers')['servers'], 300,
                       what='all servers deleted')
    return time.monotonic() - started


NOOP_HOOK_MODULE = '''"""Hooks that do nothing: the cost of the hook machinery alone."""


class NoopHook:
    def before_build(self, context, instance, **details):
        pass

    after_build = build_failed = before_delete = after_delete = delete_failed = before_build

    def before_create(self, context, request):
        pass
'''


def install_noop_hooks(workdir):
    """A plugin module and its entry points (a .dist-info that
    importlib.metadata finds on PYTHONPATH), made visible to the daemons
    started from now on; returns the [hooks] section that enables it."""
    plugin_dir = pathlib.Path(workdir) / 'noop-hook'
    dist_info = plugin_dir / 'nova_bench_noop_hook-1.0.dist-info'
    dist_info.mkdir(parents=True)
    (plugin_dir / 'nova_bench_noop_hook.py').write_text(NOOP_HOOK_MODULE)
    (dist_info / 'METADATA').write_text('Metadata-Version: 2.1\nName: nova-bench-noop-hook\n'
                                        'Version: 1.0\n')
    (dist_info / 'entry_points.txt').write_text(
        '[nova.compute.hooks]\nnoop = nova_bench_noop_hook:NoopHook\n\n'
        '[nova.api.hooks]\nnoop = nova_bench_noop_hook:NoopHook\n')
    os.environ['PYTHONPATH'] = os.pathsep.join(
        [str(plugin_dir)] + [path for path in [os.environ.get('PYTHONPATH')] if path])
    return {'compute_hooks': 'noop', 'api_hooks': 'noop'}


class Scraper:
    """Reads every daemon's /metrics once a second, as Prometheus would."""

    def __init__(self, ports):
        self.ports = ports
        self.durations = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(1):
            for port in self.ports.values():
                started = time.monotonic()
                urllib.request.urlopen('http://127.0.0.1:%d/metrics' % port, timeout=10).read()
                self.durations.append(time.monotonic() - started)

    def __enter__(self):
        if self.ports:
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self.ports:
            self._thread.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=200)
    parser.add_argument('--hosts', type=int, default=10)
    parser.add_argument('--concurrency', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=0,
                        help='servers booted and deleted before the measured run, so '
                             'that it sees long-running daemons (connection pools open, '
                             'caches filled) rather than freshly started ones')
    parser.add_argument('--metrics', action='store_true',
                        help='every daemon serves Prometheus metrics, scraped every second')
    parser.add_argument('--noop-hooks', action='store_true',
                        help='enable a compute hook and an API create hook that do nothing')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='nova-bench-') as workdir:
        deployment = Deployment(workdir, args.hosts, metrics=args.metrics,
                                noop_hooks=args.noop_hooks)
        try:
            deployment.start()
            image_id = prepare(deployment, args.hosts)
            endpoint = deployment.endpoint + '/v2.1'
            if args.warmup:
                warmup = boot(endpoint, image_id, args.warmup, args.concurrency)
                delete_all(endpoint, warmup['uuids'], args.concurrency)
            connections_before = deployment.mariadb.connections_opened()
            pids = dict({name: daemon.process.pid
                         for name, daemon in deployment.daemons.items()}, **service_pids())
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            with Scraper(deployment.metrics_ports) as scraper:
                result = boot(endpoint, image_id, args.servers, args.concurrency)
            cpu_used = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
            new_connections = deployment.mariadb.connections_opened() - connections_before
            detail_p50 = list_latency(endpoint)
            rss = {name: rss_mb(daemon.process.pid)
                   for name, daemon in deployment.daemons.items()}
            delete_seconds = delete_all(endpoint, result['uuids'], args.concurrency)
        except SystemExit:
            deployment.print_problems()
            kept = tempfile.mkdtemp(prefix='nova-bench-failed-')
            for log in pathlib.Path(workdir).glob('*.log'):
                shutil.copy(log, kept)
            print('The daemons\' logs are kept in %s' % kept, file=sys.stderr)
            raise
        finally:
            deployment.stop()
    print('machine: %s, %d cores' % (os.uname().nodename, os.cpu_count()))
    print('servers=%d hosts=%d concurrency=%d warmup=%d metrics=%s noop hooks=%s'
          % (args.servers, args.hosts, args.concurrency, args.warmup,
             'on' if args.metrics else 'off', 'on' if args.noop_hooks else 'off'))
    if scraper.durations:
        print('metrics scrapes while booting: %d, p50 %.1f ms, max %.1f ms'
              % (len(scraper.durations), percentile(scraper.durations, 0.5) * 1000,
                 max(scraper.durations) * 1000))
    print('boot throughput:            %.1f servers/s' % result['throughput'])
    print('create-to-ACTIVE p50 / p95: %.2f s / %.2f s  (polled every 0.1 s with '
          'changes-since, fully every %d s)'
          % (result['p50_active'], result['p95_active'], FULL_LOOK_EVERY))
    print('POST /servers p50:          %.0f ms' % (result['p50_post'] * 1000))
    print('GET /servers/detail p50:    %.0f ms  (%d servers present)'
          % (detail_p50 * 1000, args.servers))
    print('delete all and wait:        %.1f s' % delete_seconds)
    for name, value in sorted(rss.items()):
        print('RSS %-16s %.0f MB' % (name, value))
    print('CPU seconds used while booting (the machine had %.0f s of CPU in that time):'
          % (result['boot_seconds'] * os.cpu_count()))
    for name, value in sorted(cpu_used.items(), key=lambda item: -item[1]):
        print('CPU %-16s %.1f s' % (name, value))
    print('database connections opened while booting: %d' % new_connections)


if __name__ == '__main__':
    main()
