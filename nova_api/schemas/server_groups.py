"""Request schemas of /os-server-groups, per microversion.

Below 2.64 a group has a ``policies`` list of exactly one policy (the soft
ones from 2.15); from 2.64 one ``policy`` and optional ``rules``, whose
only rule is ``max_server_per_host`` (a positive integer).
"""
import copy

from nova_api.schemas import parameter_types

_POLICIES_V21 = ['anti-affinity', 'affinity']
_POLICIES_V215 = _POLICIES_V21 + ['soft-anti-affinity', 'soft-affinity']


def _create(properties, required):
    return {
        'type': 'object',
        'properties': {
            'server_group': {
                'type': 'object',
                'properties': dict(properties, name=parameter_types.name),
                'required': ['name'] + required,
                'additionalProperties': False,
            },
        },
        'required': ['server_group'],
        'additionalProperties': False,
    }


def _policies(allowed):
    return {'type': 'array', 'items': {'type': 'string', 'enum': allowed},
            'uniqueItems': True, 'minItems': 1, 'maxItems': 1}


create = _create({'policies': _policies(_POLICIES_V21)}, ['policies'])
create_v215 = _create({'policies': _policies(_POLICIES_V215)}, ['policies'])
create_v264 = _create({
    'policy': {'type': 'string', 'enum': _POLICIES_V215},
    'rules': {'type': 'object',
              'properties': {'max_server_per_host': parameter_types.positive_integer},
              'additionalProperties': False},
}, ['policy'])

_non_negative = parameter_types.multi_params(parameter_types.non_negative_integer)
# Unknown query parameters are ignored before 2.75 and refused from it on.
index_query = {
    'type': 'object',
    'properties': {
        'all_projects': parameter_types.multi_params({'type': 'string'}),
        'limit': _non_negative,
        'offset': _non_negative,
    },
    'additionalProperties': True,
}
index_query_v275 = dict(copy.deepcopy(index_query), additionalProperties=False)
