"""DELETE /servers/{server_id}."""
from nova_api.compute import deferred_delete
from nova_api.compute import delete as compute_delete
from nova_api.compute import lookup
from nova_api.compute import state_checks
from nova_api import handler
from nova_common import policy


@handler.response(204)
def delete(req, server_id):
    instance = lookup.get_server(req.context, server_id)
    policy.authorize(req.context, 'os_compute_api:servers:delete',
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    state_checks.check_lock(req.context, instance)
    if deferred_delete.enabled():
        deferred_delete.delete(req.context, instance)
    else:
        compute_delete.delete_server(req.context, instance)


ROUTES = [
    ('DELETE', '/servers/{server_id}', delete),
]
