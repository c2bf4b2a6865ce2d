"""IPAM under concurrent port creation, on SQLite and on the local MariaDB:
no address (or MAC) is ever handed out twice, requests for the same address
get one winner and 409s, a full subnet answers IpAddressGenerationFailure,
and a project's default security group is made once."""
import threading

import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db import engines
from nova_common.db import migration
from nova_network.db import models
from nova_network.db import networks as networks_db
from nova_network.db import ports as ports_db
from nova_network.db import subnets as subnets_db
from nova_network import addresses
from nova_network import exceptions
from tests.integration import harness


@pytest.fixture
def sqlite_ctx(tmp_path):
    url = 'sqlite:///%s/api.db' % tmp_path
    migration.upgrade('api', url)
    CONF.set_override('connection', url, group='api_database')
    return nova_context.get_admin_context()


@pytest.fixture
def mariadb_ctx():
    """An API database on the local MariaDB; skipped when it does not
    answer (a failure under CI=true, as harness.require decides)."""
    server = harness.MariaDB()
    server.check()
    url = server.create_database('ipam')
    try:
        migration.upgrade('api', url)
        CONF.set_override('connection', url, group='api_database')
        yield nova_context.get_admin_context()
    finally:
        engines.reset()
        server.cleanup()


@pytest.fixture(params=['sqlite', 'mariadb'])
def ctx(request):
    return request.getfixturevalue(request.param + '_ctx')


def _network(ctx, cidr):
    network = networks_db.create(ctx, 'demo', {'name': 'net'})
    net = addresses.network(cidr)
    gateway = addresses.default_gateway(net)
    subnet = subnets_db.create(ctx, 'demo', {
        'network_id': network['id'], 'ip_version': net.version, 'cidr': cidr,
        'gateway_ip': gateway, 'allocation_pools': addresses.default_pools(net, gateway)})
    return network['id'], subnet


def _concurrently(workers, work):
    """Run work(index) in ``workers`` threads released together; (results,
    errors) by index."""
    start = threading.Barrier(workers)
    results, errors = {}, {}

    def run(index):
        start.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - judged by the test
            errors[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def _allocated(ctx):
    with engines.api_reader(ctx) as session:
        return [row.ip_address for row in session.query(models.IPAllocation)]


def test_racing_ports_get_distinct_addresses_and_macs(ctx):
    network_id, subnet = _network(ctx, '10.42.0.0/24')
    per_worker = 3

    def create_ports(index):
        return [ports_db.create(ctx, 'project-%d' % (index % 3), {'network_id': network_id})
                for _port in range(per_worker)]

    results, errors = _concurrently(12, create_ports)
    assert not errors, errors
    ports = [port for created in results.values() for port in created]
    assert len(ports) == 12 * per_worker
    ips = [port['fixed_ips'][0]['ip_address'] for port in ports]
    assert len(set(ips)) == len(ips)
    assert sorted(_allocated(ctx)) == sorted(ips)
    assert len({port['mac_address'] for port in ports}) == len(ports)
    # One default security group per project, whatever raced to make it.
    with engines.api_reader(ctx) as session:
        assert session.query(models.DefaultSecurityGroup).count() == 3
        assert session.query(models.SecurityGroup).count() == 3
    assert len({port['security_groups'][0] for port in ports}) == 3


def test_a_full_subnet_refuses_the_rest(ctx):
    network_id, _subnet = _network(ctx, '10.43.0.0/28')  # 13 pool addresses
    results, errors = _concurrently(18, lambda index: ports_db.create(
        ctx, 'demo', {'network_id': network_id}))
    assert len(results) == 13
    assert all(isinstance(error, exceptions.IpAddressGenerationFailure)
               for error in errors.values()), errors
    ips = [port['fixed_ips'][0]['ip_address'] for port in results.values()]
    assert len(set(ips)) == 13 and sorted(_allocated(ctx)) == sorted(ips)


def test_one_winner_for_a_requested_address(ctx):
    network_id, subnet = _network(ctx, '10.44.0.0/24')
    wanted = {'network_id': network_id, 'fixed_ips': [{'ip_address': '10.44.0.100'}]}
    results, errors = _concurrently(8, lambda index: ports_db.create(ctx, 'demo', wanted))
    assert len(results) == 1
    assert len(errors) == 7 and all(
        isinstance(error, exceptions.IpAddressAlreadyAllocated) for error in errors.values())
    with engines.api_reader(ctx) as session:
        assert session.query(models.Port).count() == 1
    assert _allocated(ctx) == ['10.44.0.100']
