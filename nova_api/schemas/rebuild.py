"""Request bodies of the ``rebuild`` server action, per microversion range,
as Nova's schemas define them."""
import copy

from nova_api.schemas import parameter_types
from nova_api.schemas import server_create
from nova_api.schemas import servers

_personality = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'path': {'type': 'string'},
            'contents': {'type': 'string', 'format': 'base64'},
        },
        'additionalProperties': False,
    },
}

_rebuild_v21 = {
    'type': 'object',
    'properties': {
        'name': parameter_types.name,
        'imageRef': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'adminPass': {'type': 'string'},
        'metadata': server_create._metadata,
        'preserve_ephemeral': parameter_types.boolean,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'accessIPv4': {'type': 'string', 'format': 'ipv4'},
        'accessIPv6': {'type': 'string', 'format': 'ipv6'},
        'personality': _personality,
    },
    'required': ['imageRef'],
    'additionalProperties': False,
}


def _body(rebuild):
    return {'type': 'object', 'properties': {'rebuild': rebuild}, 'required': ['rebuild'],
            'additionalProperties': False}


def _extend(base, drop=(), **properties):
    rebuild = copy.deepcopy(base)
    rebuild['properties'].update(properties)
    for name in drop:
        del rebuild['properties'][name]
    return rebuild


_rebuild_v219 = _extend(_rebuild_v21, description=servers.description)
_rebuild_v254 = _extend(_rebuild_v219, key_name={
    'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255})
# 2.57: personality files are gone; user_data (null removes it) replaces them.
_rebuild_v257 = _extend(_rebuild_v254, drop=('personality',), user_data={
    'type': ['string', 'null'], 'format': 'base64', 'maxLength': 65535})
_rebuild_v263 = _extend(_rebuild_v257, trusted_image_certificates={
    'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50, 'uniqueItems': True,
    'items': {'type': 'string', 'minLength': 1}})
_rebuild_v290 = _extend(_rebuild_v263, hostname=servers.hostname)
_rebuild_v294 = _extend(_rebuild_v290, hostname=servers.fqdn)

rebuild = _body(_rebuild_v21)
rebuild_v219 = _body(_rebuild_v219)
rebuild_v254 = _body(_rebuild_v254)
rebuild_v257 = _body(_rebuild_v257)
rebuild_v263 = _body(_rebuild_v263)
rebuild_v290 = _body(_rebuild_v290)
rebuild_v294 = _body(_rebuild_v294)
