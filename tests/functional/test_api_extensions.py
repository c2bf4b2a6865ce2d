"""API extensions (nova_api/api_extensions.py) from real entry points,
mounted in the real API app: a route with a microversion range, its JSON
schema and policy (403 in Nova's fault format), a server action, the
policy rules in the enforcer and the sample generator, and clashes with
built-in routes, actions and rules refused at start-up naming both."""
import os
import pathlib
import subprocess
import sys

import pytest

from nova_api import routes
from nova_common.conf import CONF
from nova_common import exception
from tests.functional import conftest
from tests.functional import hook_plugins
from tests.functional.test_hooks import plugins  # noqa: F401 - fixture
from tests.functional.test_hooks import plugins_directory  # noqa: F401 - fixture

REPO = pathlib.Path(__file__).parents[2]


@pytest.fixture
def widgets_cloud(plugins, tmp_path):  # noqa: F811 - the fixture above
    CONF.set_override('extensions', ['widgets'], group='api')
    return conftest.Cloud(tmp_path)


def test_route_exists_only_in_its_microversion_range(widgets_cloud):
    cloud = widgets_cloud
    assert cloud.get('/v2.1/os-widgets', version='2.10', status=200).json == {
        'widgets': [{'name': 'sprocket'}]}
    assert cloud.get('/v2.1/os-widgets', version='2.20', status=200)
    for version in ('2.9', '2.21'):
        assert cloud.get('/v2.1/os-widgets', version=version, status=404).json == {
            'itemNotFound': {'code': 404, 'message': 'The resource could not be found.'}}
    # The project-id form of the URL reaches it too.
    cloud.get('/v2.1/admin/os-widgets', version='2.10', status=200)


def test_policy_403_and_schema_400_in_novas_format(widgets_cloud):
    cloud = widgets_cloud
    assert cloud.get('/v2.1/os-widgets', version='2.10', token='demo:demo',
                     status=403).json == {'forbidden': {
                         'code': 403, 'message':
                         "Policy doesn't allow os_compute_api:os-widgets:list to be performed."}}
    assert cloud.post('/v2.1/os-widgets', {'widget': {'name': 'gear'}}, version='2.10',
                      status=201).json == {'widget': {'name': 'gear'}}
    bad = cloud.post('/v2.1/os-widgets', {'widget': {'size': 3}}, version='2.10',
                     status=400).json['badRequest']['message']
    assert "'name' is a required property" in bad
    assert cloud.request('DELETE', '/v2.1/os-widgets', version='2.10', status=405)


def test_policy_rules_are_overridable_in_policy_yaml(plugins, tmp_path):  # noqa: F811
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"os_compute_api:os-widgets:list": "@"\n')
    CONF.set_override('policy_file', str(policy_file), group='oslo_policy')
    CONF.set_override('extensions', ['widgets'], group='api')
    cloud = conftest.Cloud(tmp_path)
    cloud.get('/v2.1/os-widgets', version='2.10', token='demo:demo', status=200)


def test_server_action_with_range_schema_and_policy(widgets_cloud):
    cloud = widgets_cloud
    from tests.functional.cloud_helpers import add_flavor_and_image
    add_flavor_and_image(cloud)
    server = {'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    uuid = cloud.post('/v2.1/servers', {'server': server}, token='demo:demo',
                      version='2.90', status=202).json['server']['id']
    path = '/v2.1/servers/%s/action' % uuid
    assert cloud.post(path, {'widgetize': {'level': 3}}, token='demo:demo', version='2.50',
                      status=200).json == {'widgetized': uuid, 'level': 3}
    assert cloud.post(path, {'widgetize': {'level': 3}}, token='demo:demo', version='2.49',
                      status=400).json['badRequest']['message'] == (
                          'There is no such action: widgetize')
    assert 'level' in cloud.post(path, {'widgetize': {'level': 0}}, token='demo:demo',
                                 version='2.50', status=400).json['badRequest']['message']
    cloud.post(path, {'widgetize': {'level': 3}}, token='eve:other', version='2.50',
               status=404)
    # The built-in actions are still routed beside it (this server is not
    # scheduled: no conductor runs here).
    assert cloud.post(path, {'lock': None}, token='demo:demo', version='2.50',
                      status=409).json['conflictingRequest']['message'] == (
                          'Instance %s is not ready' % uuid)


def test_not_enabled_is_not_mounted(plugins, cloud):  # noqa: F811
    cloud.get('/v2.1/os-widgets', version='2.10', status=404)


@pytest.mark.parametrize('name, message', [
    ('route_clash', "API extension 'route_clash': route GET /servers/{id} "
                    "(tests.functional.hook_plugins.list_widgets) clashes with the built-in "
                    "route GET /servers/{server_id} (nova_api.controllers.servers.show)"),
    ('shadowed', "API extension 'shadowed': route GET /servers/widgets "
                 "(tests.functional.hook_plugins.list_widgets) clashes with the built-in "
                 "route GET /servers/{server_id} (nova_api.controllers.servers.show)"),
    ('action_clash', "API extension 'action_clash': server action 'reboot' "
                     "(tests.functional.hook_plugins.widgetize) clashes with the built-in "
                     "server action 'reboot' (nova_api.controllers.server_actions.reboot)"),
    ('rule_clash', "API extension 'rule_clash': policy rule 'os_compute_api:servers:create' "
                   "clashes with the built-in policy rule 'os_compute_api:servers:create'"),
])
def test_clashes_are_refused_at_start_up_naming_both(plugins, name, message):  # noqa: F811
    CONF.set_override('extensions', ['widgets', name], group='api')
    with pytest.raises(exception.ConfigError) as error:
        routes.route_table()
    assert message in str(error.value)


def test_two_extensions_clashing_name_both(plugins):  # noqa: F811
    CONF.set_override('extensions', ['widgets', 'widgets'], group='api')
    with pytest.raises(exception.ConfigError,
                       match="route GET /os-widgets .* clashes with the route of API "
                             "extension 'widgets' GET /os-widgets"):
        routes.route_table()


def test_unknown_extension_is_refused(plugins):  # noqa: F811
    CONF.set_override('extensions', ['nonesuch'], group='api')
    with pytest.raises(exception.ConfigError,
                       match='api. extensions: cannot load nonesuch not installed'):
        routes.route_table()


def test_sample_generator_lists_installed_extensions_rules(plugins_directory,  # noqa: F811
                                                           tmp_path):
    """oslopolicy-sample-generator with the project's generator config
    (namespaces nova and nova.extensions) shows every installed
    extension's rules, enabled or not."""
    output = tmp_path / 'policy.yaml.sample'
    generator = pathlib.Path(sys.executable).parent / 'oslopolicy-sample-generator'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugins_directory), str(REPO)]))
    result = subprocess.run([str(generator), '--config-file',
                             str(REPO / 'etc' / 'nova-policy-generator.conf'),
                             '--output-file', str(output)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    sample = output.read_text()
    for action in ('list', 'create', 'widgetize'):
        assert '#"%s": ' % (hook_plugins.WIDGETS_POLICY % action) in sample
    assert '#"os_compute_api:servers:create": ' in sample


def test_nova_api_refuses_to_start_with_a_clash(plugins_directory, tmp_path):  # noqa: F811
    config = tmp_path / 'nova.conf'
    config.write_text('[DEFAULT]\nosapi_compute_listen = 127.0.0.1\n'
                      'osapi_compute_listen_port = 0\n'
                      '[api]\nauth_strategy = noauth2\nextensions = widgets,action_clash\n')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugins_directory), str(REPO)]))
    result = subprocess.run([str(pathlib.Path(sys.executable).parent / 'nova-api'),
                             '--config-file', str(config)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("API extension 'action_clash': server action 'reboot' "
            "(tests.functional.hook_plugins.widgetize) clashes with the built-in server "
            "action 'reboot' (nova_api.controllers.server_actions.reboot)"
            in result.stdout + result.stderr)
