"""[network] backend = neutron in process: nova-api and the super-conductor
talk over real HTTP (a WSGI server in a thread) to the built-in service of
the same app, through keystoneauth with the caller's token for the checks
and a service token for bindings. The refusals of a create, 'auto', the
service unreachable (503), and the calls that need the built-in service's
tables (501)."""
from wsgiref import simple_server
import threading

from keystoneauth1 import loading as ks_loading
import pytest

from nova_common.conf import CONF
from nova_common.network import neutron
from tests.functional.network import helpers
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.functional.test_power_actions import wait_settled

DEMO = 'demo:demo'
MISSING = '6c0b1b8e-1111-4222-8333-444455556666'


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def over_http(running):  # noqa: F811
    server = simple_server.make_server('127.0.0.1', 0, running.app.app,
                                       handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = 'http://127.0.0.1:%d/network' % server.server_port
    CONF.register_opts(ks_loading.get_auth_plugin_conf_options('admin_token'), group='neutron')
    for name, value in (('auth_type', 'admin_token'), ('token', 'admin:admin'),
                        ('endpoint', endpoint), ('endpoint_override', endpoint)):
        CONF.set_override(name, value, group='neutron')
    CONF.set_override('backend', 'neutron', group='network')
    neutron._cache.clear()
    try:
        yield running
    finally:
        CONF.clear_override('backend', group='network')
        neutron._cache.clear()
        server.shutdown()
        server.server_close()


def _boot(cloud, networks, status=202, version='2.90', **extra):
    server = dict({'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small'}, **extra)
    if networks is not None:
        server['networks'] = networks
    return cloud.post('/v2.1/servers', {'server': server}, token=DEMO, version=version,
                      status=status).json


def _net(cloud, name='net1', cidr='10.42.0.0/24', token=DEMO):
    network = helpers.network(cloud, name=name, token=token)
    helpers.subnet(cloud, network['id'], cidr=cidr, token=token)
    return network


def test_boot_bind_show_and_delete_over_http(over_http):
    network = _net(over_http)
    uuid = _boot(over_http, [{'uuid': network['id'], 'fixed_ip': '10.42.0.20'}])['server']['id']
    wait_settled(over_http, uuid, 'ACTIVE')
    server = over_http.get('/v2.1/servers/%s' % uuid, token=DEMO).json['server']
    assert [a['addr'] for a in server['addresses']['net1']] == ['10.42.0.20']
    [port] = helpers.call(over_http, 'GET', '/ports?device_id=%s' % uuid,
                          token='admin:admin', status=200).json['ports']
    assert port['binding:host_id'] == 'test-host'
    message = _boot(over_http, [{'uuid': network['id'], 'fixed_ip': '10.42.0.20'}],
                    status=400)['badRequest']['message']
    assert message == 'Fixed IP address 10.42.0.20 is already in use.'
    over_http.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    assert helpers.call(over_http, 'GET', '/ports', token='admin:admin',
                        status=200).json['ports'] == []


def test_refusals_over_http(over_http):
    theirs = _net(over_http, name='theirs', token='eve:other')
    for networks, message in (
            ([{'uuid': MISSING}], 'Network %s could not be found.' % MISSING),
            ([{'uuid': theirs['id']}], 'Network %s could not be found.' % theirs['id']),
            ([{'port': MISSING}], 'Port %s could not be found.' % MISSING)):
        assert _boot(over_http, networks, status=400)['badRequest']['message'] == message
    message = _boot(over_http, 'auto', status=400)['badRequest']['message']
    assert message == 'Unable to automatically allocate a network for project demo'
    message = _boot(over_http, 'none', status=400,
                    security_groups=[{'name': 'nope'}])['badRequest']['message']
    assert message == "Unable to find security_group with name or id 'nope'"
    _net(over_http)
    _net(over_http, name='net2', cidr='10.43.0.0/24')
    _boot(over_http, 'auto', status=409)
    # Pre-2.37, no networks: several to choose from.
    _boot(over_http, None, status=409, version='2.36')


def test_unreachable_service_is_503_and_builtin_only_calls_501(over_http):
    uuid = _boot(over_http, 'none')['server']['id']
    wait_settled(over_http, uuid, 'ACTIVE')
    over_http.get('/v2.1/servers/%s/os-interface' % uuid, token=DEMO, status=501)
    over_http.post('/v2.1/servers/%s/action' % uuid, {'addSecurityGroup': {'name': 'x'}},
                   token=DEMO, status=501)
    CONF.set_override('endpoint_override', 'http://127.0.0.1:9/network', group='neutron')
    neutron._cache.clear()
    over_http.post('/v2.1/servers', {'server': {
        'name': 'vm', 'imageRef': over_http.image_id, 'flavorRef': 'small',
        'networks': [{'uuid': MISSING}]}}, token=DEMO, version='2.90', status=503)
