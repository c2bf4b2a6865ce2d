"""os-interface on the fake driver through the whole path: ports listed
and shown, attached (a new port on a network, with a fixed IP, or the
user's port; 2.49 tags shown from 2.70) by nova-api and plugged by the
compute over RPC 1.9, detached again (the port deleted, or the user's
port unbound); every refusal leaves no port behind."""
from nova_common.conf import CONF
from tests.functional.network import helpers
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.functional.test_power_actions import wait_settled

MISSING = '6c0b1b8e-1111-4222-8333-444455556666'


def _url(uuid, port_id=None):
    url = '/v2.1/servers/%s/os-interface' % uuid
    return url + '/' + port_id if port_id else url


def _attach(cloud, uuid, attachment, status=200, version='2.90', token=DEMO):
    return cloud.post(_url(uuid), {'interfaceAttachment': attachment}, token=token,
                      version=version, status=status).json


def _plugged(cloud, uuid):
    return set(cloud.compute.manager.driver.guests[uuid].get('vifs', {}))


def _all_ports(cloud):
    return {port['id']: port for port in helpers.call(
        cloud, 'GET', '/ports', token='admin:admin', status=200).json['ports']}


def _net(cloud, name='net1', cidr='10.42.0.0/24', token=DEMO):
    network = helpers.network(cloud, name=name, token=token)
    helpers.subnet(cloud, network['id'], cidr=cidr, token=token)
    return network


def test_attach_list_show_detach_a_new_port(running):  # noqa: F811
    network = _net(running)
    uuid = boot(running)
    assert running.get(_url(uuid), token=DEMO, status=200).json == {
        'interfaceAttachments': []}
    attached = _attach(running, uuid, {'net_id': network['id'],
                                       'fixed_ips': [{'ip_address': '10.42.0.50'}],
                                       'tag': 'data'}, version='2.70')['interfaceAttachment']
    port_id = attached['port_id']
    assert attached == {'net_id': network['id'], 'port_id': port_id,
                        'mac_addr': attached['mac_addr'], 'port_state': 'DOWN',
                        'fixed_ips': [{'subnet_id': attached['fixed_ips'][0]['subnet_id'],
                                       'ip_address': '10.42.0.50'}],
                        'tag': 'data'}
    assert helpers.MAC.match(attached['mac_addr'])
    assert _plugged(running, uuid) == {port_id}
    vif = running.compute.manager.driver.guests[uuid]['vifs'][port_id]
    assert (vif['tag'], vif['binding:host_id']) == ('data', 'test-host')
    listed = running.get(_url(uuid), token=DEMO, version='2.70',
                         status=200).json['interfaceAttachments']
    assert listed == [attached]
    old = running.get(_url(uuid, port_id), token=DEMO, version='2.69',
                      status=200).json['interfaceAttachment']
    assert 'tag' not in old and old['port_id'] == port_id
    server = running.get('/v2.1/servers/%s' % uuid, token=DEMO, status=200).json['server']
    assert [a['addr'] for a in server['addresses']['net1']] == ['10.42.0.50']
    actions = running.get('/v2.1/servers/%s/os-instance-actions' % uuid, token=DEMO,
                          status=200).json['instanceActions']
    assert 'attach_interface' in [action['action'] for action in actions]

    running.delete(_url(uuid, port_id), token=DEMO, status=202)
    assert _plugged(running, uuid) == set()
    assert port_id not in _all_ports(running)
    message = running.delete(_url(uuid, port_id), token=DEMO,
                             status=404).json['itemNotFound']['message']
    assert message == 'Port %s is not attached' % port_id


def test_the_users_port_is_bound_then_unbound(running):  # noqa: F811
    network = _net(running)
    port = helpers.port(running, network['id'])
    uuid = boot(running)
    _attach(running, uuid, {'port_id': port['id']})
    bound = _all_ports(running)[port['id']]
    assert (bound['device_id'], bound['binding:host_id']) == (uuid, 'test-host')
    other = boot(running, name='vm2')
    message = _attach(running, other, {'port_id': port['id']},
                      status=409)['conflictingRequest']['message']
    assert message == 'Port %s is still in use.' % port['id']
    running.delete(_url(uuid, port['id']), token=DEMO, status=202)
    after = _all_ports(running)[port['id']]
    assert (after['device_id'], after['binding:host_id'], after['binding:profile']) == (
        '', '', {})
    # Attached again and the server deleted: the user's port stays, unbound.
    _attach(running, uuid, {'port_id': port['id']})
    running.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    assert _all_ports(running)[port['id']]['device_id'] == ''


def test_no_network_one_network_or_ambiguous(running):  # noqa: F811
    uuid = boot(running)
    message = _attach(running, uuid, {}, status=400)['badRequest']['message']
    assert message == ("No specific network was requested and none are available for "
                       "project 'demo'.")
    _net(running)
    attached = _attach(running, uuid, {})['interfaceAttachment']
    assert attached['fixed_ips'][0]['ip_address'].startswith('10.42.0.')
    _net(running, name='net2', cidr='10.43.0.0/24')
    message = _attach(running, uuid, {}, status=400)['badRequest']['message']
    assert message.startswith('More than one possible network found.')


def test_bad_requests_leave_no_port(running):  # noqa: F811
    network = _net(running)
    theirs = _net(running, name='theirs', cidr='10.50.0.0/24', token='eve:other')
    their_port = helpers.port(running, theirs['id'], token='eve:other')
    uuid = boot(running)
    taken = _attach(running, uuid, {'net_id': network['id'],
                                    'fixed_ips': [{'ip_address': '10.42.0.9'}]})
    before = set(_all_ports(running))
    for attachment, status in (
            ({'net_id': network['id'], 'port_id': their_port['id']}, 400),
            ({'fixed_ips': [{'ip_address': '10.42.0.7'}]}, 400),
            ({'net_id': network['id'], 'fixed_ips': [{'ip_address': '10.9.9.9'}]}, 400),
            ({'net_id': network['id'], 'fixed_ips': [{'ip_address': '10.42.0.9'}]}, 409),
            ({'net_id': MISSING}, 404),
            ({'net_id': theirs['id']}, 404),
            ({'port_id': MISSING}, 404),
            ({'port_id': their_port['id']}, 404),
            ({'net_id': 'not-a-uuid'}, 400),
            ({'net_id': network['id'], 'x': 1}, 400),
            ({'net_id': network['id'], 'fixed_ips': []}, 400)):
        _attach(running, uuid, attachment, status=status)
    # The tag comes with 2.49.
    _attach(running, uuid, {'net_id': network['id'], 'tag': 't'}, version='2.48', status=400)
    assert set(_all_ports(running)) == before
    message = _attach(running, uuid, {'net_id': network['id'],
                                      'fixed_ips': [{'ip_address': '10.42.0.9'}]},
                      status=409)['conflictingRequest']['message']
    assert message == 'Fixed IP address 10.42.0.9 is already in use on instance %s.' % uuid
    port_id = taken['interfaceAttachment']['port_id']
    running.get(_url(uuid, MISSING), token=DEMO, status=404)
    running.get(_url(uuid), token='eve:other', status=404)
    running.post(_url(MISSING), {'interfaceAttachment': {}}, token=DEMO, status=404)
    other = boot(running, name='vm2')
    message = running.get(_url(other, port_id), token=DEMO,
                          status=404).json['itemNotFound']['message']
    assert message == 'Instance %s does not have a port with id %s' % (other, port_id)
    running.delete(_url(other, port_id), token=DEMO, status=404)


def test_state_lock_and_driver_failure(running):  # noqa: F811
    network = _net(running)
    uuid = boot(running)
    act(running, uuid, {'lock': None})
    message = _attach(running, uuid, {'net_id': network['id']},
                      status=409)['conflictingRequest']['message']
    assert message == 'Instance %s is locked' % uuid
    act(running, uuid, {'unlock': None})
    act(running, uuid, {'suspend': None})
    wait_settled(running, uuid, 'SUSPENDED')
    message = _attach(running, uuid, {'net_id': network['id']},
                      status=409)['conflictingRequest']['message']
    assert "Cannot 'attach_interface' instance" in message
    act(running, uuid, {'resume': None})
    wait_settled(running, uuid, 'ACTIVE')
    before = set(_all_ports(running))
    CONF.set_override('fail_operations', ['attach_interface'], group='fake_driver')
    try:
        fault = _attach(running, uuid, {'net_id': network['id']}, status=409)
    finally:
        CONF.clear_override('fail_operations', group='fake_driver')
    assert fault['conflictingRequest']['message'] == (
        'Failed to attach network adapter device to %s' % uuid)
    assert set(_all_ports(running)) == before and _plugged(running, uuid) == set()
    # Stopped servers take interfaces too, as in Nova.
    act(running, uuid, {'os-stop': None})
    wait_settled(running, uuid, 'SHUTOFF')
    attached = _attach(running, uuid, {'net_id': network['id']})['interfaceAttachment']
    assert _plugged(running, uuid) == {attached['port_id']}


def test_a_driver_without_hot_plug_is_400(running, monkeypatch):  # noqa: F811
    network = _net(running)
    uuid = boot(running)
    monkeypatch.setattr(type(running.compute.manager.driver), 'supports_attach_interface',
                        False)
    message = _attach(running, uuid, {'net_id': network['id']},
                      status=400)['badRequest']['message']
    assert message == 'Attaching interfaces is not supported for instance %s.' % uuid
    assert _all_ports(running) == {}
