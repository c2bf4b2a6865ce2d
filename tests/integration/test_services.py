"""Every daemon as its own process over RabbitMQ and MariaDB: the
super-conductor and scheduler (top-level config, records in cell0), the
cell1 conductor and a compute (cell1 transport only, no database). The
real ``openstack`` CLI sees them up; a stopped compute turns down after
service_down_time; the compute's node shows up as a hypervisor once
discover_hosts maps it."""
import pytest

from tests.integration import harness

# The session's ``deployment`` is set up once: its modules run in one worker.
pytestmark = pytest.mark.xdist_group('deployment')

EXPECTED_UP = {('nova-conductor', 'controller'), ('nova-scheduler', 'controller'),
               ('nova-conductor', 'cell1-conductor'), ('nova-compute', 'compute1')}


def _services(openstack):
    return openstack.json('compute', 'service', 'list')


def test_services_up_then_compute_down(deployment, openstack):
    daemons = [
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor'),
        deployment.start('nova-scheduler', deployment.top_config),
        deployment.start('nova-conductor', deployment.cell_conductor_config,
                         name='cell1-conductor'),
    ]
    compute = deployment.start('nova-compute', deployment.compute_config('compute1'))
    daemons.append(compute)

    def all_up():
        rows = _services(openstack)
        up = {(row['Binary'], row['Host']) for row in rows if row['State'] == 'up'}
        return EXPECTED_UP <= up and rows

    rows = harness.wait_until(all_up, 60, daemons=daemons, what='all services up')
    compute_row = next(row for row in rows if row['Binary'] == 'nova-compute')
    assert compute_row['Zone'] == 'nova'
    assert compute_row['Status'] == 'enabled'
    assert {row['Zone'] for row in rows if row['Binary'] != 'nova-compute'} == {'internal'}

    discovered = deployment.manage('cell_v2', 'discover_hosts', '--verbose').stdout
    assert 'compute1' in discovered
    assert 'compute1' in deployment.manage('cell_v2', 'list_hosts').stdout
    hypervisors = harness.wait_until(
        lambda: openstack.json('hypervisor', 'list'), 30, daemons=daemons,
        what='the compute node to be reported')
    assert [h['Hypervisor Hostname'] for h in hypervisors] == ['compute1']
    assert hypervisors[0]['State'] == 'up'

    compute.stop()

    def compute_down():
        rows = _services(openstack)
        states = {row['Binary'] + '@' + row['Host']: row['State'] for row in rows}
        return states.get('nova-compute@compute1') == 'down' and states

    states = harness.wait_until(compute_down, 60, daemons=daemons[:-1],
                                what='the stopped compute to be reported down')
    assert states['nova-scheduler@controller'] == 'up'
    assert states['nova-conductor@cell1-conductor'] == 'up'
    # No other test uses them: they need not idle through the session.
    harness.stop_daemons(daemons[:-1])
