"""API extensions: packages that add routes and server actions to the
compute API without touching it.

A ``nova.api.extensions`` entry point names a module (or any object) with
any of:

- ``ROUTES``: [(method, path, handler[, min_version[, max_version]])], as a
  controller module lists them (nova_api/routes.py); handlers take
  ``(req, **path_vars)`` and use ``@validation.body``/``@validation.query``
  and ``policy.authorize`` as the built-in ones do;
- ``ACTIONS``: {name: (handler, min_version, max_version)} of server
  actions (POST /servers/{server_id}/action), as
  nova_api/controllers/server_actions.py has them; handlers take
  ``(req, instance, argument)``;
- ``list_rules()``: its oslo.policy rule defaults.

``[api] extensions`` enables them by entry point name (none by default:
installing a package never changes the API by itself). They are mounted in
the one route table, behind the same microversion, validation and fault
handling; their policy rules are registered with the enforcer, and
``list_rules`` here gives oslopolicy-sample-generator (namespace
``nova.extensions``) those of every installed extension. A route that
clashes with one already there (same method and path, or a path a route
before it already answers), a server action or a policy rule of the same
name is refused at start-up with a ConfigError naming both.
"""
import dataclasses
import functools
import re

from oslo_log import log as logging
import stevedore
from stevedore import named

from nova_api import router
from nova_common import exception
from nova_common import policies
from nova_common import policy

LOG = logging.getLogger(__name__)

NAMESPACE = 'nova.api.extensions'
ACTION_ROUTE = ('POST', '/servers/{server_id}/action')
METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE')
_PLACEHOLDER = re.compile(r'\{\w+\}')


@dataclasses.dataclass
class Extension:
    name: str
    routes: list
    actions: dict
    rules: list


def _from_plugin(name, plugin):
    """The Extension an entry point's object describes; ConfigError when
    it is not one."""
    try:
        routes = [tuple(entry) for entry in getattr(plugin, 'ROUTES', ())]
        actions = dict(getattr(plugin, 'ACTIONS', {}))
        list_rules = getattr(plugin, 'list_rules', None)
        rules = list(list_rules()) if list_rules is not None else []
    except Exception as error:  # noqa: BLE001 - whatever is wrong, it cannot be mounted
        raise exception.ConfigError(reason='API extension %r is not usable: %s' % (name, error))
    for entry in routes:
        if (not 3 <= len(entry) <= 5 or entry[0] not in METHODS
                or not str(entry[1]).startswith('/') or not callable(entry[2])):
            raise exception.ConfigError(
                reason='API extension %r has a route that is not (method, path, handler'
                       '[, min_version[, max_version]]): %r' % (name, entry))
    for action_name, entry in actions.items():
        if not (isinstance(entry, tuple) and len(entry) == 3 and callable(entry[0])):
            raise exception.ConfigError(
                reason='API extension %r: server action %r is not (handler, min_version, '
                       'max_version)' % (name, action_name))
    return Extension(name, routes, actions, rules)


def load(names):
    """The Extensions enabled by ``names``, in that order; ConfigError
    naming any that cannot be loaded."""
    if not names:
        return []
    missing = []
    failures = []
    manager = named.NamedExtensionManager(
        NAMESPACE, names=list(names), name_order=True,
        on_missing_entrypoints_callback=missing.extend,
        on_load_failure_callback=lambda _manager, entry_point, error:
            failures.append('%s (%s)' % (entry_point.name, error)))
    if missing or failures:
        problems = ['%s not installed' % name for name in sorted(missing)] + failures
        raise exception.ConfigError(
            reason='[api] extensions: cannot load %s from the "%s" entry points'
            % (', '.join(problems), NAMESPACE))
    return [_from_plugin(extension.name, extension.plugin) for extension in manager]


def _owner(func):
    return '%s.%s' % (getattr(func, '__module__', '?'), getattr(func, '__qualname__', func))


def _check_routes(entries, extensions):
    """ConfigError for an extension route that one before it (built-in or
    of an earlier extension) answers already."""
    known = [(router.Route(*entry[:5]), 'the built-in route', entry) for entry in entries]
    for extension in extensions:
        for entry in extension.routes:
            method, path = entry[0], entry[1]
            probe = _PLACEHOLDER.sub('x', path)
            for route, whose, existing in known:
                same = _PLACEHOLDER.sub('{}', route.pattern) == _PLACEHOLDER.sub('{}', path)
                if route.method == method and (same or route.regex.match(probe)):
                    raise exception.ConfigError(
                        reason='API extension %r: route %s %s (%s) clashes with %s %s %s '
                               '(%s)' % (extension.name, method, path, _owner(entry[2]),
                                         whose, existing[0], existing[1],
                                         _owner(existing[2])))
            known.append((router.Route(*entry[:5]),
                          'the route of API extension %r' % extension.name, entry))


def _check_actions(actions, extensions):
    known = {name: 'the built-in server action %r (%s)' % (name, _owner(entry[0]))
             for name, entry in actions.items()}
    for extension in extensions:
        for name, entry in extension.actions.items():
            if name in known:
                raise exception.ConfigError(
                    reason='API extension %r: server action %r (%s) clashes with %s'
                           % (extension.name, name, _owner(entry[0]), known[name]))
            known[name] = 'the server action %r of API extension %r' % (name, extension.name)


def _check_rules(extensions):
    known = {rule.name: 'the built-in policy rule %r' % rule.name
             for rule in policies.list_rules()}
    for extension in extensions:
        for rule in extension.rules:
            if rule.name in known:
                raise exception.ConfigError(
                    reason='API extension %r: policy rule %r clashes with %s'
                           % (extension.name, rule.name, known[rule.name]))
            known[rule.name] = 'the policy rule %r of API extension %r' % (
                rule.name, extension.name)


def mount(entries, actions, extensions):
    """The route table entries with ``extensions`` mounted: ``entries``
    (built-in) then the extensions' routes, the server action route
    serving ``actions`` and theirs; their policy rules registered. Checks
    everything before it changes anything."""
    if not extensions:
        return list(entries)
    _check_routes(entries, extensions)
    _check_actions(actions, extensions)
    _check_rules(extensions)
    all_actions = dict(actions)
    for extension in extensions:
        all_actions.update(extension.actions)
        policy.register_rules(extension.rules)
    mounted = []
    for entry in entries:
        if tuple(entry[:2]) == ACTION_ROUTE and len(all_actions) > len(actions):
            entry = (entry[0], entry[1], functools.partial(entry[2], actions=all_actions)
                     ) + tuple(entry[3:])
        mounted.append(entry)
    for extension in extensions:
        mounted.extend(extension.routes)
        LOG.info('API extension %s mounted: %d routes, %d server actions, %d policy rules',
                 extension.name, len(extension.routes), len(extension.actions),
                 len(extension.rules))
    return mounted


def list_rules():
    """Policy rule defaults of every installed API extension, for
    oslopolicy-sample-generator (namespace ``nova.extensions``); one that
    cannot be loaded is logged and left out."""
    rules = []
    manager = stevedore.ExtensionManager(
        NAMESPACE, on_load_failure_callback=lambda _manager, entry_point, error:
            LOG.warning('API extension %s cannot be loaded: %s', entry_point.name, error))
    for extension in sorted(manager, key=lambda extension: extension.name):
        try:
            rules.extend(_from_plugin(extension.name, extension.plugin).rules)
        except exception.ConfigError as error:
            LOG.warning('%s', error)
    return rules
