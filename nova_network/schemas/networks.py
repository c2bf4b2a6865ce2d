"""Bodies of POST and PUT /v2.0/networks (the inner ``network`` object)."""
from nova_network.schemas import types

_attributes = {
    'name': types.name,
    'description': types.description,
    'admin_state_up': types.boolean,
    'shared': types.boolean,
    'mtu': {'type': 'integer', 'minimum': 68, 'maximum': 65535},
    # Only internal networks: no external (router gateway) networks here.
    'router:external': {'type': 'boolean', 'enum': [False]},
}

create = {
    'type': 'object',
    'properties': dict(_attributes, **{
        'project_id': types.project_id,
        'tenant_id': types.project_id,
        'availability_zone_hints': {'type': 'array', 'maxItems': 0},
    }),
}

update = {'type': 'object', 'properties': _attributes}
