"""Bodies of /v2.0/security-groups and /v2.0/security-group-rules."""
from nova_network.schemas import types

_group = {
    'name': types.name,
    'description': types.description,
    'stateful': types.boolean,
}

create_group = {'type': 'object', 'properties': dict(_group, **{
    'project_id': types.project_id, 'tenant_id': types.project_id})}

update_group = {'type': 'object', 'properties': _group}

_port = {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 65535}

create_rule = {
    'type': 'object',
    'properties': {
        'security_group_id': types.uuid,
        'direction': {'type': 'string', 'enum': ['ingress', 'egress']},
        'ethertype': {'type': 'string', 'enum': ['IPv4', 'IPv6']},
        'protocol': {'type': ['string', 'integer', 'null'], 'maxLength': 40},
        'port_range_min': _port,
        'port_range_max': _port,
        'remote_ip_prefix': {'type': ['string', 'null'], 'maxLength': 64},
        'remote_group_id': {'type': ['string', 'null'], 'maxLength': 36},
        'description': types.description,
        'project_id': types.project_id,
        'tenant_id': types.project_id,
    },
    'required': ['security_group_id', 'direction'],
}
