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
    # The provider extension (Neutron's lengths); nova_network/segments.py
    # validates the combination.
    'provider:network_type': {'type': 'string', 'maxLength': 32},
    'provider:physical_network': {'type': ['string', 'null'], 'maxLength': 64},
    # An integer or its text (the openstack CLI sends text), as Neutron's
    # convert_to_int.
    'provider:segmentation_id': {'type': ['integer', 'string', 'null'], 'maxLength': 16},
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
