"""The cell conductor writes a server's port binding only when an instance
update moves the server to another host (nova_conductor/port_bindings.py):
an update that names the host the ports are bound to already writes no
port, a move writes each port once. Port writes are counted by the port's
revision_number, which every write of the built-in network service bumps."""
import pytest

from nova_common import context as nova_context
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import settled
from tests.functional.network import helpers as network_helpers

VERSION = '2.90'
HOSTS = ['pb-host1', 'pb-host2']
ADMIN = 'admin:admin'
DEMO = 'demo:demo'


@pytest.fixture
def running(cloud):
    with computes_on_hosts(cloud, HOSTS):
        yield cloud


def boot_with_two_ports(cloud):
    network = network_helpers.network(cloud, name='net-bindings')
    network_helpers.subnet(cloud, network['id'])
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': [{'uuid': network['id']}, {'uuid': network['id']}]}
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                      status=202).json['server']['id']
    return uuid, settled(cloud, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:host']


def bindings(cloud, uuid):
    """{port id: (binding host, revision_number)} of the server's ports."""
    ports = network_helpers.call(cloud, 'GET', '/ports?device_id=%s' % uuid,
                                 token=ADMIN).json['ports']
    return {port['id']: (port['binding:host_id'], port['revision_number']) for port in ports}


def update_through_conductor(cloud, uuid, host):
    """The instance update a compute of ``host`` sends, naming its host."""
    conductor = cloud.computes[host].manager.conductor_api
    conductor.instance_update(nova_context.get_admin_context(), uuid,
                              {'host': host}, expected={'task_state': None})


def test_only_a_new_host_writes_the_bindings(running):
    uuid, source = boot_with_two_ports(running)
    [dest] = [host for host in HOSTS if host != source]
    booted = bindings(running, uuid)
    assert len(booted) == 2
    assert {host for host, _ in booted.values()} == {source}

    update_through_conductor(running, uuid, source)
    update_through_conductor(running, uuid, source)
    assert bindings(running, uuid) == booted, 'an unchanged host wrote a port'

    running.post('/v2.1/servers/%s/action' % uuid, {'migrate': {'host': dest}},
                 token=ADMIN, version=VERSION, status=202)
    settled(running, uuid, 'VERIFY_RESIZE')
    migrated = bindings(running, uuid)
    assert migrated == {port_id: (dest, revision + 1)
                        for port_id, (_, revision) in booted.items()}

    update_through_conductor(running, uuid, dest)
    assert bindings(running, uuid) == migrated, 'an unchanged host wrote a port'
