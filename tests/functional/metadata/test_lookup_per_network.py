"""A metadata proxy names a guest by its address on the proxy's own
network: two servers with the same address on two networks (a project
may reuse a range in another network, as in Neutron) are each found only
on their own network, both by the HTTP look-up a compute makes and by
the in-process one of the all-in-one; a network with no such address
names nobody."""
from nova_api import app as api_app
from nova_common.cmd import api as api_cmd
from nova_common import context as nova_context
from nova_compute.network import port_lookup
from tests.functional.metadata import helpers
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture

ADDRESS = '10.42.0.5'


def test_the_same_address_on_two_networks_names_each_its_own_server(running):  # noqa: F811
    helpers.configure()
    first_net = helpers.network(running, name='net-a')
    second_net = helpers.network(running, name='net-b')
    empty_net = helpers.network(running, name='net-c')
    first = helpers.boot(running, first_net,
                         networks=[{'uuid': first_net['id'], 'fixed_ip': ADDRESS}])
    second = helpers.boot(running, second_net, key_name='k2',
                          networks=[{'uuid': second_net['id'], 'fixed_ip': ADDRESS}])
    api = api_cmd.APIServer(api_app.build(), '127.0.0.1', 0)
    try:
        lookups = [port_lookup.LocalPortLookup(nova_context.get_admin_context()),
                   port_lookup.HTTPPortLookup('http://127.0.0.1:%d/network' % api.server_port,
                                              token='admin:admin')]
        for lookup in lookups:
            assert lookup(first_net['id'], ADDRESS) == (first['id'], first['tenant_id'])
            assert lookup(second_net['id'], ADDRESS) == (second['id'], second['tenant_id'])
            assert lookup(empty_net['id'], ADDRESS) is None
            assert lookup(first_net['id'], '10.42.0.6') is None
    finally:
        api.stop(timeout=5)
