#!/usr/bin/env python3
"""Move benchmark: what the control plane adds to moving servers.

``live``: two namespaced hypervisor hosts (tests/integration/ns_hosts.py),
each with its own libvirtd and nova-compute, the control plane as
processes over RabbitMQ and MariaDB (tests/integration/ns_cloud.py). One
real guest is live-migrated back and forth ``--runs`` times. Per run: the
time from POST os-migrateLive until the destination compute wrote the
server ACTIVE there with no task (its "arrived live" log line; the API is
polled every POLL seconds only to see the move end: polling it faster
would spend the CPU the move itself needs on these 2 cores), libvirt's
own migration time (the source compute logs the seconds migrateToURI3
took), and the control plane's overhead: the difference (target < 300
ms). The overhead is split into the part before libvirt started (API,
conductor, scheduler, checks on both hosts, pre_live_migration) and the
part after it ended (post steps on both hosts, the record writes); the
source compute's step timings line splits them further. The nova
daemons' CPU time per migration is printed too: unlike the wall-clock
figures it hardly depends on what else the machine runs. The services
run at Nova's default intervals (heartbeats every 10 s, resource updates
every 60 s); ``--test-intervals`` gives them the integration tests'
one-second heartbeats, which keep the conductors busy throughout.

``cold``: the fake driver on two computes (compute1, compute2), each its
own process like the other daemons. ``--servers`` servers are booted on
compute1 while compute2 is not up yet; then, per run, all are
cold-migrated at once (``--concurrency`` POSTs at a time) to the other
host: the seconds until all are VERIFY_RESIZE, and until all are confirmed
(confirmResize POSTed as each reaches VERIFY_RESIZE) and ACTIVE again
(target: all done in < 30 s). Each run moves them back the other way.

Needs RabbitMQ (guest/guest) and MariaDB (root, no password); ``live``
also root, libvirtd and QEMU (tools/setup-libvirt.sh). From the
repository root:

    python bench/move.py live [--runs 9] [--test-intervals]
    python bench/move.py cold [--servers 100] [--runs 3]
"""
import argparse
import concurrent.futures
import configparser
import os
import pathlib
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench import boot as boot_bench  # noqa: E402
from bench.real_services import call  # noqa: E402
from bench.real_services import libvirt_services  # noqa: E402
from bench.real_services import machine  # noqa: E402
from tests.integration import harness  # noqa: E402

POLL = 0.25
# ``live``: the control plane's service intervals, Nova's defaults
# (``--test-intervals``: the integration tests' short ones).
NOVA_LIVENESS = {'report_interval': 10, 'service_down_time': 60}
NOVA_COMPUTE_INTERVALS = {'resource_update_interval': 60}
# Cold: servers still ACTIVE with no task this long after their migrate
# POST will not move (their migration was refused or failed).
STALL_SECONDS = 60
# The source compute's line (nova_compute/virt/libvirt/live_migration.py),
# oslo.log's default format: local time.
LIBVIRT_LINE = re.compile(r'^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*'
                          r'Live migration of (?P<uuid>[0-9a-f-]{36}) to \S+ done by '
                          r'libvirt in (?P<seconds>[\d.]+) s', re.MULTILINE)
# The destination compute's line once the server is written ACTIVE there
# (nova_compute/live_migration.py).
ARRIVED_LINE = re.compile(r'^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*'
                          r'Instance (?P<uuid>[0-9a-f-]{36}) arrived live on \S+', re.MULTILINE)
# The source compute's step timings (nova_compute/live_migration.py).
STEPS_LINE = re.compile(r'^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*'
                        r'Live migration of (?P<uuid>[0-9a-f-]{36}) to \S+: '
                        r'(?P<total>[\d.]+) s on this host: start (?P<start>[\d.]+) s, '
                        r'pre_live_migration (?P<pre>[\d.]+) s, driver [\d.]+ s, '
                        r'post (?P<post>[\d.]+) s', re.MULTILINE)


def median_ms(values):
    return statistics.median(values) * 1000


def _log_time(text):
    seconds, millis = text.split('.')
    return time.mktime(time.strptime(seconds, '%Y-%m-%d %H:%M:%S')) + int(millis) / 1000


# --- live ------------------------------------------------------------------

def _logged(pattern, log_path, uuid, after):
    """(wall-clock time of the line, its groups as floats) of the first
    line of ``pattern`` about ``uuid`` logged after ``after``, or None."""
    for match in pattern.finditer(log_path.read_text(errors='replace')):
        at = _log_time(match.group('at'))
        if match.group('uuid') == uuid and at >= after - 1:
            return at, {key: float(value) for key, value in match.groupdict().items()
                        if key not in ('at', 'uuid')}
    return None


def _live_migrate_once(cloud, endpoint, uuid, source, destination):
    posted = time.time()
    call(endpoint, 'POST', '/servers/%s/action' % uuid,
         {'os-migrateLive': {'host': destination.hostname, 'block_migration': 'auto'}})
    answered = time.time()
    while True:
        server = call(endpoint, 'GET', '/servers/' + uuid)['server']
        if server['status'] == 'ERROR' or (server['status'] == 'ACTIVE' and
                                           server['OS-EXT-STS:task_state'] is None and
                                           server['OS-EXT-SRV-ATTR:host'] ==
                                           destination.hostname):
            break
        if server['status'] == 'ACTIVE' and server['OS-EXT-STS:task_state'] is None and (
                time.time() - posted > 5):
            raise SystemExit('the live migration of %s to %s did not happen (still on %s)'
                             % (uuid, destination.hostname, server['OS-EXT-SRV-ATTR:host']))
        if time.time() - posted > 300:
            raise SystemExit('the live migration of %s took over 300 s' % uuid)
        time.sleep(POLL)
    done = time.time()
    if server['status'] == 'ERROR':
        raise SystemExit('server %s went to ERROR: %s' % (uuid, server.get('fault')))
    log_path = cloud.computes[source.hostname].log_path
    libvirt_ended, libvirt = harness.wait_until(
        lambda: _logged(LIBVIRT_LINE, log_path, uuid, posted), 30,
        what="libvirt's migration time of %s" % uuid)
    steps_logged, steps = harness.wait_until(
        lambda: _logged(STEPS_LINE, log_path, uuid, posted), 30,
        what='the step timings of %s' % uuid)
    arrived, _ = harness.wait_until(
        lambda: _logged(ARRIVED_LINE, cloud.computes[destination.hostname].log_path, uuid,
                        posted), 30, what='the arrival of %s' % uuid)
    total = arrived - posted
    return {'total': total, 'libvirt': libvirt['seconds'], 'api': answered - posted,
            'overhead': total - libvirt['seconds'],
            'before': libvirt_ended - libvirt['seconds'] - posted,
            'after': arrived - libvirt_ended,
            'to_source': steps_logged - steps['total'] - posted, 'start': steps['start'],
            'pre': steps['pre'], 'post': steps['post'], 'seen': done - arrived}


def run_live(args):
    from tests.integration import conftest
    from tests.integration import libvirt_cloud
    from tests.integration import ns_cloud
    from tests.integration import ns_hosts

    if not args.test_intervals:
        # Nova's default service intervals, not the tests' one-second
        # heartbeats (which keep the conductors busy all along).
        conftest.LIVENESS = dict(conftest.LIVENESS, **NOVA_LIVENESS)
    runs = []
    with libvirt_services(ns_hosts.require_tools) as (rabbitmq, mariadb), \
            tempfile.TemporaryDirectory(prefix='nova-move-bench-') as workdir, \
            ns_hosts.running(2) as hosts:
        print(machine(), flush=True)
        print('service intervals: %s' % ("the tests' (report_interval 1 s)" if args.test_intervals
                                         else "Nova's defaults (report_interval 10 s, resource "
                                              "updates 60 s)"), flush=True)
        cloud = ns_cloud.NsLibvirtCloud(
            workdir, rabbitmq, mariadb, hosts,
            {} if args.test_intervals else {'compute': NOVA_COMPUTE_INTERVALS})
        try:
            cloud.hypervisors()
            endpoint = cloud.deployment.compute_endpoint
            guest = cloud.test_guest()
            call(endpoint, 'POST', '/flavors', {'flavor': {
                'name': 'move-bench', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': 'move-bench'}})
            first, second = hosts.hosts
            uuid = call(endpoint, 'POST', '/servers', {'server': {
                'name': 'move-bench', 'imageRef': guest.image_id, 'flavorRef': 'move-bench',
                'networks': 'none', 'availability_zone': 'nova:%s' % first.hostname}}
            )['server']['id']
            cloud.wait(lambda: libvirt_cloud.ACPI_READY in cloud.console_file(uuid),
                       'the guest to boot', timeout=libvirt_cloud.BOOT_TIMEOUT)
            source, destination = first, second
            pids = {daemon.name: daemon.process.pid for daemon in cloud.deployment.daemons
                    if daemon.alive()}
            cpu_before = {name: boot_bench.cpu_seconds(pid) for name, pid in pids.items()}
            for run in range(args.runs):
                result = _live_migrate_once(cloud, endpoint, uuid, source, destination)
                print('run %d %s -> %s: API to done %.0f ms, libvirt %.0f ms, overhead %.0f ms'
                      ' (before libvirt %.0f ms, after %.0f ms)' % (
                          run + 1, source.name, destination.name, result['total'] * 1000,
                          result['libvirt'] * 1000, result['overhead'] * 1000,
                          result['before'] * 1000, result['after'] * 1000), flush=True)
                runs.append(result)
                source, destination = destination, source
            cpu_used = {name: boot_bench.cpu_seconds(pid) - cpu_before[name]
                        for name, pid in pids.items()}
            call(endpoint, 'DELETE', '/servers/' + uuid)
            cloud.wait(lambda: uuid not in cloud.domain_uuids(first) + cloud.domain_uuids(
                second), 'the guest to be removed', timeout=60)
        finally:
            cloud.stop()
    print('live migration of one guest, median of %d runs (first run into a cold image '
          'cache on the destination included):' % len(runs))
    print('  POST os-migrateLive -> ACTIVE on the destination: %.0f ms' % (
        median_ms([r['total'] for r in runs])))
    print("  libvirt's migration (migrateToURI3):             %.0f ms" % median_ms(
        [r['libvirt'] for r in runs]))
    print('  control-plane overhead:                          %.0f ms  (target < 300 ms)' %
          median_ms([r['overhead'] for r in runs]))
    print('    before libvirt (API, conductor, scheduler, checks, pre_live_migration): '
          '%.0f ms' % median_ms([r['before'] for r in runs]))
    print('    after libvirt (post steps, records):                                    '
          '%.0f ms' % median_ms([r['after'] for r in runs]))
    for key, label in (
            ('api', 'POST answered (202)'),
            ('to_source', 'POST until the source compute has the request (API, conductor, '
                          'scheduler, checks on both hosts)'),
            ('start', 'source: until it asks the destination to prepare'),
            ('pre', 'pre_live_migration on the destination (the source records its start '
                    'meanwhile), migration running'),
            ('post', 'post steps on both hosts (the source logs them after the destination '
                     'answered)'),
            ('seen', 'then until the API poll (every %d ms) saw it' % (POLL * 1000))):
        print('      %-100s %4.0f ms' % (label + ':', median_ms([r[key] for r in runs])))
    print("nova daemons' CPU per live migration (all %d runs, periodic tasks included): "
          '%.0f ms (%s)' % (len(runs), 1000 * sum(cpu_used.values()) / len(runs), ', '.join(
              '%s %.0f' % (name, 1000 * used / len(runs))
              for name, used in sorted(cpu_used.items()))))


# --- cold ------------------------------------------------------------------

def _start_second_compute(deployment):
    """compute2: the fake driver like compute1, in its own process."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(deployment.compute)
    config['DEFAULT']['host'] = 'compute2'
    config['DEFAULT']['state_path'] = str(deployment.workdir / 'state-compute2')
    path = deployment.workdir / 'compute2.conf'
    with path.open('w') as stream:
        config.write(stream)
    deployment.daemons['nova-compute-2'] = harness.start_daemon(
        'nova-compute', path, deployment.workdir, name='nova-compute-2')

    def mapped():
        harness.nova_manage(deployment.top, 'cell_v2', 'discover_hosts')
        return 'compute2' in harness.nova_manage(deployment.top, 'cell_v2',
                                                 'list_hosts').stdout
    harness.wait_until(mapped, 90, what='compute2 to be discovered')


def _statements(deployment):
    """MariaDB's count of statements run so far (all its clients')."""
    connection = deployment.mariadb._connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS LIKE 'Questions'")
            return int(cursor.fetchone()[1])
    finally:
        connection.close()


def _servers(endpoint):
    return {server['id']: server
            for server in call(endpoint, 'GET', '/servers/detail?limit=1000')['servers']}


def _cold_migrate_all(endpoint, uuids, destination, concurrency):
    """(seconds until all VERIFY_RESIZE, until all confirmed and ACTIVE on
    ``destination``)."""
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda uuid: call(endpoint, 'POST', '/servers/%s/action' % uuid,
                                        {'migrate': None}), uuids))
    verify_at = None
    confirmed = set()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        while True:
            servers = _servers(endpoint)
            errors = [s for s in servers.values() if s['status'] == 'ERROR']
            if errors:
                raise SystemExit('server %s went to ERROR: %s' % (errors[0]['id'],
                                                                  errors[0].get('fault')))
            waiting = [uuid for uuid in uuids if servers[uuid]['status'] == 'VERIFY_RESIZE'
                       and uuid not in confirmed]
            if verify_at is None and all(
                    servers[uuid]['status'] == 'VERIFY_RESIZE' or uuid in confirmed
                    for uuid in uuids):
                verify_at = time.monotonic() - started
            list(pool.map(lambda uuid: call(endpoint, 'POST', '/servers/%s/action' % uuid,
                                            {'confirmResize': None}), waiting))
            confirmed.update(waiting)
            if all(servers[uuid]['status'] == 'ACTIVE' and
                   servers[uuid]['OS-EXT-SRV-ATTR:host'] == destination and
                   uuid in confirmed for uuid in uuids):
                return verify_at, time.monotonic() - started
            if time.monotonic() - started > STALL_SECONDS and verify_at is None and all(
                    servers[uuid]['status'] == 'ACTIVE' and not servers[uuid][
                        'OS-EXT-STS:task_state'] for uuid in uuids if uuid not in confirmed):
                stuck = [uuid for uuid in uuids if uuid not in confirmed]
                raise SystemExit('%d servers did not move (still ACTIVE, no task), e.g. %s'
                                 % (len(stuck), stuck[0]))
            if time.monotonic() - started > 600:
                raise SystemExit('the servers were not all moved in 600 s')
            time.sleep(0.1)


def run_cold(args):
    print(machine(), flush=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix='nova-move-bench-') as workdir:
        deployment = boot_bench.Deployment(workdir, 1)
        try:
            deployment.start()
            image_id = boot_bench.prepare(deployment, 1)
            endpoint = deployment.endpoint + '/v2.1'
            uuids = boot_bench.boot(endpoint, image_id, args.servers, args.concurrency)['uuids']
            _start_second_compute(deployment)
            harness.wait_until(
                lambda: len(call(endpoint, 'GET', '/os-hypervisors')['hypervisors']) == 2,
                60, what='2 hypervisors')
            source, destination = 'compute1', 'compute2'
            pids = dict(boot_bench.service_pids(), **{
                name: daemon.process.pid for name, daemon in deployment.daemons.items()})
            for run in range(args.runs):
                cpu_before = {name: boot_bench.cpu_seconds(pid) for name, pid in pids.items()}
                statements_before = _statements(deployment)
                verify, done = _cold_migrate_all(endpoint, uuids, destination, args.concurrency)
                cpu = {name: boot_bench.cpu_seconds(pid) - cpu_before[name]
                       for name, pid in pids.items()}
                print('run %d %s -> %s: all VERIFY_RESIZE after %.1f s, all confirmed and '
                      'ACTIVE after %.1f s; load average %s' % (
                          run + 1, source, destination, verify, done,
                          ' '.join('%.1f' % value for value in os.getloadavg())), flush=True)
                print('  CPU per move (ms; the polling lists included): %s; SQL statements '
                      'per move (server-wide): %.0f' % (', '.join(
                          '%s %.0f' % (name, 1000 * used / len(uuids))
                          for name, used in sorted(cpu.items())),
                          (_statements(deployment) - statements_before) / len(uuids)),
                      flush=True)
                runs.append((verify, done))
                source, destination = destination, source
        except SystemExit:
            deployment.print_problems()
            raise
        finally:
            deployment.stop()
    print('cold migration of %d fake servers at once (%d POSTs at a time), median of %d runs:'
          % (args.servers, args.concurrency, len(runs)))
    print('  all VERIFY_RESIZE:          %.1f s' % statistics.median(r[0] for r in runs))
    print('  all confirmed and ACTIVE:   %.1f s  (target < 30 s)' % statistics.median(
        r[1] for r in runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('part', choices=('live', 'cold'))
    parser.add_argument('--runs', type=int, default=None,
                        help='live migrations (default 9) or cold rounds (default 3)')
    parser.add_argument('--servers', type=int, default=100)
    parser.add_argument('--concurrency', type=int, default=10)
    parser.add_argument('--test-intervals', action='store_true',
                        help="live: the tests' one-second service heartbeats instead of "
                             "Nova's defaults")
    args = parser.parse_args()
    if args.part == 'live':
        args.runs = args.runs or 9
        run_live(args)
    else:
        args.runs = args.runs or 3
        run_cold(args)


if __name__ == '__main__':
    main()
