"""JSON Schemas of os-services, per microversion range (as Nova's)."""
import copy

from nova_api.schemas import parameter_types

# A host name; underscores are allowed since real hosts have them.
_fqdn = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9-._]*$',
}

_name = {'type': 'string', 'minLength': 1, 'maxLength': 255}

# PUT /os-services/{enable|disable|disable-log-reason}, 2.1 - 2.10.
service_update = {
    'type': 'object',
    'properties': {
        'host': _fqdn,
        'binary': _name,
        'disabled_reason': _name,
    },
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

# 2.11 - 2.52 add PUT /os-services/force-down.
service_update_v211 = copy.deepcopy(service_update)
service_update_v211['properties']['forced_down'] = parameter_types.boolean

# PUT /os-services/{service_uuid}, 2.53+: nothing is required; what was
# asked is checked in code ('disabled_reason' only with status disabled).
service_update_v253 = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': _name,
        'forced_down': parameter_types.boolean,
    },
    'additionalProperties': False,
}

_query_string = parameter_types.multi_params({'type': 'string'})

index_query = {
    'type': 'object',
    'properties': {'host': _query_string, 'binary': _query_string},
    'additionalProperties': True,
}

# 2.75: unknown query parameters are refused.
index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False
