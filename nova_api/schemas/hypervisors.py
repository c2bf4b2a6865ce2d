"""JSON Schemas of the os-hypervisors query strings (as Nova's). Query
values arrive as lists: ?limit=1 is {'limit': ['1']}."""
from nova_api.schemas import parameter_types

# A host name pattern; underscores are allowed since real hosts have them.
_fqdn = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9-._]*$',
}


def _single(schema):
    return dict(parameter_types.multi_params(schema), maxItems=1)


# 2.33 - 2.52: paging; other parameters are ignored.
index_query_v233 = {
    'type': 'object',
    'properties': parameter_types.pagination_parameters,
    'additionalProperties': True,
}

# 2.53+: the search and servers routes became query parameters; anything
# else is refused.
index_query_v253 = {
    'type': 'object',
    'properties': {
        'limit': _single(parameter_types.non_negative_integer),
        'marker': _single({'type': 'string'}),
        'hypervisor_hostname_pattern': _single(_fqdn),
        'with_servers': _single(parameter_types.boolean),
    },
    'additionalProperties': False,
}

show_query_v253 = {
    'type': 'object',
    'properties': {'with_servers': _single(parameter_types.boolean)},
    'additionalProperties': False,
}
