"""JSON Schemas of POST /servers/{server_id}/os-interface."""
import copy

_ip_address = {'type': 'string', 'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}
_tag = {'type': 'string', 'minLength': 1, 'maxLength': 60, 'pattern': '^[^,/]*$'}

create = {
    'type': 'object',
    'properties': {
        'interfaceAttachment': {
            'type': 'object',
            'properties': {
                'net_id': {'type': 'string', 'format': 'uuid'},
                'port_id': {'type': 'string', 'format': 'uuid'},
                'fixed_ips': {
                    'type': 'array', 'minItems': 1, 'maxItems': 1,
                    'items': {'type': 'object',
                              'properties': {'ip_address': _ip_address},
                              'required': ['ip_address'],
                              'additionalProperties': False}},
            },
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}

create_v249 = copy.deepcopy(create)
create_v249['properties']['interfaceAttachment']['properties']['tag'] = _tag
