#!/usr/bin/env python3
"""Burst benchmark: N requests at once, each on a new connection, against a
real nova-api process (SQLite databases, no other daemon needed).

For each burst size it sends GET /v2.1/flavors, then POST /v2.1/flavors
(a new flavor each), and prints the statuses, the connection errors
(resets, refusals: there must be none) and p50/p95/max latency. Run from
the repository root:

    python bench/api_burst.py [--sizes 40 200] [--backlog 4096] [--threads 100]

Exits 1 when any request got a connection error or a 5xx.
"""
import argparse
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from tests.functional.http_burst import burst  # noqa: E402
from tests.integration import harness  # noqa: E402

HEADERS = {'X-Auth-Token': 'admin:admin', 'Content-Type': 'application/json'}


def deploy(workdir, port, backlog, threads):
    """SQLite API, cell0 and cell1 databases, and nova-api on ``port``."""
    api_db = 'sqlite:///%s/api.db' % workdir
    config = harness.write_config(workdir / 'nova.conf', {
        'DEFAULT': {'osapi_compute_listen': '127.0.0.1', 'osapi_compute_listen_port': port,
                    'backlog': backlog, 'wsgi_default_pool_size': threads,
                    'transport_url': 'fake:/', 'log_dir': workdir},
        'api': {'auth_strategy': 'noauth2'},
        'api_database': {'connection': api_db},
        'database': {'connection': 'sqlite:///%s/cell1.db' % workdir},
    })
    harness.nova_manage(config, 'api_db', 'sync')
    harness.nova_manage(config, 'cell_v2', 'map_cell0', '--database_connection',
                        'sqlite:///%s/cell0.db' % workdir)
    harness.nova_manage(config, 'cell_v2', 'create_cell', '--name', 'cell1',
                        '--database_connection', 'sqlite:///%s/cell1.db' % workdir,
                        '--transport-url', 'fake:/')
    harness.nova_manage(config, 'db', 'sync')
    api = harness.start_daemon('nova-api', config, workdir)
    harness.wait_for_api('http://127.0.0.1:%d' % port, api)
    return api


def report(label, outcome):
    seconds = outcome['seconds']
    print('%-28s statuses %-16s connection errors %-22s latency p50 %.3f s  p95 %.3f s  '
          'max %.3f s' % (label, dict(outcome['statuses']), dict(outcome['errors']),
                          seconds[len(seconds) // 2], seconds[int(len(seconds) * 0.95)],
                          seconds[-1]), flush=True)
    return not outcome['errors'] and all(status < 500 for status in outcome['statuses'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[40, 200])
    parser.add_argument('--backlog', type=int, default=4096)
    parser.add_argument('--threads', type=int, default=100)
    args = parser.parse_args()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='api-burst-'))
    port = harness.free_port()
    api = deploy(workdir, port, args.backlog, args.threads)
    print('nova-api pid %d on port %d, backlog %d, %d threads; logs in %s'
          % (api.process.pid, port, args.backlog, args.threads, workdir))
    healthy = True
    try:
        for size in args.sizes:
            healthy &= report('%d x GET /flavors' % size,
                              burst('127.0.0.1', port, size, 'GET', '/v2.1/flavors',
                                    headers=HEADERS))
            healthy &= report('%d x POST /flavors' % size, burst(
                '127.0.0.1', port, size, 'POST', '/v2.1/flavors', headers=HEADERS,
                body=lambda index, size=size: {'flavor': {
                    'name': 'burst-%d-%d' % (size, index), 'ram': 512, 'vcpus': 1,
                    'disk': 1}}))
    finally:
        api.stop()
    return 0 if healthy else 1


if __name__ == '__main__':
    sys.exit(main())
