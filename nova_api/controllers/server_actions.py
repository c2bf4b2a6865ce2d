"""POST /servers/{server_id}/action: one body key names the action.

Each action is a handler ``func(req, instance, argument)`` registered in
ACTIONS with the microversion range in which it exists. A handler's
``@validation.body`` schemas apply to the whole request body, before the
server is looked up (a bad body is 400 even for a missing server, as in
Nova).
"""
import webob

from nova_api.compute import console_output
from nova_api.compute import deferred_delete
from nova_api.compute import delete as compute_delete
from nova_api.compute import lock as compute_lock
from nova_api.compute import lookup
from nova_api.compute import power
from nova_api.compute import reset_state as compute_reset_state
from nova_api.compute import state_checks
from nova_api.controllers import multinic
from nova_api.controllers import security_groups
from nova_api.controllers import server_evacuate
from nova_api.controllers import server_images
from nova_api.controllers import server_live_migrate
from nova_api.controllers import server_rebuild
from nova_api.controllers import server_resize
from nova_api import handler
from nova_api import microversion
from nova_api.schemas import server_actions as schemas
from nova_api import validation
from nova_common import exception
from nova_common.policies import admin_actions as admin_action_policies
from nova_common.policies import console_output as console_policies
from nova_common.policies import lock_server as lock_policies
from nova_common.policies import pause_server as pause_policies
from nova_common.policies import server_power as power_policies
from nova_common.policies import suspend_server as suspend_policies
from nova_common import policy

LOCKED_REASON_VERSION = '2.73'


def _target(instance):
    return {'project_id': instance['project_id'], 'user_id': instance['user_id']}


def _authorize(req, rule, instance):
    policy.authorize(req.context, rule, _target(instance))


@handler.response(202)
def force_delete(req, instance, argument):
    policy.authorize(req.context, 'os_compute_api:os-deferred-delete:force', _target(instance))
    state_checks.check_lock(req.context, instance)
    compute_delete.delete_server(req.context, instance)


@handler.response(202)
def restore(req, instance, argument):
    policy.authorize(req.context, 'os_compute_api:os-deferred-delete:restore',
                     _target(instance))
    deferred_delete.restore(req.context, instance)


def _power_action(rule, perform):
    """The handler of a power action that takes no argument: the policy
    ``rule`` on the server, then ``perform(context, instance)``."""
    @handler.response(202)
    def act(req, instance, argument):
        _authorize(req, rule, instance)
        perform(req.context, instance)
    return act


start = _power_action(power_policies.SERVERS % 'start', power.start)
stop = _power_action(power_policies.SERVERS % 'stop', power.stop)
pause = _power_action(pause_policies.POLICY % 'pause', power.pause)
unpause = _power_action(pause_policies.POLICY % 'unpause', power.unpause)
suspend = _power_action(suspend_policies.POLICY % 'suspend', power.suspend)
resume = _power_action(suspend_policies.POLICY % 'resume', power.resume)


@handler.response(202)
@validation.body(schemas.reboot)
def reboot(req, instance, argument):
    _authorize(req, power_policies.SERVERS % 'reboot', instance)
    power.reboot(req.context, instance, argument['type'].upper())


@handler.response(202)
@validation.body(schemas.lock_v273, LOCKED_REASON_VERSION)
def lock(req, instance, argument):
    """Before 2.73 the body's value is ignored; from it, it may carry a
    locked_reason."""
    _authorize(req, lock_policies.POLICY % 'lock', instance)
    reason = None
    if req.at_least(LOCKED_REASON_VERSION) and argument:
        reason = argument.get('locked_reason')
    compute_lock.lock(req.context, instance, reason)


@handler.response(202)
def unlock(req, instance, argument):
    _authorize(req, lock_policies.POLICY % 'unlock', instance)
    if not compute_lock.is_expected_locker(req.context, instance):
        _authorize(req, lock_policies.POLICY % 'unlock:unlock_override', instance)
    compute_lock.unlock(req.context, instance)


@validation.body(schemas.get_console_output)
def get_console_output(req, instance, argument):
    _authorize(req, console_policies.POLICY, instance)
    length = argument.get('length')
    output = console_output.get_console_output(
        req.context, instance, None if length is None else int(length))
    return {'output': output}


@handler.response(202)
@validation.body(schemas.reset_state)
def reset_state(req, instance, argument):
    _authorize(req, admin_action_policies.POLICY % 'reset_state', instance)
    compute_reset_state.reset_state(req.context, instance, argument['state'])


# action name -> (handler, min_version, max_version)
ACTIONS = {
    'forceDelete': (force_delete, None, None),
    'restore': (restore, None, None),
    'os-start': (start, None, None),
    'os-stop': (stop, None, None),
    'reboot': (reboot, None, None),
    'pause': (pause, None, None),
    'unpause': (unpause, None, None),
    'suspend': (suspend, None, None),
    'resume': (resume, None, None),
    'lock': (lock, None, None),
    'unlock': (unlock, None, None),
    'os-getConsoleOutput': (get_console_output, None, None),
    'os-resetState': (reset_state, None, None),
}
ACTIONS.update(server_images.ACTIONS)
ACTIONS.update(server_rebuild.ACTIONS)
ACTIONS.update(server_resize.ACTIONS)
ACTIONS.update(security_groups.ACTIONS)
ACTIONS.update(multinic.ACTIONS)
ACTIONS.update(server_evacuate.ACTIONS)
ACTIONS.update(server_live_migrate.ACTIONS)


def action(req, server_id, actions=ACTIONS):
    """Route to the action the body names; ``actions``: ACTIONS and, when
    API extensions add some, theirs (nova_api/api_extensions.py)."""
    name, argument = handler.one_action(req.body)
    entry = actions.get(name)
    if entry is None or not _serves(entry, req.version):
        raise exception.Invalid('There is no such action: %s' % name)
    func = entry[0]
    validation.validate_request(func, req)
    instance = lookup.get_server(req.context, server_id)
    result = func(req, instance, argument)
    if isinstance(result, webob.Response):
        return result
    return handler.Reply(getattr(func, 'response_status', 200), result)


def _serves(entry, version):
    _func, low, high = entry
    return ((low is None or version >= microversion.APIVersion(low)) and
            (high is None or version <= microversion.APIVersion(high)))


ROUTES = [
    ('POST', '/servers/{server_id}/action', action),
]
