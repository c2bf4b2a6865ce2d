"""The ``rebuild``, ``rescue`` and ``unrescue`` server actions
(registered in server_actions.ACTIONS); the work is in
nova_api/compute/rebuild.py and rescue.py.

rebuild answers 202 with the server as it is now (status REBUILD, the new
image), as Nova: below 2.75 the short body of an update plus key_name
(2.54) and user_data (2.57), from 2.75 the whole server; ``adminPass``
when [api] enable_instance_password is on. rescue answers
``{"adminPass": ...}`` (``{}`` with the option off).
"""
from nova_api.compute import lookup
from nova_api.compute import rebuild as compute_rebuild
from nova_api.compute import rescue as compute_rescue
from nova_api.controllers import servers as servers_controller
from nova_api import handler
from nova_api.schemas import rebuild as rebuild_schemas
from nova_api.schemas import rescue as rescue_schemas
from nova_api import validation
from nova_api.views import servers as views
from nova_common.conf import CONF
from nova_common.policies import rescue as rescue_policies
from nova_common.policies import server_rebuild as rebuild_policies
from nova_common import policy

KEY_NAME_VERSION = '2.54'
USER_DATA_VERSION = '2.57'


def _target(instance):
    return {'project_id': instance['project_id'], 'user_id': instance['user_id']}


@handler.response(202)
@validation.body(rebuild_schemas.rebuild, '2.1', '2.18')
@validation.body(rebuild_schemas.rebuild_v219, '2.19', '2.53')
@validation.body(rebuild_schemas.rebuild_v254, '2.54', '2.56')
@validation.body(rebuild_schemas.rebuild_v257, '2.57', '2.62')
@validation.body(rebuild_schemas.rebuild_v263, '2.63', '2.89')
@validation.body(rebuild_schemas.rebuild_v290, '2.90', '2.93')
@validation.body(rebuild_schemas.rebuild_v294, '2.94')
def rebuild(req, instance, argument):
    target = _target(instance)
    policy.authorize(req.context, rebuild_policies.SERVERS % 'rebuild', target)
    if argument.get('trusted_image_certificates'):
        policy.authorize(req.context, rebuild_policies.SERVERS % 'rebuild:trusted_certs',
                         target)
    password = compute_rebuild.rebuild(req.context, instance, argument)
    instance = lookup.get_server(req.context, instance['uuid'])
    full = req.at_least(views.FULL_UPDATE_VERSION)
    shown = servers_controller._shown(req, [instance], target,
                                      server_groups=req.at_least('2.71'), all_attributes=full)
    body = views.show(req, instance, shown)
    if req.at_least(KEY_NAME_VERSION):
        body['key_name'] = instance.get('key_name')
    if req.at_least(USER_DATA_VERSION):
        body['user_data'] = instance.get('user_data')
    if CONF.api.enable_instance_password:
        body['adminPass'] = password
    return {'server': body}


@handler.response(200)
@validation.body(rescue_schemas.rescue)
def rescue(req, instance, argument):
    policy.authorize(req.context, rescue_policies.RESCUE, _target(instance))
    argument = argument or {}
    password = compute_rescue.rescue(req.context, instance, argument.get('rescue_image_ref'),
                                     argument.get('adminPass'))
    return {'adminPass': password} if CONF.api.enable_instance_password else {}


@handler.response(202)
def unrescue(req, instance, argument):
    policy.authorize(req.context, rescue_policies.UNRESCUE, _target(instance))
    compute_rescue.unrescue(req.context, instance)


# action name -> (handler, min_version, max_version), merged into
# server_actions.ACTIONS.
ACTIONS = {
    'rebuild': (rebuild, None, None),
    'rescue': (rescue, None, None),
    'unrescue': (unrescue, None, None),
}
