"""Query strings of GET /os-migrations per microversion range, as Nova's
schemas define them."""
import copy

from nova_api.schemas import parameter_types
from nova_api.schemas import servers as server_schemas

_param = parameter_types.multi_params({'type': 'string'})

list_query_v20 = {
    'type': 'object',
    'properties': {name: _param for name in ('hidden', 'host', 'instance_uuid',
                                             'source_compute', 'status', 'migration_type')},
    # Nova accepts unknown parameters here before 2.59.
    'additionalProperties': True,
}

list_query_v259 = copy.deepcopy(list_query_v20)
list_query_v259['properties'].update(parameter_types.pagination_parameters)
list_query_v259['properties']['changes-since'] = server_schemas._date_time_param
list_query_v259['additionalProperties'] = False

list_query_v266 = copy.deepcopy(list_query_v259)
list_query_v266['properties']['changes-before'] = server_schemas._date_time_param

list_query_v280 = copy.deepcopy(list_query_v266)
list_query_v280['properties']['user_id'] = _param
list_query_v280['properties']['project_id'] = _param
