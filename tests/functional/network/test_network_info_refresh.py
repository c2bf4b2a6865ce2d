"""The periodic refresh of what a host plugged (conductor RPC
changed_network_info, nova_conductor/network_info.py): one read for all
the servers a host asks about, whose number of queries does not grow
with them, and only the servers whose network_info changed come back,
with the network_info network_info gives each alone."""
import contextlib
import json

import sqlalchemy

from nova_common import context as nova_context
from nova_common.network import model
from nova_conductor import network_info as conductor_network_info
from nova_network.db import ports as ports_db
from tests.functional.cloud_helpers import computes_on_hosts
from tests.functional.cloud_helpers import wait_for
from tests.functional.network import helpers

HOST = 'host-a'


def _server_port(network_id, device_id):
    return ports_db.create(nova_context.get_admin_context(), 'demo', {
        'network_id': network_id, 'device_id': device_id, 'device_owner': 'compute:nova'})


def _server_uuid(index):
    return '%08d-8a6d-4b2e-9c1f-0a1b2c3d4e5f' % index


def _servers_on_a_network(cloud, count):
    """(the network, the uuids of ``count`` servers with a port on it)."""
    network = helpers.network(cloud, name='net1')
    helpers.subnet(cloud, network['id'])
    uuids = [_server_uuid(index) for index in range(count)]
    for uuid in uuids:
        _server_port(network['id'], uuid)
    return network, uuids


@contextlib.contextmanager
def counted_statements():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    sqlalchemy.event.listen(sqlalchemy.engine.Engine, 'before_cursor_execute', count)
    try:
        yield statements
    finally:
        sqlalchemy.event.remove(sqlalchemy.engine.Engine, 'before_cursor_execute', count)


def _plugged(context, uuids):
    """What HOST plugged for ``uuids``: each one's own network_info."""
    return {uuid: model.network_info(context, uuid, HOST) for uuid in uuids}


def _fingerprints(plugged):
    return {uuid: model.fingerprint(info) for uuid, info in plugged.items()}


def test_only_changed_servers_come_back(cloud):
    network, uuids = _servers_on_a_network(cloud, 3)
    context = nova_context.get_admin_context()
    plugged = _plugged(context, uuids)
    assert model.network_infos(context, uuids, HOST) == plugged
    # Read back as the host keeps it (JSON): the same fingerprint.
    stored = {uuid: json.loads(json.dumps(info))
              for uuid, info in plugged.items()}
    assert _fingerprints(stored) == _fingerprints(plugged)

    assert conductor_network_info.changed_network_info(
        context, HOST, _fingerprints(plugged)) == {}
    # A server gone from the ports (no ports now) is not sent back either.
    assert conductor_network_info.changed_network_info(
        context, HOST, dict(_fingerprints(plugged), **{_server_uuid(99): 'x'})) == {}

    # A new member of the default group: every server's rules change.
    _server_port(network['id'], _server_uuid(50))
    changed = conductor_network_info.changed_network_info(context, HOST,
                                                          _fingerprints(plugged))
    assert changed == _plugged(context, uuids)
    assert all(changed[uuid] != plugged[uuid] for uuid in uuids)

    # A new address of one server: that server only.
    _server_port(network['id'], uuids[1])
    current = _plugged(context, uuids)
    changed = conductor_network_info.changed_network_info(
        context, HOST, dict(_fingerprints(current), **{uuids[1]: _fingerprints(plugged)[
            uuids[1]]}))
    assert changed == {uuids[1]: current[uuids[1]]}
    assert len(changed[uuids[1]]) == 2


def test_one_refresh_reads_as_much_for_many_servers_as_for_one(cloud):
    _network, uuids = _servers_on_a_network(cloud, 12)
    context = nova_context.get_admin_context()
    fingerprints = _fingerprints(_plugged(context, uuids))

    def statements_for(count):
        asked = {uuid: fingerprints[uuid] for uuid in uuids[:count]}
        with counted_statements() as statements:
            assert conductor_network_info.changed_network_info(context, HOST, asked) == {}
        return len(statements)
    one = statements_for(1)
    assert statements_for(12) == one
    with counted_statements() as one_by_one:
        for uuid in uuids:
            model.network_info(context, uuid, HOST)
    assert len(one_by_one) >= 12 * one


def test_a_compute_asks_its_conductor_over_rpc(cloud):
    """The call as a compute makes it, to a conductor service over the
    transport, for a server it booted."""
    with computes_on_hosts(cloud, [HOST]):
        network = helpers.network(cloud, name='net1')
        helpers.subnet(cloud, network['id'])
        server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
                  'networks': [{'uuid': network['id']}]}
        uuid = cloud.post('/v2.1/servers', {'server': server}, token='demo:demo',
                          version='2.90', status=202).json['server']['id']
        wait_for(lambda: cloud.get('/v2.1/servers/%s' % uuid).json['server']['status']
                 == 'ACTIVE', what='the server ACTIVE')
        context = nova_context.get_admin_context()
        conductor = cloud.computes[HOST].manager.conductor_api
        plugged = conductor.network_info(context, uuid, HOST, serves_dhcp=True)
        assert plugged
        fingerprints = {uuid: model.fingerprint(plugged)}
        assert conductor.changed_network_info(context, HOST, fingerprints) == {}
        _server_port(network['id'], _server_uuid(7))
        changed = conductor.changed_network_info(context, HOST, fingerprints)
        assert changed == {uuid: conductor.network_info(context, uuid, HOST)}
        assert changed[uuid] != plugged
