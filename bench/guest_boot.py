#!/usr/bin/env python3
"""Real-guest boot benchmark: the libvirt driver on this host's libvirtd
(qemu:///system, virt_type = qemu), every daemon its own process over
RabbitMQ and MariaDB (tests/integration/libvirt_cloud.py).

1. Time from POST /servers to ACTIVE, median over ``--runs`` servers booted
   one after the other from a cached base image (a first boot, not counted,
   fills the cache). The compute logs, per spawn, the seconds spent in
   libvirt (define + start until running); the rest of POST -> ACTIVE is
   ours: API, conductor, scheduler, RPC, database writes, disk overlay.
2. ``--parallel`` servers POSTed at once: all must reach ACTIVE and print
   the test guest's boot line on their serial console (read through
   os-getConsoleOutput).

Needs RabbitMQ (guest/guest), MariaDB (root, no password), libvirtd and
QEMU (tools/setup-libvirt.sh); run from the repository root:

    python bench/guest_boot.py [--runs 5] [--parallel 10]
"""
import argparse
import concurrent.futures
import pathlib
import re
import statistics
import sys
import tempfile
import time
import urllib.error

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.real_services import call  # noqa: E402
from bench.real_services import libvirt_services  # noqa: E402
from bench.real_services import machine  # noqa: E402
from tests.integration import harness  # noqa: E402
from tests.integration import libvirt_cloud  # noqa: E402

POLL = 0.01
# The compute's spawn timings line (oslo.log's default format: local time).
SPAWN_LINE = re.compile(r'^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*'
                        r'Spawned instance (?P<uuid>[0-9a-f-]{36}) in (?P<total>[\d.]+) s '
                        r'\(images (?P<images>[\d.]+) s, xml [\d.]+ s, '
                        r'libvirt (?P<libvirt>[\d.]+) s', re.MULTILINE)


def server_status(endpoint, uuid):
    try:
        server = call(endpoint, 'GET', '/servers/' + uuid)['server']
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return 'DELETED'
        raise
    if server['status'] == 'ERROR':
        raise SystemExit('server %s went to ERROR: %s' % (uuid, server.get('fault')))
    return server['status']


def post_server(endpoint, image_id, name):
    return call(endpoint, 'POST', '/servers', {'server': {
        'name': name, 'imageRef': image_id, 'flavorRef': 'guest-bench',
        'networks': 'none'}})['server']['id']


def spawn_timings(cloud, uuid, timeout=30):
    """The compute's logged spawn timings of ``uuid``."""
    def logged():
        for match in SPAWN_LINE.finditer(cloud.compute.log_path.read_text(errors='replace')):
            if match.group('uuid') == uuid:
                timings = {key: float(match.group(key))
                           for key in ('total', 'images', 'libvirt')}
                seconds, millis = match.group('at').split('.')
                timings['ended_at'] = time.mktime(
                    time.strptime(seconds, '%Y-%m-%d %H:%M:%S')) + int(millis) / 1000
                return timings
        return None
    return harness.wait_until(logged, timeout, what='the spawn timings of %s' % uuid)


def delete_and_wait(cloud, endpoint, uuids):
    for uuid in uuids:
        call(endpoint, 'DELETE', '/servers/' + uuid)
    harness.wait_until(lambda: all(server_status(endpoint, uuid) == 'DELETED' for uuid in uuids),
                       120, daemons=cloud.deployment.daemons, what='the servers deleted')
    left = [uuid for uuid in uuids
            if libvirt_cloud.virsh('dominfo', uuid, expect=None).returncode == 0
            or (cloud.instances_path / uuid).exists()]
    if left:
        raise SystemExit('deleted servers left a domain or files behind: %s' % left)


def boot_one(endpoint, image_id, name):
    """(uuid, wall-clock times of the POST, its answer and ACTIVE seen),
    polling every POLL seconds."""
    posted = time.time()
    uuid = post_server(endpoint, image_id, name)
    answered = time.time()
    while server_status(endpoint, uuid) != 'ACTIVE':
        if time.time() - posted > libvirt_cloud.BOOT_TIMEOUT:
            raise SystemExit('server %s not ACTIVE after %d s' % (uuid,
                                                                   libvirt_cloud.BOOT_TIMEOUT))
        time.sleep(POLL)
    return uuid, posted, answered, time.time()


def sequential_boots(cloud, endpoint, image_id, runs):
    """Per run: POST -> ACTIVE, and its parts: the POST itself, the way to
    the compute (conductor, scheduler, RPC), the spawn (disk, libvirt) and
    the way back (persisting ACTIVE, seen by the next poll)."""
    results = []
    for run in range(runs):
        uuid, posted, answered, active = boot_one(endpoint, image_id, 'bench-%d' % run)
        timings = spawn_timings(cloud, uuid)
        spawn_started = timings['ended_at'] - timings['total']
        results.append({'to_active': active - posted, 'post': answered - posted,
                        'to_compute': spawn_started - answered, 'images': timings['images'],
                        'libvirt': timings['libvirt'],
                        'back': active - timings['ended_at']})
        delete_and_wait(cloud, endpoint, [uuid])
    return results


def console_output(endpoint, uuid):
    return call(endpoint, 'POST', '/servers/%s/action' % uuid,
                {'os-getConsoleOutput': {'length': None}})['output']


def parallel_boots(cloud, endpoint, image_id, count, timeout):
    """POST ``count`` servers at once; (seconds until all were ACTIVE, until
    all printed the boot line, {uuid: last console line} of those that did
    not within ``timeout``)."""
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        uuids = list(pool.map(lambda index: post_server(endpoint, image_id,
                                                        'bench-par-%d' % index), range(count)))
    active_at, booted_at = {}, {}
    while len(booted_at) < count and time.monotonic() - started < timeout:
        for uuid in uuids:
            if uuid not in active_at and server_status(endpoint, uuid) == 'ACTIVE':
                active_at[uuid] = time.monotonic() - started
            if uuid in active_at and uuid not in booted_at and (
                    libvirt_cloud.BOOTED in console_output(endpoint, uuid)):
                booted_at[uuid] = time.monotonic() - started
        time.sleep(0.1)
    stuck = {uuid: (console_output(endpoint, uuid).strip().splitlines() or [''])[-1]
             if uuid in active_at else 'not ACTIVE' for uuid in uuids if uuid not in booted_at}
    delete_and_wait(cloud, endpoint, uuids)
    return max(active_at.values(), default=None), max(booted_at.values(), default=None), stuck


def prepare(cloud):
    cloud.hypervisor()
    image_id, _marker = cloud.upload_test_guest()
    endpoint = cloud.deployment.compute_endpoint
    call(endpoint, 'POST', '/flavors', {'flavor': {'name': 'guest-bench', 'ram': 256,
                                                   'vcpus': 1, 'disk': 1,
                                                   'id': 'guest-bench'}})
    # The first boot downloads the images into the _base cache.
    uuid = boot_one(endpoint, image_id, 'bench-warm-up')[0]
    delete_and_wait(cloud, endpoint, [uuid])
    return endpoint, image_id


def milliseconds(values):
    return statistics.median(values) * 1000


def report_sequential(runs):
    to_active = [run['to_active'] for run in runs]
    outside = [run['to_active'] - run['libvirt'] for run in runs]
    print('POST /servers -> ACTIVE, cached image, median of %d: %.0f ms  (each: %s ms)' % (
        len(runs), milliseconds(to_active), ', '.join('%.0f' % (t * 1000) for t in to_active)))
    print('  in libvirt (define + start until running): %.0f ms' % milliseconds(
        [run['libvirt'] for run in runs]))
    print('  outside libvirt (ours): %.0f ms = %.0f%% of POST -> ACTIVE  (target < 300 ms)'
          % (milliseconds(outside),
             100 * statistics.median(o / t for o, t in zip(outside, to_active))))
    for key, label in (('post', 'POST /servers answered'),
                       ('to_compute', 'then conductor, scheduler, RPC until spawn'),
                       ('images', 'disk: cached base, qcow2 overlay, kernel links'),
                       ('back', 'spawn end until ACTIVE is seen (poll %d ms)'
                        % (POLL * 1000))):
        print('    %-50s %4.0f ms' % (label + ':', milliseconds([run[key] for run in runs])))


def report_parallel(count, all_active, all_booted, stuck):
    if stuck:
        print('%d servers at once: %d did not print %s:' % (count, len(stuck),
                                                            libvirt_cloud.BOOTED))
        for uuid, last_line in sorted(stuck.items()):
            print('  %s: last console line %r' % (uuid, last_line))
        return False
    print('%d servers at once: all ACTIVE after %.1f s, all printed %s after %.1f s' % (
        count, all_active, libvirt_cloud.BOOTED, all_booted))
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--parallel', type=int, default=10)
    parser.add_argument('--parallel-timeout', type=int, default=240,
                        help='seconds the parallel guests get to print their boot line')
    args = parser.parse_args()
    with libvirt_services() as (rabbitmq, mariadb), \
            tempfile.TemporaryDirectory(prefix='nova-guest-bench-') as workdir:
        print(machine() + ', virt_type qemu (TCG)', flush=True)
        # The first report comes at start; later ones would only add noise.
        cloud = libvirt_cloud.LibvirtCloud(
            workdir, rabbitmq, mariadb,
            compute_options={'compute': {'resource_update_interval': 600}})
        try:
            endpoint, image_id = prepare(cloud)
            report_sequential(sequential_boots(cloud, endpoint, image_id, args.runs))
            sys.stdout.flush()
            ok = report_parallel(args.parallel, *parallel_boots(
                cloud, endpoint, image_id, args.parallel, args.parallel_timeout))
        finally:
            cloud.stop()
    if not ok:
        raise SystemExit(1)


if __name__ == '__main__':
    main()
