"""/servers/{server_id}/os-volume_attachments, in a cloud without block
storage: a server has no volume attached, so the list is empty, and any
volume named (to attach, show, update or detach) does not exist (404),
after the body, the server and the policy have been checked as Nova
checks them."""
import copy

from nova_api.compute import lookup
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common import exception
from nova_common.policies import volumes_attachments as attachment_policies
from nova_common import policy

_volume_id = parameter_types.uuid
_device = {'type': ['string', 'null'],
           'pattern': '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'}

_attachment = {
    'type': 'object',
    'properties': {'volumeId': _volume_id, 'device': _device},
    'required': ['volumeId'],
    'additionalProperties': False,
}
_attachment_v249 = copy.deepcopy(_attachment)
_attachment_v249['properties']['tag'] = {'type': 'string', 'minLength': 1, 'maxLength': 60,
                                         'pattern': '^[^,/]*$'}
_attachment_v279 = copy.deepcopy(_attachment_v249)
_attachment_v279['properties']['delete_on_termination'] = parameter_types.boolean


def _body(attachment):
    return {'type': 'object', 'properties': {'volumeAttachment': attachment},
            'required': ['volumeAttachment'], 'additionalProperties': False}


_update = {'type': 'object', 'properties': {'volumeId': _volume_id},
           'required': ['volumeId'], 'additionalProperties': True}

_index_query = {
    'type': 'object',
    'properties': {
        'limit': parameter_types.multi_params(parameter_types.non_negative_integer),
        'offset': parameter_types.multi_params(parameter_types.non_negative_integer),
    },
    'additionalProperties': True,
}
_index_query_v275 = dict(copy.deepcopy(_index_query), additionalProperties=False)


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, attachment_policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


@validation.query(_index_query, '2.1', '2.74')
@validation.query(_index_query_v275, '2.75')
def index(req, server_id):
    _server(req, server_id, 'index')
    return {'volumeAttachments': []}


def show(req, server_id, volume_id):
    _server(req, server_id, 'show')
    raise exception.VolumeBDMNotFound(volume_id=volume_id)


@validation.body(_body(_attachment), '2.1', '2.48')
@validation.body(_body(_attachment_v249), '2.49', '2.78')
@validation.body(_body(_attachment_v279), '2.79')
def create(req, server_id):
    _server(req, server_id, 'create')
    raise exception.VolumeNotFound(volume_id=req.body['volumeAttachment']['volumeId'])


@validation.body(_body(_update))
def update(req, server_id, volume_id):
    _server(req, server_id, 'update')
    raise exception.VolumeBDMNotFound(volume_id=volume_id)


def delete(req, server_id, volume_id):
    _server(req, server_id, 'delete')
    raise exception.VolumeBDMNotFound(volume_id=volume_id)


ROUTES = [
    ('GET', '/servers/{server_id}/os-volume_attachments', index),
    ('POST', '/servers/{server_id}/os-volume_attachments', create),
    ('GET', '/servers/{server_id}/os-volume_attachments/{volume_id}', show),
    ('PUT', '/servers/{server_id}/os-volume_attachments/{volume_id}', update),
    ('DELETE', '/servers/{server_id}/os-volume_attachments/{volume_id}', delete),
]
