"""addFixedIp / removeFixedIp (deprecated, up to 2.43) on a server's port
of the built-in network service."""
from nova_common.db.api import instances
from tests.functional import server_records as records
from tests.functional.network import helpers

DEMO = 'demo:demo'


def _act(cloud, uuid, body, status=202, version='2.43', token=DEMO):
    return cloud.post('/v2.1/servers/%s/action' % uuid, body, token=token, version=version,
                      status=status)


def _addresses(cloud, port_id):
    port = helpers.call(cloud, 'GET', '/ports/%s' % port_id, status=200).json['port']
    return [ip['ip_address'] for ip in port['fixed_ips']]


def test_add_and_remove_a_fixed_ip(cloud):
    server = records.add_server(cloud)
    network = helpers.network(cloud, name='net1')
    helpers.subnet(cloud, network['id'], cidr='10.42.0.0/29')
    port = helpers.port(cloud, network['id'], device_id=server['uuid'])
    [first] = _addresses(cloud, port['id'])
    _act(cloud, server['uuid'], {'addFixedIp': {'networkId': network['id']}})
    after = _addresses(cloud, port['id'])
    assert after[0] == first and len(after) == 2
    shown = cloud.get('/v2.1/servers/%s' % server['uuid'], token=DEMO).json['server']
    assert [a['addr'] for a in shown['addresses']['net1']] == after

    _act(cloud, server['uuid'], {'removeFixedIp': {'address': first}})
    assert _addresses(cloud, port['id']) == after[1:]
    message = _act(cloud, server['uuid'], {'removeFixedIp': {'address': first}},
                   status=400).json['badRequest']['message']
    assert message == "Instance %s doesn't have fixed IP '%s'." % (server['uuid'], first)

    # A /29 has five addresses after the gateway: the sixth is refused.
    for _ in range(4):
        _act(cloud, server['uuid'], {'addFixedIp': {'networkId': network['id']}})
    message = _act(cloud, server['uuid'], {'addFixedIp': {'networkId': network['id']}},
                   status=400).json['badRequest']['message']
    assert message == 'No fixed IP addresses available for network: %s' % network['id']
    assert len(_addresses(cloud, port['id'])) == 5


def test_refusals(cloud):
    server = records.add_server(cloud)
    uuid = server['uuid']
    other = helpers.network(cloud, name='other')
    message = _act(cloud, uuid, {'addFixedIp': {'networkId': other['id']}},
                   status=400).json['badRequest']['message']
    assert message == 'No fixed IP addresses available for network: %s' % other['id']
    for bad in ({'addFixedIp': {}}, {'addFixedIp': {'networkId': 'n', 'x': 1}},
                {'removeFixedIp': {}}, {'removeFixedIp': {'address': 'nonsense'}}):
        _act(cloud, uuid, bad, status=400)
    # Gone from 2.44, as in Nova.
    _act(cloud, uuid, {'addFixedIp': {'networkId': other['id']}}, version='2.44',
         status=400)
    _act(cloud, uuid, {'removeFixedIp': {'address': '10.0.0.1'}}, version='2.44',
         status=400)
    _act(cloud, uuid, {'addFixedIp': {'networkId': other['id']}}, token='eve:other',
         status=404)
    with records.in_cell(cloud) as cell_context:
        instances.update(cell_context, uuid, {'locked': True})
    message = _act(cloud, uuid, {'addFixedIp': {'networkId': other['id']}},
                   status=409).json['conflictingRequest']['message']
    assert message == 'Instance %s is locked' % uuid
