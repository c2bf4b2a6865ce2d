"""Request schemas of /flavors, os-flavor-access and os-extra_specs."""
import copy

from nova_api.schemas import parameter_types

SORT_KEYS = ['created_at', 'description', 'disabled', 'ephemeral_gb',
             'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb',
             'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus']
SORT_DIRS = ['asc', 'desc']

index_query = {
    'type': 'object',
    'properties': {
        'limit': parameter_types.multi_params(parameter_types.non_negative_integer),
        'marker': parameter_types.multi_params({'type': 'string'}),
        'is_public': parameter_types.multi_params({'type': 'string'}),
        'minRam': parameter_types.multi_params({'type': 'string'}),
        'minDisk': parameter_types.multi_params({'type': 'string'}),
        'sort_key': parameter_types.multi_params({'type': 'string', 'enum': SORT_KEYS}),
        'sort_dir': parameter_types.multi_params({'type': 'string', 'enum': SORT_DIRS}),
    },
    # Unknown parameters are ignored before 2.75 and refused from it on.
    'additionalProperties': True,
}

index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

_int_param = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
    'maximum': parameter_types.MAX_INT,
}
_positive = dict(_int_param, minimum=1)
_non_negative = dict(_int_param, minimum=0)

# The description column is TEXT (64 KiB); no control characters.
description = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 65535,
    'pattern': '^[%s]*$' % parameter_types.printable_range(),
}

create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'id': {
                    'type': ['string', 'number', 'null'],
                    'minLength': 1, 'maxLength': 255,
                    'pattern': '^(?! )[a-zA-Z0-9. _-]+(?<! )$',
                },
                'ram': _positive,
                'vcpus': _positive,
                'disk': _non_negative,
                'OS-FLV-EXT-DATA:ephemeral': _non_negative,
                'swap': _non_negative,
                'rxtx_factor': {
                    'type': ['number', 'string'],
                    'pattern': r'^[0-9]+(\.[0-9]+)?$',
                    'minimum': 0, 'exclusiveMinimum': True,
                    'maximum': parameter_types.SQL_SP_FLOAT_MAX,
                },
                'os-flavor-access:is_public': parameter_types.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

create_v255 = copy.deepcopy(create)
create_v255['properties']['flavor']['properties']['description'] = description

update_v255 = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': description},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}


def _tenant_action(action):
    return {
        'type': 'object',
        'properties': {
            action: {
                'type': 'object',
                'properties': {
                    'tenant': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                },
                'required': ['tenant'],
                'additionalProperties': False,
            },
        },
        'required': [action],
        'additionalProperties': False,
    }


add_tenant_access = _tenant_action('addTenantAccess')
remove_tenant_access = _tenant_action('removeTenantAccess')

EXTRA_SPEC_KEY_PATTERN = '^[a-zA-Z0-9-_:. ]{1,255}$'

_extra_specs = {
    'type': 'object',
    'patternProperties': {
        EXTRA_SPEC_KEY_PATTERN: {'type': ['string', 'number'], 'maxLength': 255},
    },
    'additionalProperties': False,
}

extra_specs_create = {
    'type': 'object',
    'properties': {'extra_specs': _extra_specs},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

extra_spec_update = dict(copy.deepcopy(_extra_specs), minProperties=1, maxProperties=1)
