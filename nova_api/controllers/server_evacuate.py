"""The ``evacuate`` server action (registered in server_actions.ACTIONS),
as Nova's: administrators only (os_compute_api:os-evacuate), 200; the
work is in nova_api/compute/evacuate.py.

The body: ``host`` (optional), ``adminPass``, ``onSharedStorage``
(required before 2.14, refused from it), ``force`` (2.29 to 2.67: send
the server to ``host`` without the scheduler; before 2.29 a named host is
always forced, from 2.68 never). From 2.95 the server ends SHUTOFF. Below
2.14 the answer is ``{"adminPass": ...}`` while [api]
enable_instance_password is on; otherwise it has no body.
"""
from oslo_utils import strutils

from nova_api.compute import evacuate as compute_evacuate
from nova_api import handler
from nova_api.schemas import evacuate as schemas
from nova_api import validation
from nova_common.conf import CONF
from nova_common import exception
from nova_common.policies import evacuate as evacuate_policies
from nova_common import policy

FORCE_FROM = '2.29'
STOPPED_FROM = '2.95'


def _password(req, body):
    """The admin password: before 2.14 none for a server on shared
    storage (400 when one is given), as Nova."""
    if req.at_least('2.14'):
        return body.get('adminPass') or compute_evacuate.generate_password()
    on_shared_storage = strutils.bool_from_string(body['onSharedStorage'])
    if 'adminPass' in body:
        if on_shared_storage:
            raise exception.Invalid("admin password can't be changed on existing disk")
        return body['adminPass']
    return None if on_shared_storage else compute_evacuate.generate_password()


def _forced(req, body, host):
    if not req.at_least(FORCE_FROM):
        return host is not None
    force = strutils.bool_from_string(body.get('force', False), strict=True)
    if force and not host:
        raise exception.Invalid("Can't force to a non-provided destination")
    return force


@handler.response(200)
@validation.body(schemas.evacuate, '2.1', '2.13')
@validation.body(schemas.evacuate_v214, '2.14', '2.28')
@validation.body(schemas.evacuate_v229, '2.29', '2.67')
@validation.body(schemas.evacuate_v268, '2.68')
def evacuate(req, instance, argument):
    policy.authorize(req.context, evacuate_policies.POLICY,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    host = argument.get('host')
    force = _forced(req, argument, host)
    password = _password(req, argument)
    target_state = compute_evacuate.TARGET_STOPPED if req.at_least(STOPPED_FROM) else None
    compute_evacuate.evacuate(req.context, instance, host, force, target_state)
    if not req.at_least('2.14') and CONF.api.enable_instance_password:
        return {'adminPass': password}
    return None


# action name -> (handler, min_version, max_version), merged into
# server_actions.ACTIONS.
ACTIONS = {
    'evacuate': (evacuate, None, None),
}
