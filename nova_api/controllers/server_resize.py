"""The ``resize``, ``confirmResize``, ``revertResize`` and ``migrate``
server actions (registered in server_actions.ACTIONS); the work is in
nova_api/compute/resize.py. Each answers 202 with no body, as Nova."""
from nova_api.compute import resize as compute_resize
from nova_api import handler
from nova_api.schemas import migrate_server as schemas
from nova_api import validation
from nova_common.policies import migrate_server as policies
from nova_common import policy

HOST_VERSION = '2.56'


def _target(instance):
    return {'project_id': instance['project_id'], 'user_id': instance['user_id']}


@handler.response(202)
@validation.body(schemas.resize)
def resize(req, instance, argument):
    policy.authorize(req.context, policies.SERVERS % 'resize', _target(instance))
    compute_resize.resize(req.context, instance, argument['flavorRef'],
                          argument.get('OS-DCF:diskConfig'))


@handler.response(202)
def confirm_resize(req, instance, argument):
    policy.authorize(req.context, policies.SERVERS % 'confirm_resize', _target(instance))
    compute_resize.confirm_resize(req.context, instance)


@handler.response(202)
def revert_resize(req, instance, argument):
    policy.authorize(req.context, policies.SERVERS % 'revert_resize', _target(instance))
    compute_resize.revert_resize(req.context, instance)


@handler.response(202)
@validation.body(schemas.migrate_v256, HOST_VERSION)
def migrate(req, instance, argument):
    """Before 2.56 the body's value is ignored; from it, it may name a
    destination ``host`` (its own policy rule)."""
    policy.authorize(req.context, policies.MIGRATE, _target(instance))
    host = None
    if req.at_least(HOST_VERSION) and argument:
        host = argument.get('host')
    if host:
        policy.authorize(req.context, policies.MIGRATE_HOST, _target(instance))
    compute_resize.migrate(req.context, instance, host)


# action name -> (handler, min_version, max_version), merged into
# server_actions.ACTIONS.
ACTIONS = {
    'resize': (resize, None, None),
    'confirmResize': (confirm_resize, None, None),
    'revertResize': (revert_resize, None, None),
    'migrate': (migrate, None, None),
}
