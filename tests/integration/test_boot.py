"""The boot path across two cells, every daemon its own process over
RabbitMQ and MariaDB: 20 servers booted with openstacksdk, ACTIVE and
spread over the hosts of both cells, listed by the ``openstack`` CLI,
deleted without a trace; and a server no host can fit, buried in cell0 in
ERROR with a fault that says why, holding no claim."""
import openstack
import pytest

from tests.integration import conftest
from tests.integration import harness

NODES_PER_COMPUTE = 2
SERVERS = 20


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    deployment = conftest.Deployment(tmp_path_factory.mktemp('boot'), rabbitmq, mariadb,
                                     cell_names=('cell1', 'cell2'))
    with deployment:
        deployment.set_up_cells()
        api = deployment.start('nova-api', deployment.top_config)
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
        deployment.start('nova-scheduler', deployment.top_config)
        fake_nodes = {'fake_driver': {'nodes': NODES_PER_COMPUTE, 'vcpus': 16,
                                      'memory_mb': 8192, 'local_gb': 100},
                      'compute': {'resource_update_interval': 2}}
        for cell, host in (('cell1', 'compute-a'), ('cell2', 'compute-b')):
            deployment.start('nova-conductor', deployment.cells[cell].conductor_config,
                             name='%s-conductor' % cell)
            deployment.start('nova-compute', deployment.compute_config(host, cell, **fake_nodes),
                             name=host)
        harness.wait_for_api(deployment.endpoint, api)
        yield deployment


@pytest.fixture(scope='module')
def sdk(cloud):
    connection = cloud.sdk()
    # noauth2 with auth_type none acts as the user admin in project admin.
    quota = connection.compute.put('/os-quota-sets/admin', json={
        'quota_set': {'instances': 50, 'cores': -1, 'ram': -1}})
    assert quota.status_code == 200, quota.text
    return connection


@pytest.fixture(scope='module')
def image(cloud, sdk):
    return cloud.raw_image(sdk, 'boot-test')


def _hypervisors_ready(cloud, sdk):
    def ready():
        cloud.manage('cell_v2', 'discover_hosts')
        return len(list(sdk.compute.hypervisors())) == 2 * NODES_PER_COMPUTE
    harness.wait_until(ready, 60, daemons=cloud.daemons, what='all fake nodes reported')


def _leftovers(cloud, mariadb):
    """Undeleted instances in any cell, build requests and allocations."""
    instances = sum(mariadb.query(db, 'SELECT COUNT(*) FROM instances WHERE deleted = 0')[0][0]
                    for db in [cloud.cell0_db] + [c.db for c in cloud.cells.values()])
    build_requests = mariadb.query(cloud.api_db, 'SELECT COUNT(*) FROM build_requests')[0][0]
    allocations = mariadb.query(cloud.api_db, 'SELECT COUNT(*) FROM allocations')[0][0]
    return instances, build_requests, allocations


def test_boot_list_delete_across_two_cells(cloud, sdk, image, mariadb):
    _hypervisors_ready(cloud, sdk)
    flavor = sdk.compute.create_flavor(name='boot.small', ram=256, vcpus=1, disk=1)
    servers = [sdk.compute.create_server(name='boot-%02d' % index, image_id=image.id,
                                         flavor_id=flavor.id, networks='none')
               for index in range(SERVERS)]
    active = [sdk.compute.wait_for_server(server, status='ACTIVE', wait=120, interval=1)
              for server in servers]
    nodes = {server.hypervisor_hostname for server in active}
    assert nodes == {'compute-a-node1', 'compute-a-node2', 'compute-b-node1',
                     'compute-b-node2'}, nodes

    cli = harness.OpenStackCLI(harness.write_clouds_yaml(
        cloud.workdir / 'clouds.yaml', 'boot', cloud.endpoint), 'boot')
    listed = cli.json('server', 'list')
    assert sorted(row['Name'] for row in listed) == ['boot-%02d' % i for i in range(SERVERS)]
    assert {row['Status'] for row in listed} == {'ACTIVE'}

    assert _leftovers(cloud, mariadb) == (SERVERS, 0, SERVERS * 3)
    for server in active:
        sdk.compute.delete_server(server)
    for server in active:
        sdk.compute.wait_for_delete(server, wait=120, interval=1)
    harness.wait_until(lambda: _leftovers(cloud, mariadb) == (0, 0, 0), 60,
                       daemons=cloud.daemons, what='no instance, build request or claim left')


def test_unschedulable_server_lands_in_cell0_with_a_reason(cloud, sdk, image, mariadb):
    _hypervisors_ready(cloud, sdk)
    flavor = sdk.compute.create_flavor(name='boot.huge', ram=1024 * 1024, vcpus=1, disk=1)
    server = sdk.compute.create_server(name='too-big', image_id=image.id, flavor_id=flavor.id,
                                       networks='none')
    server = sdk.compute.wait_for_server(server, status='ERROR', failures=[], wait=60,
                                         interval=1)
    assert server.fault['code'] == 500
    message = server.fault['message']
    assert message.startswith('No valid host was found.'), message
    assert 'RamFilter removed 4' in message and 'need 1048576 MB' in message, message
    assert mariadb.query(cloud.cell0_db, 'SELECT vm_state FROM instances WHERE uuid = %s',
                         server.id) == (('error',),)
    assert mariadb.query(cloud.api_db, 'SELECT COUNT(*) FROM allocations')[0][0] == 0
    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, wait=60, interval=1)
    assert _leftovers(cloud, mariadb) == (0, 0, 0)


def test_aggregate_zone_boot_with_the_cli(cloud, sdk, image):
    _hypervisors_ready(cloud, sdk)
    flavor = sdk.compute.create_flavor(name='az.small', ram=256, vcpus=1, disk=1)
    cli = harness.OpenStackCLI(harness.write_clouds_yaml(
        cloud.workdir / 'clouds.yaml', 'boot', cloud.endpoint), 'boot')
    created = cli.json('aggregate', 'create', '--zone', 'az2', 'agg2')
    assert (created['name'], created['availability_zone']) == ('agg2', 'az2')
    cli.run('aggregate', 'add', 'host', 'agg2', 'compute-b')
    cli.run('aggregate', 'set', '--property', 'k=v', 'agg2')
    shown = cli.json('aggregate', 'show', 'agg2')
    assert shown['hosts'] == ['compute-b']
    # The CLI shows the zone on its own, not among the properties.
    assert (shown['availability_zone'], shown['properties']) == ('az2', {'k': 'v'})
    zones = {row['Zone Name']: row['Zone Status']
             for row in cli.json('availability', 'zone', 'list', '--compute')}
    # (An administrator also sees the internal zone of the other services.)
    assert zones['az2'] == zones['nova'] == 'available'

    server = cli.json('server', 'create', '--availability-zone', 'az2', '--flavor', flavor.id,
                      '--image', image.id, '--nic', 'none', '--wait', 'in-az2')
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute-b'
    assert server['OS-EXT-AZ:availability_zone'] == 'az2'

    cli.run('server', 'delete', '--wait', 'in-az2')
    cli.run('aggregate', 'remove', 'host', 'agg2', 'compute-b')
    cli.run('aggregate', 'delete', 'agg2')
    sdk.compute.delete_flavor(flavor)


def test_anti_affinity_group_with_the_cli(cloud, sdk, image, mariadb):
    """One server of an anti-affinity group per host (compute-a, compute-b);
    the one more than there are hosts in ERROR with a fault naming the
    filter, still a member until it is deleted."""
    _hypervisors_ready(cloud, sdk)
    flavor = sdk.compute.create_flavor(name='group.small', ram=256, vcpus=1, disk=1)
    cli = harness.OpenStackCLI(harness.write_clouds_yaml(
        cloud.workdir / 'clouds.yaml', 'boot', cloud.endpoint), 'boot')
    group = cli.json('server', 'group', 'create', '--policy', 'anti-affinity', 'g1')

    def boot(name):
        created = cli.json('server', 'create', '--image', image.id, '--flavor', flavor.id,
                           '--nic', 'none', '--hint', 'group=%s' % group['id'], name)
        return sdk.compute.wait_for_server(sdk.compute.get_server(created['id']),
                                           status='ACTIVE', failures=['ERROR'], wait=90,
                                           interval=1)

    placed = [boot('member-%d' % index) for index in range(2)]
    assert sorted(server.compute_host for server in placed) == ['compute-a', 'compute-b']
    with pytest.raises(openstack.exceptions.ResourceFailure):
        boot('one-too-many')
    [extra] = list(sdk.compute.servers(name='one-too-many'))
    message = sdk.compute.get_server(extra.id).fault['message']
    assert message.startswith('No valid host was found.'), message
    assert 'ServerGroupAntiAffinityFilter removed 4' in message, message
    assert sorted(sdk.compute.get_server_group(group['id']).member_ids) == sorted(
        [server.id for server in placed] + [extra.id])

    for server in placed + [extra]:
        sdk.compute.delete_server(server)
    for server in placed + [extra]:
        sdk.compute.wait_for_delete(server, wait=60, interval=1)
    assert sdk.compute.get_server_group(group['id']).member_ids == []
    cli.run('server', 'group', 'delete', 'g1')
    sdk.compute.delete_flavor(flavor)
    assert _leftovers(cloud, mariadb) == (0, 0, 0)


def test_server_on_a_network_with_the_cli(cloud, sdk, image, mariadb):
    """`server create --network`: the super-conductor (its own process)
    makes the port bound to the chosen host; `server show` lists the
    address; the port goes with the server."""
    _hypervisors_ready(cloud, sdk)
    flavor = sdk.compute.create_flavor(name='net.small', ram=256, vcpus=1, disk=1)
    cli = harness.OpenStackCLI(harness.write_clouds_yaml(
        cloud.workdir / 'clouds.yaml', 'boot', cloud.endpoint), 'boot')
    cli.run('network', 'create', 'bootnet')
    cli.run('subnet', 'create', '--network', 'bootnet', '--subnet-range', '10.42.0.0/24',
            'bootsub')
    server = cli.json('server', 'create', '--flavor', flavor.id, '--image', image.id,
                      '--network', 'bootnet', '--wait', 'on-net')
    [port] = cli.json('port', 'list', '--server', server['id'], '--long')
    assert port['Fixed IP Addresses'][0]['ip_address'] == '10.42.0.2'
    shown = cli.json('server', 'show', 'on-net')
    assert shown['addresses'] == {'bootnet': ['10.42.0.2']}
    bound = sdk.network.get_port(port['ID'])
    assert (bound.device_id, bound.binding_host_id) == (server['id'],
                                                        shown['OS-EXT-SRV-ATTR:host'])
    cli.run('server', 'delete', '--wait', 'on-net')
    assert list(sdk.network.ports()) == []
    cli.run('network', 'delete', 'bootnet')
    sdk.compute.delete_flavor(flavor)
