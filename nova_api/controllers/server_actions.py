"""POST /servers/{server_id}/action: one body key names the action.

Each action is a handler ``func(req, instance, argument)`` registered in
ACTIONS with the microversion range in which it exists.
"""
from nova_api.compute import delete as compute_delete
from nova_api.compute import lookup
from nova_api.compute import state_checks
from nova_api import handler
from nova_api import microversion
from nova_common import exception
from nova_common import policy


def _target(instance):
    return {'project_id': instance['project_id'], 'user_id': instance['user_id']}


@handler.response(202)
def force_delete(req, instance, argument):
    policy.authorize(req.context, 'os_compute_api:os-deferred-delete:force', _target(instance))
    state_checks.check_lock(req.context, instance)
    compute_delete.delete_server(req.context, instance)


# action name -> (handler, min_version, max_version)
ACTIONS = {
    'forceDelete': (force_delete, None, None),
}


def action(req, server_id):
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.Invalid('There is not exactly one action in the request body.')
    name, argument = next(iter(body.items()))
    entry = ACTIONS.get(name)
    if entry is None or not _serves(entry, req.version):
        raise exception.Invalid('There is no such action: %s' % name)
    func = entry[0]
    instance = lookup.get_server(req.context, server_id)
    return handler.Reply(getattr(func, 'response_status', 200), func(req, instance, argument))


def _serves(entry, version):
    _func, low, high = entry
    return ((low is None or version >= microversion.APIVersion(low)) and
            (high is None or version <= microversion.APIVersion(high)))


ROUTES = [
    ('POST', '/servers/{server_id}/action', action),
]
