"""Hooks (nova_common/hooks.py) from real entry points, with the real API
and the conductor, scheduler and compute managers in-process: every
compute point in order with plain data, ordering of several hooks, a hook
that raises or hangs never failing or blocking the operation, a create
hook refusing with 400/403 (and nothing written), and a hook name that is
not installed stopping the start."""
import logging
import time

import pytest

from nova_api import app as api_app
from nova_common.conf import CONF
from nova_common import exception
from nova_common import hooks
from tests.functional import hook_plugins
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import VERSION
from tests.functional.test_power_actions import wait_settled


@pytest.fixture(scope='session')
def plugins_directory(tmp_path_factory):
    """One directory for the session: stevedore caches the entry points
    of each sys.path it sees, on disk."""
    directory = tmp_path_factory.mktemp('plugins')
    hook_plugins.install(directory)
    return directory


@pytest.fixture
def plugins(plugins_directory, monkeypatch):
    monkeypatch.syspath_prepend(str(plugins_directory))
    hook_plugins.CALLS.clear()
    hook_plugins.RELEASE.clear()
    yield hook_plugins
    hook_plugins.RELEASE.set()


def _points(name='recorder', uuid=None):
    return [point for hook, point, _context, subject, _details in hook_plugins.CALLS
            if hook == name and (uuid is None or subject.get('uuid') == uuid)]


def _delete(cloud, uuid):
    cloud.delete('/v2.1/servers/%s' % uuid, token=DEMO, status=204)
    wait_for(lambda: cloud.get('/v2.1/servers/%s' % uuid, token=DEMO).status_int == 404,
             what='server %s to go' % uuid)


def test_every_compute_point_in_order_with_plain_data(plugins, running):
    CONF.set_override('compute_hooks', ['recorder', 'second'], group='hooks')
    uuid = boot(running)
    act(running, uuid, {'os-stop': None})
    wait_settled(running, uuid, 'SHUTOFF')
    act(running, uuid, {'os-start': None})
    wait_settled(running, uuid, 'ACTIVE')
    request = act(running, uuid, {'reboot': {'type': 'HARD'}})
    wait_settled(running, uuid, 'ACTIVE')
    _delete(running, uuid)
    wait_for(lambda: 'after_delete' in _points('second'), what='the after_delete hooks')

    expected = ['before_build', 'after_build', 'before_power_off', 'after_power_off',
                'before_power_on', 'after_power_on', 'before_reboot', 'after_reboot',
                'before_delete', 'after_delete']
    assert _points('recorder', uuid) == expected
    # Configured order: every point runs "recorder" then "second".
    assert [(hook, point) for hook, point, *_ in hook_plugins.CALLS] == [
        (hook, point) for point in expected for hook in ('recorder', 'second')]
    # Each hook gets plain, private copies: the first one's change to
    # the instance does not reach the second.
    for hook, point, context, instance, details in hook_plugins.CALLS:
        assert 'mutated_by_hook' not in instance, (hook, point)
        assert instance['uuid'] == uuid and details == {}
        assert set(context) == {'request_id', 'global_request_id', 'project_id', 'user_id',
                                'roles', 'is_admin'}
        assert context['project_id'] == 'demo' and context['user_id'] == 'demo'
    after_build = next(c for c in hook_plugins.CALLS if c[1] == 'after_build')
    assert after_build[3]['vm_state'] == 'active' and after_build[3]['host'] == 'test-host'
    reboot = next(c for c in hook_plugins.CALLS if c[1] == 'before_reboot')
    assert reboot[2]['request_id'] == request.headers['x-openstack-request-id']


def test_failure_points_get_the_error(plugins, running):
    CONF.set_override('compute_hooks', ['recorder'], group='hooks')
    uuid = boot(running)
    CONF.set_override('fail_operations', ['power_off'], group='fake_driver')
    act(running, uuid, {'os-stop': None})
    wait_for(lambda: 'power_off_failed' in _points(uuid=uuid), what='power_off_failed')
    [(_hook, _point, _context, _instance, details)] = [
        call for call in hook_plugins.CALLS if call[1] == 'power_off_failed']
    assert details == {'error': 'Injected power_off failure'}
    assert 'after_power_off' not in _points(uuid=uuid)

    CONF.set_override('fail_spawn_on_nodes', ['test-host'], group='fake_driver')
    server = {'name': 'doomed', 'imageRef': running.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    doomed = running.post('/v2.1/servers', {'server': server}, token=DEMO, version=VERSION,
                          status=202).json['server']['id']
    wait_for(lambda: show(running, doomed)['status'] == 'ERROR', what='the build to fail')
    assert _points(uuid=doomed) == ['before_build', 'build_failed']
    [failed] = [call for call in hook_plugins.CALLS if call[1] == 'build_failed']
    assert 'Injected spawn failure' in failed[4]['error']


def test_rebuild_rescue_and_snapshot_have_their_points(plugins, running):
    CONF.set_override('compute_hooks', ['recorder'], group='hooks')
    uuid = boot(running)
    act(running, uuid, {'rebuild': {'imageRef': running.image_id}})
    wait_settled(running, uuid, 'ACTIVE')
    act(running, uuid, {'rescue': None}, status=200)
    wait_settled(running, uuid, 'RESCUE')
    act(running, uuid, {'unrescue': None})
    wait_settled(running, uuid, 'ACTIVE')
    act(running, uuid, {'createImage': {'name': 'snap'}})
    wait_for(lambda: 'after_snapshot' in _points(uuid=uuid), what='the after_snapshot hook')
    assert _points(uuid=uuid) == [
        'before_build', 'after_build', 'before_rebuild', 'after_rebuild', 'before_rescue',
        'after_rescue', 'before_unrescue', 'after_unrescue', 'before_snapshot',
        'after_snapshot']


def test_a_raising_hook_is_logged_and_the_next_one_still_runs(plugins, running, caplog):
    CONF.set_override('compute_hooks', ['raising', 'recorder'], group='hooks')
    with caplog.at_level(logging.ERROR, logger='nova_common.hooks'):
        uuid = boot(running)
        _delete(running, uuid)
        wait_for(lambda: 'after_delete' in _points(uuid=uuid), what='the recorder')
    assert _points(uuid=uuid) == ['before_build', 'after_build', 'before_delete',
                                  'after_delete']
    assert 'The after_build hook raising of instance %s failed' % uuid in caplog.text
    assert 'hook failure at after_build' in caplog.text


def test_a_hanging_hook_costs_at_most_the_timeout(plugins, running, caplog):
    CONF.set_override('compute_hooks', ['hanging'], group='hooks')
    CONF.set_override('timeout', 0.3, group='hooks')
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger='nova_common.hooks'):
        uuid = boot(running)
        act(running, uuid, {'os-stop': None})
        wait_settled(running, uuid, 'SHUTOFF')
        _delete(running, uuid)
    # Six points waited for at most 0.3 s each; the hooks still hang.
    assert time.monotonic() - started < 15
    assert ('The before_build hook hanging of instance %s did not finish within 0.3s'
            % uuid) in caplog.text


def test_hook_points_are_skipped_when_every_thread_hangs():
    """The pool never queues without end behind hooks that hang."""
    release = hook_plugins.RELEASE
    release.clear()
    pool = hooks._Pool(1)
    try:
        futures = [pool.submit(lambda: release.wait(10))]
        wait_for(futures[0].running, what='the first call to run')
        futures += [pool.submit(lambda: release.wait(10))
                    for _ in range(hooks.QUEUE_PER_WORKER + 1)]
        # One running, QUEUE_PER_WORKER waiting, the last one refused.
        assert all(f is not None for f in futures[:-1]) and futures[-1] is None
    finally:
        release.set()
    assert all(f.result(timeout=10) for f in futures[:-1])


def test_no_hooks_no_thread(running, monkeypatch):
    used = []
    monkeypatch.setattr(hooks, '_get_pool', lambda: used.append(True))
    uuid = boot(running)
    _delete(running, uuid)
    assert used == []


def _create(cloud, name, status, token=DEMO):
    server = {'name': name, 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    return cloud.post('/v2.1/servers', {'server': server}, token=token, version=VERSION,
                      status=status)


@pytest.fixture
def api_cloud(plugins, cloud):
    add_flavor_and_image(cloud)
    return cloud


def test_create_hook_refusal_is_a_fault_and_writes_nothing(api_cloud):
    CONF.set_override('api_hooks', ['api_recorder', 'refusing'], group='hooks')
    refused = _create(api_cloud, 'refuse-me', 403).json
    assert refused == {'forbidden': {
        'code': 403, 'message': 'Servers named refuse-me are not welcome here (flavor small).'}}
    bad = _create(api_cloud, 'bad-name', 400).json
    assert bad == {'badRequest': {'code': 400, 'message': 'Bad server name bad-name.'}}
    assert api_cloud.get('/v2.1/servers', token=DEMO).json['servers'] == []
    [(_hook, point, context, request, _details)] = hook_plugins.CALLS[:1]
    assert point == 'before_create' and context['project_id'] == 'demo'
    assert request['flavor']['name'] == 'small' and request['server']['name'] == 'refuse-me'
    assert request['image']['id'] == api_cloud.image_id
    assert request['min_count'] == request['max_count'] == 1


def test_create_hook_that_raises_or_hangs_does_not_refuse(api_cloud, caplog):
    CONF.set_override('api_hooks', ['raising_api', 'refusing'], group='hooks')
    with caplog.at_level(logging.ERROR, logger='nova_common.hooks'):
        _create(api_cloud, 'fine', 202)
    assert 'The before_create hook raising_api of the request failed' in caplog.text
    CONF.set_override('api_hooks', ['hanging_api', 'refusing'], group='hooks')
    CONF.set_override('timeout', 0.2, group='hooks')
    started = time.monotonic()
    # The refusing hook waits behind the hanging one: the timeout lets
    # the request through.
    _create(api_cloud, 'refuse-but-late', 202)
    assert time.monotonic() - started < 5


def test_a_hook_that_is_not_installed_stops_the_start(plugins):
    CONF.set_override('api_hooks', ['refusing', 'no_such_hook'], group='hooks')
    with pytest.raises(exception.ConfigError,
                       match='api_hooks: cannot load no_such_hook not installed'):
        api_app.build()
    CONF.set_override('compute_hooks', ['broken'], group='hooks')
    with pytest.raises(exception.ConfigError, match='compute_hooks: cannot load broken'):
        hooks.load(hooks.COMPUTE)


def test_refusal_codes_are_400_or_403():
    with pytest.raises(ValueError):
        hooks.RequestRefused('no', 500)
