"""The oslo.policy enforcer and the one way to authorize an API call."""
import threading
import time

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from nova_common import exception
from nova_common import policies

_lock = threading.Lock()
_enforcer = None
# Rule defaults of API extensions (nova_api/api_extensions.py), by name:
# registered with every enforcer made from now on.
_extension_rules = {}

# oslo.policy looks for new or changed policy files on every check: a dozen
# file system lookups per check when there is none. Once a second will do.
POLICY_FILE_CHECK_SECONDS = 1.0


class _Enforcer(oslo_policy.Enforcer):
    """oslo.policy's Enforcer, looking at the policy files at most every
    POLICY_FILE_CHECK_SECONDS (an edited policy.yaml still takes effect
    without a restart)."""

    _files_checked_at = None

    def load_rules(self, force_reload=False):
        now = time.monotonic()
        if (not force_reload and self._files_checked_at is not None
                and now - self._files_checked_at < POLICY_FILE_CHECK_SECONDS):
            return
        super().load_rules(force_reload)
        self._files_checked_at = now


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
            _enforcer = _Enforcer(cfg.CONF)
            _enforcer.register_defaults(policies.list_rules())
            _enforcer.register_defaults(list(_extension_rules.values()))
            _enforcer.load_rules()
        return _enforcer


def register_rules(rules):
    """Add the rule defaults of an API extension; a rule already known by
    that name stays as it is."""
    with _lock:
        for rule in rules:
            if rule.name in _extension_rules:
                continue
            _extension_rules[rule.name] = rule
            if _enforcer is not None:
                _enforcer.register_default(rule)


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
