"""Three nova-scheduler processes at once against one ledger (MariaDB,
RabbitMQ): many servers booted in parallel over a few small fake nodes
fill each node exactly to its capacity and never beyond it -- every claim
is checked in the ledger's own transaction, whichever scheduler makes it
and however stale its view of the usage was."""
import concurrent.futures
import math

import openstack
import pytest

from tests.integration import conftest
from tests.integration import harness

SCHEDULERS = 3
NODES = 3
SERVERS = 24
FLAVOR_RAM = 256


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    deployment = conftest.Deployment(tmp_path_factory.mktemp('schedulers'), rabbitmq, mariadb)
    with deployment:
        deployment.set_up_cells()
        api = deployment.start('nova-api', deployment.top_config)
        harness.wait_for_api(deployment.endpoint, api)
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
        for index in range(SCHEDULERS):
            deployment.start('nova-scheduler', deployment.top_config, name='scheduler-%d' % index)
        deployment.start('nova-conductor', deployment.cell_conductor_config, name='cell1-conductor')
        # Room for a handful of servers per node, memory bound.
        deployment.start('nova-compute', deployment.compute_config('compute-small', fake_driver={
            'nodes': NODES, 'vcpus': 8, 'memory_mb': 512 + 4 * FLAVOR_RAM, 'local_gb': 50}),
            name='compute-small')
        yield deployment


@pytest.fixture(scope='module')
def sdk(cloud):
    connection = cloud.sdk()
    quota = connection.compute.put('/os-quota-sets/admin', json={
        'quota_set': {'instances': -1, 'cores': -1, 'ram': -1}})
    assert quota.status_code == 200, quota.text
    cloud.wait_for_nodes(connection, ['compute-small-node%d' % n for n in range(1, NODES + 1)])
    return connection


def _capacities(cloud, mariadb):
    """{provider name: {rc: (capacity, used)}} from the ledger."""
    rows = mariadb.query(
        cloud.api_db,
        'SELECT p.name, i.resource_class, i.total, i.reserved, i.allocation_ratio, '
        '(SELECT COALESCE(SUM(a.used), 0) FROM allocations a WHERE '
        ' a.resource_provider_id = p.id AND a.resource_class = i.resource_class) '
        'FROM resource_providers p JOIN inventories i ON i.resource_provider_id = p.id')
    found = {}
    for name, rc, total, reserved, ratio, used in rows:
        found.setdefault(name, {})[rc] = ((total - reserved) * ratio, int(used))
    return found


def test_parallel_boots_through_three_schedulers_never_oversubscribe(cloud, sdk, mariadb):
    image = cloud.raw_image(sdk, 'race')
    flavor = sdk.compute.create_flavor(name='race.small', ram=FLAVOR_RAM, vcpus=1, disk=1)

    def boot(index):
        server = sdk.compute.create_server(name='race-%02d' % index, image_id=image.id,
                                           flavor_id=flavor.id, networks='none')
        return sdk.compute.wait_for_server(server, status='ACTIVE', failures=['ERROR'],
                                           wait=90, interval=0.5)
    with concurrent.futures.ThreadPoolExecutor(SERVERS) as pool:
        outcomes = list(pool.map(lambda index: _outcome(boot, index), range(SERVERS)))

    ledger = _capacities(cloud, mariadb)
    for name, classes in ledger.items():
        for rc, (capacity, used) in classes.items():
            assert used <= capacity, '%s: %s used %d of %g' % (name, rc, used, capacity)
    active = [server for server in outcomes if server is not None]
    per_node = {name: sum(1 for s in active if s.hypervisor_hostname == name) for name in ledger}
    fits = {name: int(math.floor(ledger[name]['MEMORY_MB'][0] / FLAVOR_RAM)) for name in ledger}
    assert per_node == fits, (per_node, fits)
    assert len(active) < SERVERS
    # Every scheduler took part (RabbitMQ hands the requests round; one
    # that only got requests after the hosts were full decided "no valid
    # host"), and the placements raced in at least two of them.
    logs = [(cloud.workdir / ('scheduler-%d.log' % index)).read_text()
            for index in range(SCHEDULERS)]
    for index, log in enumerate(logs):
        assert 'goes to' in log or 'No valid host was found' in log, (
            'scheduler-%d decided nothing' % index)
    assert sum('goes to' in log for log in logs) >= 2


def _outcome(boot, index):
    """The ACTIVE server, or None when it ended in ERROR (no valid host)."""
    try:
        return boot(index)
    except openstack.exceptions.ResourceFailure:
        return None
