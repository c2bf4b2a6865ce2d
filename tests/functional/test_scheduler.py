"""The scheduler manager on real (SQLite) cell and API databases: host
states from every enabled cell, claims in the ledger, alternates, the
NoValidHost fault, ledger healing, and select_destinations over the
in-memory RPC transport."""
import collections
from concurrent import futures
import datetime
import threading
import time

import oslo_messaging as messaging
from oslo_utils import timeutils
from oslo_utils import uuidutils
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db.api import compute_nodes
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common.db.api import services
from nova_common.db import engines
from nova_common.db.models import api as api_models
from nova_common.db.models import main as main_models
from nova_common import exception
from nova_common import rpc
from nova_scheduler import host_manager as host_manager_module
from nova_scheduler import ledger_heal
from nova_scheduler import manager
from nova_scheduler import rpcapi
from tests.functional import scheduler_fixtures
from tests.unit.scheduler.fakes import make_spec

GB = 1024


@pytest.fixture
def deployment(tmp_path):
    return scheduler_fixtures.Deployment(tmp_path)


def _uuids(count):
    return [uuidutils.generate_uuid() for _ in range(count)]


def _select(scheduler, deployment, spec, count=1, **kwargs):
    return scheduler.select_destinations(deployment.admin_context, spec, _uuids(count),
                                         **kwargs)


def test_spreads_instances_and_records_claims(deployment):
    nodes = {deployment.add_host('host%d' % i)['uuid']: 'host%d' % i for i in range(4)}
    scheduler = manager.SchedulerManager()
    spec = make_spec(vcpus=2, memory_mb=2048, root_gb=10)
    uuids = _uuids(8)
    result = scheduler.select_destinations(deployment.admin_context, spec, uuids)

    chosen = [selections[0] for selections in result]
    assert collections.Counter(s['host'] for s in chosen) == {name: 2 for name in nodes.values()}
    for uuid, selection in zip(uuids, chosen):
        assert selection['claimed'] is True
        assert selection['cell_uuid'] == deployment.cell1['uuid']
        assert selection['nodename'] == nodes[selection['compute_node_uuid']]
        assert selection['resources'] == {'VCPU': 2, 'MEMORY_MB': 2048, 'DISK_GB': 10}
        assert ledger.allocations_for(deployment.admin_context, uuid) == {
            selection['compute_node_uuid']: {'VCPU': 2, 'MEMORY_MB': 2048, 'DISK_GB': 10}}
    usage = ledger.usages(deployment.admin_context)
    assert usage == {node: {'VCPU': 4, 'MEMORY_MB': 4096, 'DISK_GB': 20} for node in nodes}


def test_negative_multipliers_stack(deployment):
    for option in ('ram_weight_multiplier', 'cpu_weight_multiplier', 'disk_weight_multiplier'):
        CONF.set_override(option, -1.0, group='filter_scheduler')
    for name in ('host1', 'host2', 'host3'):
        deployment.add_host(name)
    result = _select(manager.SchedulerManager(), deployment, make_spec(memory_mb=1024), 5)
    assert len({selections[0]['host'] for selections in result}) == 1


def test_capacity_is_never_exceeded(deployment):
    # 8704 - 512 reserved = 8192 MB each: four 4096 MB instances in all.
    for name in ('host1', 'host2'):
        deployment.add_host(name, memory_mb=8704)
    scheduler = manager.SchedulerManager()
    spec = make_spec(memory_mb=4096)
    for _ in range(4):
        _select(scheduler, deployment, spec)
    with pytest.raises(exception.NoValidHost) as caught:
        _select(scheduler, deployment, spec)
    assert caught.value.message == (
        'No valid host was found. 2 hosts: RamFilter removed 2 '
        '(need 4096 MB, largest free 0 MB)')
    assert ledger.audit(deployment.admin_context) == []
    assert len(ledger.consumers(deployment.admin_context)) == 4


def test_no_valid_host_names_each_filters_removals(deployment):
    for index in range(2):
        deployment.add_host('down%d' % index, up=False)
    for index in range(10):
        deployment.add_host('small%d' % index, memory_mb=2560)
    with pytest.raises(exception.NoValidHost) as caught:
        _select(manager.SchedulerManager(), deployment, make_spec(memory_mb=4096))
    assert caught.value.code == 400
    assert caught.value.message == (
        'No valid host was found. 12 hosts: ComputeFilter removed 2 (down or disabled), '
        'RamFilter removed 10 (need 4096 MB, largest free 2048 MB)')
    assert ledger.consumers(deployment.admin_context) == {}


def test_no_compute_nodes_at_all(deployment):
    with pytest.raises(exception.NoValidHost, match='no compute nodes in any enabled cell'):
        _select(manager.SchedulerManager(), deployment, make_spec())


def test_failed_multi_instance_request_leaves_no_claim(deployment):
    deployment.add_host('host1', memory_mb=4608)
    deployment.add_host('host2', memory_mb=4608)
    with pytest.raises(exception.NoValidHost) as caught:
        _select(manager.SchedulerManager(), deployment, make_spec(memory_mb=4096), 3)
    assert caught.value.message.endswith('(only 2 of the 3 instances requested fit)')
    assert ledger.consumers(deployment.admin_context) == {}
    assert ledger.usages(deployment.admin_context) == {
        node['uuid']: {} for node in _nodes(deployment, deployment.cell1)}


def _nodes(deployment, cell):
    with nova_context.target_cell(deployment.admin_context, cell) as cctx:
        return compute_nodes.list(cctx)


def test_alternates_come_from_the_chosen_cell(deployment):
    CONF.set_override('max_attempts', 3, group='scheduler')
    for index in range(4):
        deployment.add_host('c1-host%d' % index, cell=deployment.cell1)
        deployment.add_host('c2-host%d' % index, cell=deployment.cell2)
    result = _select(manager.SchedulerManager(), deployment, make_spec(memory_mb=1024), 6)
    seen_cells = set()
    for chosen, *alternates in result:
        assert len(alternates) == 2
        assert {alt['cell_uuid'] for alt in alternates} == {chosen['cell_uuid']}
        assert all(alt['claimed'] is False for alt in alternates)
        assert chosen['host'] not in {alt['host'] for alt in alternates}
        seen_cells.add(chosen['cell_uuid'])
    assert seen_cells == {deployment.cell1['uuid'], deployment.cell2['uuid']}
    # Only the chosen hosts hold allocations.
    assert len(ledger.consumers(deployment.admin_context)) == 6


def test_alternates_must_fit_and_can_be_turned_off(deployment):
    deployment.add_host('big', memory_mb=16896)
    deployment.add_host('tiny', memory_mb=1024)
    deployment.add_host('medium', memory_mb=8704)
    scheduler = manager.SchedulerManager()
    [[chosen, *alternates]] = _select(scheduler, deployment, make_spec(memory_mb=4096))
    assert chosen['host'] == 'big'
    assert [alt['host'] for alt in alternates] == ['medium']
    [[only]] = _select(scheduler, deployment, make_spec(memory_mb=4096),
                       return_alternates=False)
    assert only['claimed']


def test_disabled_cells_and_cell0_are_not_scheduled_to(deployment):
    deployment.add_host('host2', cell=deployment.cell2)
    with engines.api_writer(deployment.admin_context) as session:
        (session.query(api_models.CellMapping).filter_by(uuid=deployment.cell2['uuid'])
         .update({'disabled': True}))
    with pytest.raises(exception.NoValidHost):
        _select(manager.SchedulerManager(), deployment, make_spec())


def test_ignore_force_hosts_and_nodes(deployment):
    for name in ('host1', 'host2', 'host3'):
        deployment.add_host(name)
    scheduler = manager.SchedulerManager()
    [[chosen, *_]] = _select(scheduler, deployment, make_spec(force_hosts=['host2']))
    assert chosen['host'] == 'host2'
    [[chosen, *_]] = _select(scheduler, deployment, make_spec(force_nodes=['host3']))
    assert chosen['nodename'] == 'host3'
    for _ in range(4):
        [[chosen, *_]] = _select(scheduler, deployment,
                                 make_spec(ignore_hosts=['host1', 'host3']))
        assert chosen['host'] == 'host2'
    with pytest.raises(exception.NoValidHost) as caught:
        _select(scheduler, deployment, make_spec(memory_mb=65536, force_hosts=['host1']))
    assert caught.value.message.startswith(
        'No valid host was found. 3 hosts: force_hosts removed 2 (only host1 requested), '
        'capacity removed 1 (MEMORY_MB above the maximum unit 16384)')


def test_host_states_follow_changes_incrementally(deployment):
    CONF.set_override('host_state_max_age', 0, group='scheduler')
    scheduler = manager.SchedulerManager()
    host_manager = scheduler.host_manager
    deployment.add_host('host1')
    assert [h.nodename for h in host_manager.host_states(deployment.admin_context)] == ['host1']

    node2 = deployment.add_host('host2')
    deployment.set_service('host1', {'disabled': True, 'disabled_reason': 'maintenance'})
    states = {h.nodename: h for h in host_manager.host_states(deployment.admin_context)}
    assert set(states) == {'host1', 'host2'}
    assert states['host1'].service_disabled and not states['host2'].service_disabled
    [[chosen, *_]] = _select(scheduler, deployment, make_spec())
    assert chosen['host'] == 'host2'

    with nova_context.target_cell(deployment.admin_context, deployment.cell1) as cctx:
        compute_nodes.upsert(cctx, 'host2', 'host2', {'memory_mb': 32768})
        services.destroy(cctx, services.get_compute_by_host(cctx, 'host1')['id'])
    states = {h.nodename: h for h in host_manager.host_states(deployment.admin_context)}
    assert set(states) == {'host2'}
    assert states['host2'].inventory['MEMORY_MB']['total'] == 32768
    [provider] = [p for p in ledger.providers(deployment.admin_context)
                  if p['uuid'] == node2['uuid']]
    assert provider['inventories']['MEMORY_MB']['total'] == 32768


def test_cached_hosts_serve_until_none_fits_then_a_fresh_reading_decides(deployment):
    CONF.set_override('host_state_max_age', 3600, group='scheduler')
    scheduler = manager.SchedulerManager()
    context = deployment.admin_context
    deployment.add_host('host1')
    assert [h.nodename for h in scheduler.host_manager.host_states(context)] == ['host1']
    deployment.add_host('host2')
    assert [h.nodename for h in scheduler.host_manager.host_states(context)] == ['host1']
    [[chosen, *_]] = _select(scheduler, deployment, make_spec(force_hosts=['host2']))
    assert chosen['host'] == 'host2'
    assert sorted(h.nodename for h in scheduler.host_manager.host_states(context)) == [
        'host1', 'host2']


def test_full_refresh_catches_what_an_incremental_read_missed(deployment, monkeypatch):
    CONF.set_override('host_state_full_refresh_interval', 300, group='scheduler')
    clock = [1000.0]
    monkeypatch.setattr(host_manager_module.time, 'monotonic', lambda: clock[0])
    host_manager = manager.SchedulerManager().host_manager
    deployment.add_host('host1')
    host_manager.host_states(deployment.admin_context)
    # A change stamped long ago (a compute with a late clock) is invisible
    # to an incremental read...
    an_hour_ago = timeutils.utcnow() - datetime.timedelta(hours=1)
    with nova_context.target_cell(deployment.admin_context, deployment.cell1) as cctx:
        with engines.cell_writer(cctx) as session:
            (session.query(main_models.ComputeNode).filter_by(host='host1')
             .update({'vcpus': 64, 'created_at': an_hour_ago, 'updated_at': an_hour_ago}))
    clock[0] += 299
    assert host_manager.host_states(deployment.admin_context)[0].vcpus_total == 8
    # ...and seen by the next full one.
    clock[0] += 1
    assert host_manager.host_states(deployment.admin_context)[0].vcpus_total == 64


class _HungCell:
    """read_cell that hangs for one cell until released (a cell database
    behind a proxy that stopped relaying)."""

    def __init__(self, monkeypatch, cell):
        self.cell_uuid = cell['uuid']
        self.release = threading.Event()
        self.reads = 0
        real = host_manager_module.read_cell

        def read(cell_context, since):
            if cell_context.cell_uuid == self.cell_uuid:
                self.reads += 1
                self.release.wait(30)
            return real(cell_context, since)
        monkeypatch.setattr(host_manager_module, 'read_cell', read)


def _timed_nodenames(host_manager, context, **kwargs):
    started = time.monotonic()
    names = sorted(h.nodename for h in host_manager.host_states(context, **kwargs))
    return names, time.monotonic() - started


def test_a_hung_cell_costs_only_the_refreshing_request_its_wait(deployment, monkeypatch):
    CONF.set_override('cell_timeout', 2, group='cells')
    CONF.set_override('down_cell_recheck_interval', 60, group='cells')
    CONF.set_override('host_state_max_age', 0.05, group='scheduler')
    context = deployment.admin_context
    deployment.add_host('host1')
    deployment.add_host('host2', cell=deployment.cell2)
    host_manager = manager.SchedulerManager().host_manager
    assert _timed_nodenames(host_manager, context)[0] == ['host1', 'host2']
    hung = _HungCell(monkeypatch, deployment.cell2)
    try:
        time.sleep(0.1)
        with futures.ThreadPoolExecutor(1) as pool:
            refreshing = pool.submit(_timed_nodenames, host_manager, context)
            deadline = time.monotonic() + 5
            while not hung.reads and time.monotonic() < deadline:
                time.sleep(0.01)
            assert hung.reads == 1
            # While that request waits for cell2, others go on with the
            # cache as it was, at once.
            for _ in range(5):
                names, seconds = _timed_nodenames(host_manager, context)
                assert names == ['host1', 'host2'] and seconds < 0.5, (names, seconds)
            names, seconds = refreshing.result()
        # The refreshing request waited one cell timeout and left cell2 out.
        assert names == ['host1'] and 1.5 <= seconds < 5, (names, seconds)
        # cell2 is known down: later refreshes, fresh ones included, do not wait.
        time.sleep(0.1)
        names, seconds = _timed_nodenames(host_manager, context, max_age=0)
        assert names == ['host1'] and seconds < 0.5, (names, seconds)
        assert hung.reads == 1
    finally:
        hung.release.set()


def test_a_request_without_a_reading_waits_for_the_first_one(deployment, monkeypatch):
    CONF.set_override('cell_timeout', 5, group='cells')
    context = deployment.admin_context
    deployment.add_host('host1')
    deployment.add_host('host2', cell=deployment.cell2)
    hung = _HungCell(monkeypatch, deployment.cell2)
    host_manager = manager.SchedulerManager().host_manager
    with futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(_timed_nodenames, host_manager, context)
        deadline = time.monotonic() + 5
        while not hung.reads and time.monotonic() < deadline:
            time.sleep(0.01)
        second = pool.submit(_timed_nodenames, host_manager, context)
        time.sleep(0.3)
        assert not second.done()
        hung.release.set()
        # Neither went on without hosts: both saw every cell.
        assert first.result()[0] == second.result()[0] == ['host1', 'host2']


def test_ledger_usage_is_read_fresh_for_every_request(deployment):
    node = deployment.add_host('host1', memory_mb=8704)
    scheduler = manager.SchedulerManager()
    _select(scheduler, deployment, make_spec(memory_mb=1024))
    # Another scheduler (or the conductor's reschedule) claims the rest.
    assert ledger.claim(deployment.admin_context, 'elsewhere', node['uuid'],
                        {'MEMORY_MB': 7168})
    with pytest.raises(exception.NoValidHost, match='RamFilter removed 1'):
        _select(scheduler, deployment, make_spec(memory_mb=1024))


def test_capabilities_and_image_properties(deployment):
    deployment.add_host('x86', cpu_info='{"arch": "x86_64"}')
    deployment.add_host('arm', cpu_info='{"arch": "aarch64"}')
    scheduler = manager.SchedulerManager()
    [[chosen, *_]] = _select(scheduler, deployment,
                             make_spec(image_properties={'hw_architecture': 'aarch64'}))
    assert chosen['host'] == 'arm'
    [[chosen, *_]] = _select(scheduler, deployment, make_spec(
        extra_specs={'capabilities:cpu_info:arch': 's== x86_64'}))
    assert chosen['host'] == 'x86'
    with pytest.raises(exception.NoValidHost,
                       match='ImagePropertiesFilter removed 2 .cannot run image with '
                             'hw_architecture=ppc64le.'):
        _select(scheduler, deployment, make_spec(image_properties={'architecture': 'ppc64le'}))


def test_availability_zone(deployment):
    deployment.add_host('host1')
    scheduler = manager.SchedulerManager()
    assert _select(scheduler, deployment, make_spec(availability_zone='nova'))
    with pytest.raises(exception.NoValidHost,
                       match=r'AvailabilityZoneFilter removed 1 \(not in availability zone az9\)'):
        _select(scheduler, deployment, make_spec(availability_zone='az9'))


class TestLedgerHealing:
    def _claim(self, deployment, node, uuid):
        manager.SchedulerManager().host_manager.refresh(deployment.admin_context)
        assert ledger.claim(deployment.admin_context, uuid, node['uuid'], {'MEMORY_MB': 512})

    def test_frees_only_what_no_instance_needs(self, deployment):
        node = deployment.add_host('host1')
        cell1, cell0 = deployment.cell1, deployment.cell0
        live = deployment.add_instance(cell1)
        deleted = deployment.add_instance(cell1, deleted=True)
        error_without_host = deployment.add_instance(cell0, vm_state='error', host=None)
        error_on_host = deployment.add_instance(cell1, vm_state='error', host='host1')
        building = uuidutils.generate_uuid()
        deployment.add_build_request(building)
        vanished = uuidutils.generate_uuid()
        for uuid in (live, deleted, error_without_host, error_on_host, building, vanished):
            self._claim(deployment, node, uuid)

        healed = ledger_heal.heal(deployment.admin_context)
        # A consumer found nowhere is young: it may be between its build
        # request and its cell.
        assert sorted(healed) == sorted([deleted, error_without_host])
        assert set(ledger.consumers(deployment.admin_context)) == {
            live, error_on_host, building, vanished}

        CONF.set_override('allocation_heal_grace_period', 0, group='scheduler')
        assert ledger_heal.heal(deployment.admin_context) == [vanished]
        assert ledger_heal.heal(deployment.admin_context) == []

    def test_a_migration_holds_its_claim_while_its_move_runs(self, deployment):
        CONF.set_override('allocation_heal_grace_period', 0, group='scheduler')
        node = deployment.add_host('host1')
        live = deployment.add_instance(deployment.cell1)
        gone = deployment.add_instance(deployment.cell1, deleted=True)
        held = {}
        with nova_context.target_cell(deployment.admin_context, deployment.cell1) as cctx:
            for name, instance, status in (('running', live, 'finished'),
                                           ('over', live, 'confirmed'),
                                           ('orphan', gone, 'migrating')):
                held[name] = migrations.create(cctx, {'instance_uuid': instance,
                                                      'status': status})['uuid']
        for uuid in held.values():
            self._claim(deployment, node, uuid)
        assert sorted(ledger_heal.heal(deployment.admin_context)) == sorted(
            [held['over'], held['orphan']])
        assert list(ledger.consumers(deployment.admin_context)) == [held['running']]

    def test_a_cell_that_does_not_answer_keeps_unknown_consumers(self, deployment):
        CONF.set_override('allocation_heal_grace_period', 0, group='scheduler')
        node = deployment.add_host('host1')
        vanished = uuidutils.generate_uuid()
        self._claim(deployment, node, vanished)
        cells.create_cell(deployment.admin_context, 'broken',
                          'sqlite:////nonexistent/dir/broken.db', 'fake:/')
        assert ledger_heal.heal(deployment.admin_context) == []
        assert list(ledger.consumers(deployment.admin_context)) == [vanished]


class TestOverRPC:
    @pytest.fixture
    def rpc_scheduler(self, deployment):
        transport = rpc.get_transport('fake:/')
        target = messaging.Target(topic=rpcapi.TOPIC, server='scheduler-host')
        server = rpc.get_server(target, [manager.SchedulerManager()], transport)
        server.start()
        yield rpcapi.SchedulerAPI(transport)
        server.stop()
        server.wait()

    def test_select_destinations(self, deployment, rpc_scheduler):
        deployment.add_host('host1')
        uuid = uuidutils.generate_uuid()
        [[selection]] = rpc_scheduler.select_destinations(
            deployment.admin_context, make_spec(memory_mb=1024), [uuid])
        assert selection['host'] == 'host1' and selection['claimed'] is True
        assert ledger.allocations_for(deployment.admin_context, uuid)

    def test_no_valid_host_is_reraised_as_the_same_class(self, deployment, rpc_scheduler):
        deployment.add_host('host1', up=False)
        with pytest.raises(exception.NoValidHost) as caught:
            rpc_scheduler.select_destinations(deployment.admin_context, make_spec(),
                                              [uuidutils.generate_uuid()])
        assert caught.value.message == (
            'No valid host was found. 1 hosts: ComputeFilter removed 1 (down or disabled)')


def test_periodic_tasks_refresh_and_heal(deployment):
    scheduler = manager.SchedulerManager()
    tasks = {name: (func, interval) for name, func, interval in scheduler.periodic_tasks()}
    assert set(tasks) == {'refresh_host_states', 'heal_ledger'}
    assert tasks['heal_ledger'][1]() == CONF.scheduler.periodic_task_interval
    node = deployment.add_host('host1')
    tasks['refresh_host_states'][0](deployment.admin_context)
    assert [p['uuid'] for p in ledger.providers(deployment.admin_context)] == [node['uuid']]
    deleted = deployment.add_instance(deployment.cell1, deleted=True)
    assert ledger.claim(deployment.admin_context, deleted, node['uuid'], {'VCPU': 1})
    tasks['heal_ledger'][0](deployment.admin_context)
    assert ledger.consumers(deployment.admin_context) == {}
