"""Authorizing network API calls the way Neutron does.

An action (``create_port``) is checked against the resource as the API
shows it; then every attribute the request sets to something other than
its default is checked against ``<action>:<attribute>`` when such a rule
exists (``create_port:binding:host_id``), and for ``fixed_ips`` against
``:ip_address`` and ``:subnet_id`` too. A caller who may not even read a
resource is told it does not exist (404), as Neutron does; one who may read
it but not change it gets 403. On the way out, attributes whose
``get_<resource>:<attribute>`` rule fails are removed.
"""
from nova_common import policy as nova_policy
from nova_network import exceptions


def _enforcer():
    return nova_policy.get_enforcer()


def check(context, action, target):
    """Whether ``context`` may do ``action`` on ``target``. An attribute's
    action (``create_port:name``) that no rule names is allowed; an
    action's own rule (``create_port``) must be registered."""
    enforcer = _enforcer()
    enforcer.load_rules()
    if ':' in action and action not in enforcer.rules:
        return True
    return enforcer.authorize(action, target, context.to_policy_values())


def enforce(context, action, target, body=None, defaults=None, not_found=None):
    """Raise unless ``context`` may do ``action`` (create_x, update_x,
    delete_x) on ``target`` with the attributes of ``body``.

    ``not_found``: the error to raise instead of 403 when the caller may not
    read the resource either (updates and deletes of what they cannot see).
    """
    defaults = defaults or {}
    checks = [action]
    for name, value in (body or {}).items():
        if name in defaults and value == defaults[name]:
            continue
        checks.append('%s:%s' % (action, name))
        if name == 'fixed_ips' and isinstance(value, list):
            for key in ('ip_address', 'subnet_id'):
                if any(isinstance(ip, dict) and key in ip for ip in value):
                    checks.append('%s:fixed_ips:%s' % (action, key))
    for name in checks:
        if not check(context, name, target):
            if not_found is not None:
                resource = action.split('_', 1)[1]
                if not check(context, 'get_' + resource, target):
                    raise not_found
            raise exceptions.PolicyNotAuthorized(action=name)


def visible(context, resource, target):
    return check(context, 'get_' + resource, target)


def strip_hidden(context, resource, item, target):
    """``item`` without the attributes the caller may not read."""
    return {name: value for name, value in item.items()
            if ':' not in name or check(context, 'get_%s:%s' % (resource, name), target)}
