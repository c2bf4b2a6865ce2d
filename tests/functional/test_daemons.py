"""Conductor, scheduler and compute services in one process over the
in-memory transport: they register, heartbeat, report compute nodes (the
compute through its conductor) and stop cleanly."""
import time

from nova_common.cmd import compute as compute_cmd
from nova_common.cmd import conductor as conductor_cmd
from nova_common.cmd import scheduler as scheduler_cmd
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import compute_nodes
from nova_common.db.api import services
from nova_common import servicegroup
from tests.functional.cloud_helpers import wait_for


def _cell1_services(cloud):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
        return {s['binary']: s for s in services.list(cctx)}


def test_services_register_heartbeat_and_stop(cloud):
    CONF.set_override('report_interval', 1)
    CONF.set_override('nodes', 3, group='fake_driver')
    daemons = [conductor_cmd.build_service(), scheduler_cmd.build_service(),
               compute_cmd.build_service()]
    try:
        for daemon in daemons:
            daemon.start()
        found = wait_for(lambda: len(_cell1_services(cloud)) == 3 and _cell1_services(cloud))
        assert set(found) == {'nova-conductor', 'nova-scheduler', 'nova-compute'}
        assert all(s['host'] == 'test-host' for s in found.values())
        assert all(servicegroup.is_up(s) for s in found.values())
        first_count = found['nova-compute']['report_count']
        wait_for(lambda: _cell1_services(cloud)['nova-compute']['report_count'] > first_count)

        with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
            nodes = wait_for(lambda: compute_nodes.list(cctx))
        assert sorted(n['hypervisor_hostname'] for n in nodes) == [
            'test-host-node1', 'test-host-node2', 'test-host-node3']
        assert {n['service_id'] for n in nodes} == {found['nova-compute']['id']}
        assert all(n['memory_mb'] == CONF.fake_driver.memory_mb for n in nodes)
    finally:
        started = time.monotonic()
        for daemon in daemons:
            daemon.stop()
        assert time.monotonic() - started < 10


def test_compute_keeps_running_while_its_conductor_is_away(cloud):
    """No conductor answers: the compute logs, keeps retrying, and registers
    as soon as a conductor shows up."""
    CONF.set_override('report_interval', 1)
    CONF.set_override('conductor_wait_timeout', 1, group='compute')
    compute = compute_cmd.build_service()
    conductor = conductor_cmd.build_service()
    try:
        compute.start()
        time.sleep(1.5)
        assert 'nova-compute' not in _cell1_services(cloud)
        conductor.start()
        wait_for(lambda: 'nova-compute' in _cell1_services(cloud), timeout=15)
    finally:
        compute.stop()
        conductor.stop()
