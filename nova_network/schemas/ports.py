"""Bodies of POST and PUT /v2.0/ports (the inner ``port`` object)."""
from nova_network.schemas import types

_fixed_ips = {'type': 'array', 'items': {
    'type': 'object',
    'properties': {'subnet_id': types.uuid,
                   'ip_address': {'type': 'string', 'minLength': 1, 'maxLength': 64}},
    'additionalProperties': False, 'minProperties': 1}}

_updatable = {
    'name': types.name,
    'description': types.description,
    'admin_state_up': types.boolean,
    'device_id': types.nullable_string,
    'device_owner': types.nullable_string,
    'fixed_ips': _fixed_ips,
    'security_groups': {'type': 'array', 'items': types.uuid},
    'port_security_enabled': types.boolean,
    'binding:host_id': types.nullable_string,
    'binding:vnic_type': {'type': 'string', 'enum': ['normal']},
    # Opaque to this service (admins only, by policy): Nova keeps a port's
    # device tag in it.
    'binding:profile': {'type': 'object', 'maxProperties': 16},
    'mac_address': {'type': 'string', 'minLength': 1, 'maxLength': 32},
}

create = {
    'type': 'object',
    'properties': dict(_updatable, **{
        'network_id': types.uuid,
        'project_id': types.project_id,
        'tenant_id': types.project_id,
    }),
    'required': ['network_id'],
}

update = {'type': 'object', 'properties': _updatable}
