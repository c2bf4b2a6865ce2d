"""A cell conductor killed (SIGKILL) while servers are booted, across real
daemons over RabbitMQ and MariaDB: its compute cannot report, the servers
hang in BUILD; once the conductor runs again, its instance_build_timeout
check ends them in ERROR with a fault, their claims freed. Every server
ends ACTIVE or ERROR, no build request is left, and the ledger holds the
claims of the ACTIVE servers only."""
import time

import pytest

from tests.integration import conftest
from tests.integration import harness

BUILD_TIMEOUT = 4
LOST = 3


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    deployment = conftest.Deployment(tmp_path_factory.mktemp('lost'), rabbitmq, mariadb)
    with deployment:
        deployment.set_up_cells()
        cell = deployment.cells['cell1']
        deployment.cell_conductor_with_timeout = deployment.write_config(
            'nova-cell1-conductor-timeout.conf', {
                'DEFAULT': dict(conftest.LIVENESS, transport_url=cell.transport_url,
                                host='cell1-conductor', instance_build_timeout=BUILD_TIMEOUT),
                'conductor': {'lost_build_check_interval': 1},
                'api_database': {'connection': deployment.api_db},
                'database': {'connection': cell.db},
            })
        api = deployment.start('nova-api', deployment.top_config)
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
        deployment.start('nova-scheduler', deployment.top_config)
        deployment.start('nova-compute', deployment.compute_config(
            'lost-a', fake_driver={'nodes': 1},
            compute={'resource_update_interval': 2, 'conductor_wait_timeout': 2}), name='lost-a')
        harness.wait_for_api(deployment.endpoint, api)
        yield deployment


def _leftovers(cloud, mariadb):
    build_requests = mariadb.query(cloud.api_db, 'SELECT COUNT(*) FROM build_requests')[0][0]
    consumers = {row[0] for row in mariadb.query(
        cloud.api_db, 'SELECT DISTINCT consumer_id FROM allocations')}
    return build_requests, consumers


def test_builds_held_up_by_a_dead_cell_conductor_end_in_error(cloud, mariadb):
    conductor = cloud.start('nova-conductor', cloud.cell_conductor_with_timeout,
                            name='cell1-conductor')
    sdk = cloud.sdk()

    def host_ready():
        cloud.manage('cell_v2', 'discover_hosts')
        return len(list(sdk.compute.hypervisors())) == 1
    harness.wait_until(host_ready, 60, daemons=cloud.daemons, what='the fake node reported')
    image = cloud.raw_image(sdk, 'lost')
    flavor = sdk.compute.create_flavor(name='lost.small', ram=256, vcpus=1, disk=1)

    def boot(name):
        return sdk.compute.create_server(name=name, image_id=image.id, flavor_id=flavor.id,
                                         networks='none')

    fine = sdk.compute.wait_for_server(boot('fine'), status='ACTIVE', wait=60, interval=0.5)

    conductor.process.kill()
    conductor.process.wait()
    lost = [boot('lost-%d' % index) for index in range(LOST)]
    # The compute waits conductor_wait_timeout for its conductor, then
    # gives up; the servers stay in BUILD, claimed.
    time.sleep(BUILD_TIMEOUT)
    assert {sdk.compute.get_server(server).status for server in lost} == {'BUILD'}

    cloud.start('nova-conductor', cloud.cell_conductor_with_timeout, name='cell1-conductor-2')
    ended = [sdk.compute.wait_for_server(server, status='ERROR', failures=[], wait=60,
                                         interval=0.5) for server in lost]
    for server in ended:
        assert server.fault['message'] == 'Instance build timed out. Set to error state.'
    assert sdk.compute.get_server(fine).status == 'ACTIVE'
    harness.wait_until(lambda: _leftovers(cloud, mariadb) == (0, {fine.id}), 30,
                       daemons=cloud.daemons, what='claims of the ACTIVE server only')

    for server in [fine] + ended:
        sdk.compute.delete_server(server)
    for server in [fine] + ended:
        sdk.compute.wait_for_delete(server, wait=60, interval=0.5)
    assert _leftovers(cloud, mariadb) == (0, set())
