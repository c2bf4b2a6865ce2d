"""The network service's version documents, extensions and /networks over
HTTP (the functional cloud's nova-api)."""
import webtest

from nova_api import app as api_app
from nova_common.conf import CONF
from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault


def test_version_document_needs_no_token(cloud):
    for path in ('/network', '/network/'):
        body = cloud.get(path, token=None, status=200).json
        assert body == {'versions': [{'id': 'v2.0', 'status': 'CURRENT', 'links': [
            {'rel': 'self', 'href': 'http://localhost/network/v2.0/'}]}]}
    assert cloud.post('/network/', {}, token=None).status_int == 405


def test_v2_root_lists_the_resources_and_needs_a_token(cloud):
    assert cloud.get('/network/v2.0/', token=None).status_int == 401
    resources = cloud.get('/network/v2.0/', token='demo:demo', status=200).json['resources']
    assert {resource['collection'] for resource in resources} >= {'networks', 'subnets',
                                                                  'ports'}
    networks = [r for r in resources if r['name'] == 'network'][0]
    assert networks['links'] == [{'rel': 'self',
                                  'href': 'http://localhost/network/v2.0/networks'}]


def test_extensions_use_neutron_aliases(cloud):
    extensions = call(cloud, 'GET', '/extensions', status=200).json['extensions']
    aliases = {extension['alias'] for extension in extensions}
    assert {'binding', 'external-net', 'net-mtu', 'port-security', 'project-id',
            'standard-attr-description', 'standard-attr-timestamp'} <= aliases
    shown = call(cloud, 'GET', '/extensions/binding', status=200).json['extension']
    assert shown['name'] == 'Port Binding'
    fault(call(cloud, 'GET', '/extensions/no-such'), 404, 'NotFound')


def test_network_lifecycle(cloud):
    created = helpers.network(cloud, name='net1', description='first')
    assert created['status'] == 'ACTIVE' and created['admin_state_up'] is True
    assert created['shared'] is False and created['router:external'] is False
    assert created['mtu'] == 1500 and created['subnets'] == []
    assert created['project_id'] == created['tenant_id'] == 'demo'
    assert created['availability_zones'] == [] and created['revision_number'] == 1
    assert created['created_at'].endswith('Z')
    path = '/networks/' + created['id']
    assert call(cloud, 'GET', path, status=200).json['network'] == created
    only = call(cloud, 'GET', path + '?fields=id&fields=name', status=200).json['network']
    assert only == {'id': created['id'], 'name': 'net1'}
    updated = call(cloud, 'PUT', path, {'network': {'name': 'renamed', 'mtu': 1400}},
                   status=200).json['network']
    assert (updated['name'], updated['mtu'], updated['revision_number']) == ('renamed', 1400, 2)
    assert helpers.ids(call(cloud, 'GET', '/networks', status=200), 'networks') == [
        created['id']]
    call(cloud, 'DELETE', path, status=204)
    fault(call(cloud, 'GET', path), 404, 'NetworkNotFound')
    fault(call(cloud, 'DELETE', path), 404, 'NetworkNotFound')


def test_network_bad_input(cloud):
    message = fault(call(cloud, 'POST', '/networks', {'network': {'name': 'n', 'colour': 1}}),
                    400, 'HTTPBadRequest')
    assert 'colour' in message
    fault(call(cloud, 'POST', '/networks', {'network': {'mtu': 'big'}}), 400, 'HTTPBadRequest')
    fault(call(cloud, 'POST', '/networks', {'networks': {}}), 400, 'HTTPBadRequest')
    fault(call(cloud, 'POST', '/networks', {'network': {'router:external': True}}), 400,
          'HTTPBadRequest')
    bad_json = cloud.request('POST', '/network/v2.0/networks', token='demo:demo',
                             headers={'Content-Type': 'application/json'})
    fault(bad_json, 400, 'HTTPBadRequest')
    fault(call(cloud, 'PATCH', '/networks'), 405, 'HTTPMethodNotAllowed')
    fault(call(cloud, 'GET', '/nothing-here'), 404, 'HTTPNotFound')
    fault(call(cloud, 'GET', '/networks?colour=red'), 400, 'HTTPBadRequest')
    assert helpers.ids(call(cloud, 'GET', '/networks', token='admin:admin'), 'networks') == []


def test_only_admins_share_networks(cloud):
    message = fault(call(cloud, 'POST', '/networks', {'network': {'shared': True}}), 403,
                    'PolicyNotAuthorized')
    assert 'create_network:shared' in message
    helpers.network(cloud, shared=False)
    mine = helpers.network(cloud)
    fault(call(cloud, 'PUT', '/networks/' + mine['id'], {'network': {'shared': True}}), 403,
          'PolicyNotAuthorized')
    shared = helpers.network(cloud, token='admin:admin', shared=True)
    assert shared['shared'] is True and shared['project_id'] == 'admin'


def test_ownership(cloud):
    own = helpers.network(cloud, name='own')
    shared = helpers.network(cloud, token='admin:admin', name='shared', shared=True)
    private_admin = helpers.network(cloud, token='admin:admin', name='private')
    visible = set(helpers.ids(call(cloud, 'GET', '/networks'), 'networks'))
    assert visible == {own['id'], shared['id']}
    everything = set(helpers.ids(call(cloud, 'GET', '/networks', token='admin:admin'),
                                 'networks'))
    assert everything == {own['id'], shared['id'], private_admin['id']}
    other = set(helpers.ids(call(cloud, 'GET', '/networks', token='other:other'), 'networks'))
    assert other == {shared['id']}
    fault(call(cloud, 'GET', '/networks/' + own['id'], token='other:other'), 404,
          'NetworkNotFound')
    fault(call(cloud, 'DELETE', '/networks/' + own['id'], token='other:other'), 404,
          'NetworkNotFound')
    # Readable but not theirs: 403.
    fault(call(cloud, 'DELETE', '/networks/' + shared['id']), 403, 'PolicyNotAuthorized')
    # An admin creates for another project.
    theirs = helpers.network(cloud, token='admin:admin', project_id='other')
    assert theirs['project_id'] == 'other'
    call(cloud, 'GET', '/networks/' + theirs['id'], token='other:other', status=200)
    # A member may not.
    fault(call(cloud, 'POST', '/networks', {'network': {'project_id': 'other'}}), 403,
          'PolicyNotAuthorized')


def test_not_served_with_the_neutron_backend(cloud):
    CONF.set_override('backend', 'neutron', group='network')
    cloud.app = webtest.TestApp(api_app.build())
    response = cloud.get('/network/v2.0/networks', token='demo:demo')
    assert response.status_int == 404
    assert response.json['itemNotFound']['code'] == 404


def test_unsharing_a_network_other_projects_use_is_refused(cloud):
    shared = helpers.network(cloud, token='admin:admin', shared=True)
    helpers.subnet(cloud, shared['id'], token='admin:admin')
    path = '/networks/' + shared['id']
    port = helpers.port(cloud, shared['id'])
    fault(call(cloud, 'PUT', path, {'network': {'shared': False}}, token='admin:admin'), 409,
          'InvalidSharedSetting')
    call(cloud, 'DELETE', '/ports/' + port['id'], status=204)
    unshared = call(cloud, 'PUT', path, {'network': {'shared': False, 'router:external': False}},
                    token='admin:admin', status=200).json['network']
    assert unshared['shared'] is False
    fault(call(cloud, 'GET', path), 404, 'NetworkNotFound')


def test_paths_sizes_and_tokens_outside_the_resources(cloud):
    for path in ('/network/v3', '/network/v2.0x/networks', '/network/v2.0/networks/a/b'):
        fault(cloud.get(path, token='demo:demo'), 404, 'HTTPNotFound')
    assert cloud.get('/network/v2.0/networks', token=None).status_int == 401
    CONF.set_override('max_request_body_size', 1000, group='api')
    too_large = {'network': {'name': 'x' * 2000}}
    fault(call(cloud, 'POST', '/networks', too_large), 413, 'HTTPRequestEntityTooLarge')
    fault(cloud.get('/network/v2.0/networks/%ff', token='demo:demo'), 400, 'HTTPBadRequest')
    assert call(cloud, 'GET', '/networks', token='admin:admin').json['networks'] == []
