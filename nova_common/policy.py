"""The oslo.policy enforcer and the one way to authorize an API call."""
import threading

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from nova_common import exception
from nova_common import policies

_lock = threading.Lock()
_enforcer = None


def get_enforcer():
    """Entry point for oslopolicy-sample-generator and friends."""
    try:
        cfg.CONF.config_file
    except cfg.NoSuchOptError:
        # Called by the oslopolicy-* tools before any config was loaded.
        cfg.CONF([], project='nova')
    return _get_enforcer()


def _get_enforcer():
    global _enforcer
    with _lock:
        if _enforcer is None:
            _enforcer = oslo_policy.Enforcer(cfg.CONF)
            _enforcer.register_defaults(policies.list_rules())
            _enforcer.load_rules()
        return _enforcer


def reset():
    global _enforcer
    with _lock:
        if _enforcer is not None:
            _enforcer.clear()
        _enforcer = None


def authorize(context, action, target=None):
    """Raise PolicyNotAuthorized (403) unless ``context`` may do ``action``.

    ``target`` defaults to the caller's own project and user, which is what
    project-scoped rules compare against.
    """
    if target is None:
        target = {'project_id': context.project_id, 'user_id': context.user_id}
    credentials = context.to_policy_values()
    try:
        return _get_enforcer().authorize(
            action, target, credentials, do_raise=True,
            exc=exception.PolicyNotAuthorized, action=action)
    except oslo_policy.InvalidScope:
        raise exception.PolicyNotAuthorized(action=action)


def check_is_admin(context):
    """Whether the context's roles pass the ``context_is_admin`` rule."""
    credentials = context.to_policy_values()
    return _get_enforcer().authorize('context_is_admin', {}, credentials)
