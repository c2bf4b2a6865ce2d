#!/usr/bin/env python3
"""Fault-injection benchmark (issue 13): the scenarios of
tests/integration/test_fault_injection.py at the issue's scale, on a
RabbitMQ node and a MariaDB server of its own (other ports, a temporary
directory; the machine's own broker and database are not touched).

For each scenario it prints one line of figures: servers stuck in BUILD
after the bound, orphan build requests, leaked claims (and any other
inconsistency of the ledger or the quota usage), HTTP 500s, other 5xx
(503 while something is away is the right answer), requests that got no
answer at all (a killed nova-api), how long the servers took to settle,
and for the hung cell database the slowest list and the time every boot
onto the healthy cell took. Run from the repository root:

    python bench/fault_injection.py [--boots 100] [--db-downtime 26]
        [--scenarios broker-restart,database-restart,...]
"""
import argparse
import json
import pathlib
import shutil
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from tests.integration import fault_scenarios  # noqa: E402
from tests.integration import fault_services  # noqa: E402

KILLED_ROLES = ['api', 'super-conductor', 'scheduler', 'cell1-conductor', 'fault-a']


def scenarios(args):
    """{name: function(cloud) -> Outcome}, in the order they run."""
    table = {
        'broker-restart': lambda cloud: fault_scenarios.broker_restart(
            cloud, args.boots, args.broker_downtime),
        'database-restart': lambda cloud: fault_scenarios.database_restart(
            cloud, args.boots, args.db_downtime),
        'hung-cell-database': lambda cloud: fault_scenarios.hung_cell_database(
            cloud, args.boots, lists=args.lists, concurrency=10),
        'stopped-cell-conductor': lambda cloud: fault_scenarios.stopped_cell_conductor(
            cloud, args.boots, args.conductor_downtime),
    }
    for role in KILLED_ROLES:
        table['kill-%s' % role] = (
            lambda cloud, role=role: fault_scenarios.kill_daemon(cloud, role, args.boots))
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--boots', type=int, default=100)
    parser.add_argument('--db-downtime', type=float, default=26)
    parser.add_argument('--broker-downtime', type=float, default=10)
    parser.add_argument('--conductor-downtime', type=float, default=20)
    parser.add_argument('--lists', type=int, default=40,
                        help='server lists sent while the cell database hangs')
    parser.add_argument('--scenarios', default='',
                        help='comma-separated names (default: all)')
    args = parser.parse_args()
    table = scenarios(args)
    chosen = [name for name in args.scenarios.split(',') if name] or list(table)
    unknown = set(chosen) - set(table)
    if unknown:
        parser.error('unknown scenarios: %s (known: %s)' % (', '.join(sorted(unknown)),
                                                            ', '.join(table)))
    # The service timeouts a production deployment would use, shortened only
    # where the scale leaves time for it.
    timeouts = fault_scenarios.Timeouts(build_request=60, instance_build=90,
                                        check_interval=5, rpc_response=30, cell=10,
                                        db_read=30, settle=300)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix='nova-fault-bench-'))
    failures = 0
    try:
        with fault_services.services(workdir / 'services',
                                     proxied=('cell2',)) as (rabbitmq, mariadb):
            cloud = fault_scenarios.FaultCloud(workdir / 'deployment', rabbitmq, mariadb,
                                               timeouts)
            try:
                cloud.set_up()
                for name in chosen:
                    started = time.monotonic()
                    outcome = table[name](cloud)
                    figures = outcome.figures()
                    figures['wall_s'] = round(time.monotonic() - started, 1)
                    if outcome.findings:
                        failures += 1
                        figures['findings'] = outcome.findings
                    print(json.dumps(figures, sort_keys=False), flush=True)
                    left = cloud.delete_all(bound=300)
                    if left:
                        failures += 1
                        print(json.dumps({'scenario': name, 'left_after_delete': left}),
                              flush=True)
            finally:
                cloud.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
