"""JSON Schemas of POST /servers, per microversion range."""
import copy

from nova_api.schemas import parameter_types

_name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'^(?! )[\S ]*(?<! )$'}
_description = {'type': ['string', 'null'], 'maxLength': 255}
_metadata = {'type': 'object', 'patternProperties': {
    '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255}},
    'additionalProperties': False}
_positive_int = parameter_types.positive_integer
_uuid = parameter_types.uuid
_network = {'type': 'object', 'properties': {
    'fixed_ip': {'type': 'string', 'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]},
    'port': {'type': ['string', 'null']},
    'uuid': {'type': 'string'}}, 'additionalProperties': False}
_tag = {'type': 'string', 'minLength': 1, 'maxLength': 60, 'pattern': '^[^,/]*$'}
# A device tag on a networks entry: 2.32 to 2.36, lost in 2.37 with the
# get-me-a-network rewrite of the schema and restored in 2.42, as in Nova.
_tagged_network = copy.deepcopy(_network)
_tagged_network['properties']['tag'] = _tag
# Only the mapping a client sends for a plain image boot (the image copied to
# a local root disk) is accepted: there is no block storage service here.
_block_device_mapping = {'type': 'object', 'properties': {
    'source_type': {'type': 'string', 'enum': ['image', 'volume', 'snapshot', 'blank']},
    'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
    'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'boot_index': {'type': ['integer', 'string', 'null']},
    'delete_on_termination': {'type': ['boolean', 'string']},
    'device_name': {'type': ['string', 'null']},
    'device_type': {'type': ['string', 'null']},
    'disk_bus': {'type': ['string', 'null']},
    'guest_format': {'type': ['string', 'null']},
    'volume_size': {'type': ['integer', 'string', 'null']},
    'volume_type': {'type': ['string', 'null']},
    'no_device': {},
    'tag': {'type': 'string', 'maxLength': 60},
}, 'additionalProperties': False}
# One server uuid or a list of them, as Nova's same_host / different_host.
_server_uuids = {'oneOf': [_uuid, {'type': 'array', 'items': _uuid}]}
_hints = {'type': 'object', 'properties': {
    'same_host': _server_uuids, 'different_host': _server_uuids,
    'group': _uuid,
}, 'additionalProperties': True}
_hostname = {'type': 'string', 'minLength': 2, 'maxLength': 255,
             'pattern': '^[a-zA-Z0-9-._]*$'}

_server_v21 = {
    'type': 'object',
    'properties': {
        'name': _name,
        'imageRef': {'type': 'string', 'maxLength': 255},
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
        'adminPass': {'type': 'string'},
        'metadata': _metadata,
        'networks': {'type': 'array', 'items': _network},
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'accessIPv4': {'type': 'string', 'format': 'ipv4'},
        'accessIPv6': {'type': 'string', 'format': 'ipv6'},
        'availability_zone': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'key_name': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'user_data': {'type': 'string', 'format': 'base64', 'maxLength': 65535},
        'security_groups': {'type': 'array', 'items': {
            'type': 'object', 'properties': {'name': {'type': 'string'}},
            'additionalProperties': False}},
        'config_drive': {'type': ['boolean', 'string']},
        'min_count': _positive_int,
        'max_count': _positive_int,
        'return_reservation_id': {'type': ['boolean', 'string'],
                                  'enum': [True, False, 'True', 'False', 'true', 'false']},
        'block_device_mapping_v2': {'type': 'array', 'items': _block_device_mapping},
    },
    'required': ['name', 'flavorRef'],
    'additionalProperties': False,
}


def _body(server):
    return {
        'type': 'object',
        'properties': {
            'server': server,
            'OS-SCH-HNT:scheduler_hints': _hints,
        },
        'required': ['server'],
        'additionalProperties': False,
    }


def _extend(base, required=None, **properties):
    server = copy.deepcopy(base)
    server['properties'].update(properties)
    if required:
        server['required'] = server['required'] + required
    return server


_server_v219 = _extend(_server_v21, description=_description)
_server_v232 = _extend(_server_v219, networks={'type': 'array', 'items': _tagged_network})
_server_v237 = _extend(_server_v219, required=['networks'], networks={
    'oneOf': [{'type': 'array', 'items': _network},
              {'type': 'string', 'enum': ['none', 'auto']}]})
_server_v242 = _extend(_server_v237, networks={
    'oneOf': [{'type': 'array', 'items': _tagged_network},
              {'type': 'string', 'enum': ['none', 'auto']}]})
_server_v252 = _extend(_server_v242, tags={'type': 'array', 'items': _tag, 'maxItems': 50})
_server_v263 = _extend(_server_v252, trusted_image_certificates={
    'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50, 'uniqueItems': True,
    'items': {'type': 'string', 'minLength': 1}})
_server_v274 = _extend(_server_v263, host={'type': 'string', 'minLength': 1},
                       hypervisor_hostname={'type': 'string', 'minLength': 1})
_server_v290 = _extend(_server_v274, hostname=_hostname)

create = _body(_server_v21)
create_v219 = _body(_server_v219)
create_v232 = _body(_server_v232)
create_v237 = _body(_server_v237)
create_v242 = _body(_server_v242)
create_v252 = _body(_server_v252)
create_v263 = _body(_server_v263)
create_v274 = _body(_server_v274)
create_v290 = _body(_server_v290)
