#!/usr/bin/env python3
"""Scheduler benchmark: the scheduler's work at the scale of a region.

For each size (1,000 and 10,000 hosts by default) it writes, straight into
SQLite databases (an API database holding the ledger, two cells), one
nova-compute service and compute node per host, its ledger provider and
inventory, and two running instances with their claims and metadata.
Then it prints the median of:

1. decision: the default filters and weighers over every host state for
   one request, host states in hand;
2. cold refresh: a new scheduler's first reading of every cell and of the
   ledger, up to the host states of the first request;
3. incremental refresh: the host states of a request after a few hosts
   changed (a node report, a claim, a release);
4. select_destinations: one request from start to claim, as the RPC server
   runs it.

Run from the repository root:

    python bench/scheduler.py [--hosts 1000,10000] [--repeat 20]
"""
import argparse
import datetime
import pathlib
import statistics
import sys
import tempfile
import time
import uuid as uuid_module

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from oslo_utils import timeutils  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from nova_common import cells_scatter  # noqa: E402
from nova_common import config  # noqa: E402
from nova_common.conf import CONF  # noqa: E402
from nova_common import context as nova_context  # noqa: E402
from nova_common.db.api import cells  # noqa: E402
from nova_common.db.api import ledger  # noqa: E402
from nova_common.db import engines  # noqa: E402
from nova_common.db import migration  # noqa: E402
from nova_common.db.models import api as api_models  # noqa: E402
from nova_common.db.models import main as main_models  # noqa: E402
from nova_scheduler import host_manager  # noqa: E402
from nova_scheduler import host_state  # noqa: E402
from nova_scheduler import manager  # noqa: E402

CELLS = 2
INSTANCES_PER_HOST = 2
# What each fake host has, and what each of its instances holds.
NODE = {'vcpus': 32, 'memory_mb': 131072, 'local_gb': 2000}
INSTANCE = {'VCPU': 2, 'MEMORY_MB': 4096, 'DISK_GB': 20}
SPEC_FLAVOR = {'flavorid': 'b', 'name': 'bench', 'vcpus': 2, 'memory_mb': 4096, 'root_gb': 20,
               'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}


def new_uuid():
    return str(uuid_module.uuid4())


def make_spec():
    return {'instance_uuid': new_uuid(), 'project_id': 'bench', 'user_id': 'bench',
            'flavor': dict(SPEC_FLAVOR), 'image': {'id': new_uuid(), 'properties': {}},
            'availability_zone': None, 'scheduler_hints': {}, 'num_instances': 1,
            'ignore_hosts': [], 'force_hosts': [], 'force_nodes': [],
            'instance_metadata': {}}


def insert(url, table, rows):
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)
    engine.dispose()


def populate(workdir, hosts):
    """Databases for ``hosts`` hosts spread over CELLS cells; returns the
    admin context."""
    api_url = 'sqlite:///%s/api.db' % workdir
    CONF.set_override('connection', api_url, group='api_database')
    migration.upgrade('api', api_url)
    context = nova_context.get_admin_context()
    now = timeutils.utcnow()
    # Written an hour ago, as in a region that has been up for a while (an
    # incremental read looks a few seconds back); alive all the same.
    now_alive, now = now, now - datetime.timedelta(hours=1)
    inventory = host_state.node_inventory(NODE)
    providers, inventories, allocations = [], [], []
    for index in range(CELLS):
        cell_url = 'sqlite:///%s/cell%d.db' % (workdir, index + 1)
        migration.upgrade('main', cell_url)
        cell = cells.create_cell(context, 'cell%d' % (index + 1), cell_url, 'fake:/')
        services, nodes, instances, metadata = [], [], [], []
        for number in range(index, hosts, CELLS):
            name = 'host%05d' % number
            node_uuid = new_uuid()
            services.append({'id': len(services) + 1, 'uuid': new_uuid(), 'host': name,
                             'binary': 'nova-compute', 'topic': 'compute', 'report_count': 1,
                             'disabled': False, 'forced_down': False, 'last_seen_up': now_alive,
                             'created_at': now, 'deleted': 0})
            nodes.append(dict(NODE, uuid=node_uuid, service_id=len(services), host=name,
                              hypervisor_hostname=name, hypervisor_type='fake',
                              hypervisor_version=1000, vcpus_used=0, memory_mb_used=0,
                              local_gb_used=0, running_vms=INSTANCES_PER_HOST,
                              cpu_info='{"arch": "x86_64"}', stats='{}', created_at=now,
                              mapped=1, deleted=0))
            provider_id = len(providers) + 1
            providers.append({'id': provider_id, 'uuid': node_uuid, 'name': name,
                              'generation': 1, 'cell_uuid': cell['uuid'], 'host': name,
                              'created_at': now})
            inventories.extend(dict(values, resource_provider_id=provider_id,
                                    resource_class=rc, created_at=now)
                               for rc, values in inventory.items())
            for _ in range(INSTANCES_PER_HOST):
                instance_uuid = new_uuid()
                instances.append({'uuid': instance_uuid, 'host': name, 'node': name,
                                  'vm_state': 'active', 'project_id': 'bench',
                                  'user_id': 'bench', 'created_at': now, 'deleted': 0})
                metadata.append({'instance_uuid': instance_uuid, 'key': 'role',
                                 'value': 'web', 'created_at': now, 'deleted': 0})
                allocations.extend({'resource_provider_id': provider_id,
                                    'consumer_id': instance_uuid, 'resource_class': rc,
                                    'used': used, 'created_at': now}
                                   for rc, used in INSTANCE.items())
        insert(cell_url, main_models.Service.__table__, services)
        insert(cell_url, main_models.ComputeNode.__table__, nodes)
        insert(cell_url, main_models.Instance.__table__, instances)
        insert(cell_url, main_models.InstanceMetadata.__table__, metadata)
    insert(api_url, api_models.ResourceProvider.__table__, providers)
    insert(api_url, api_models.Inventory.__table__, inventories)
    insert(api_url, api_models.Allocation.__table__, allocations)
    return context


def median_ms(function, repeat, prepare=None):
    """Medians of (wall, CPU of this process) milliseconds: on a machine
    shared with other work the CPU figure is the steadier one."""
    walls, cpus = [], []
    for _ in range(repeat):
        if prepare:
            prepare()
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        cpus.append((time.process_time() - cpu) * 1000.0)
        walls.append((time.perf_counter() - wall) * 1000.0)
    return statistics.median(walls), statistics.median(cpus)


def change_a_few_hosts(context, host_states, count=5):
    """A node report, a claim and a release on ``count`` hosts each."""
    chosen = host_states[:count]
    by_cell = {}
    for host in chosen:
        by_cell.setdefault(host.cell_uuid, []).append(host.uuid)
    later = timeutils.utcnow() + datetime.timedelta(milliseconds=1)
    for cell_uuid, node_uuids in by_cell.items():
        cell = cells.get_cell(context, cell_uuid)
        with nova_context.target_cell(context, cell) as cell_context:
            with engines.cell_writer(cell_context) as session:
                (session.query(main_models.ComputeNode)
                 .filter(main_models.ComputeNode.uuid.in_(node_uuids))
                 .update({'running_vms': main_models.ComputeNode.running_vms + 0,
                          'updated_at': later}, synchronize_session=False))
    for host in chosen:
        consumer = new_uuid()
        ledger.claim(context, consumer, host.uuid, INSTANCE)
        ledger.release(context, consumer)


def bench(hosts, repeat):
    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        context = populate(workdir, hosts)
        print('%d hosts: databases written in %.1f s' % (hosts, time.perf_counter() - started))
        cold = median_ms(lambda: manager.SchedulerManager().host_manager.host_states(context),
                         max(3, repeat // 5))
        scheduler = manager.SchedulerManager()
        selector = scheduler.selector
        states = scheduler.host_manager.host_states(context)
        assert len(states) == hosts, len(states)
        spec = make_spec()

        def decide():
            passed, _ = selector.filter_chain.run(states, spec)
            selector.weigher_chain.weigh(passed, spec)
        decision = median_ms(decide, repeat)
        incremental = median_ms(lambda: scheduler.host_manager.host_states(context, max_age=0),
                                repeat, prepare=lambda: change_a_few_hosts(context, states))
        claimed = []

        def select():
            uuid = new_uuid()
            scheduler.select_destinations(context, make_spec(), [uuid])
            claimed.append(uuid)
        select_ms = median_ms(select, repeat)
        for uuid in claimed:
            ledger.release(context, uuid)
    for label, (wall, cpu) in (
            ('decision (filters + weighers, host states in hand)', decision),
            ('cold full refresh (first request of a new scheduler)', cold),
            ('incremental refresh (5 hosts changed)', incremental),
            ('select_destinations with the claim', select_ms)):
        print('  %-54s %9.2f ms  (CPU %9.2f ms)' % (label, wall, cpu))
    engines.reset()
    cells_scatter.reset()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', default='1000,10000',
                        help='comma-separated region sizes (default 1000,10000)')
    parser.add_argument('--repeat', type=int, default=20,
                        help='runs per figure; the median is printed (default 20)')
    args = parser.parse_args()
    config.register_library_options()
    CONF([], project='nova', default_config_files=[])
    CONF.set_override('transport_url', 'fake:/')
    # The hosts were written once; keep them up however long the run is.
    CONF.set_override('service_down_time', 24 * 3600)
    CONF.set_override('cell_timeout', 600, group='cells')
    # A cold read of a 5,000-host cell may take longer than a request
    # waits for a cell; here it is what is measured.
    host_manager.CELL_TIMEOUT = 600
    for hosts in (int(value) for value in args.hosts.split(',')):
        bench(hosts, args.repeat)


if __name__ == '__main__':
    main()
