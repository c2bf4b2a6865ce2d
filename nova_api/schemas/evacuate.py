"""Request bodies of the ``evacuate`` server action, as Nova's schemas:
``onSharedStorage`` is required up to 2.13 and gone from 2.14, ``force``
exists from 2.29 to 2.67; 2.95 changes the outcome, not the body."""
import copy

from nova_api.schemas import parameter_types
from nova_api.schemas import servers

evacuate = {
    'type': 'object',
    'properties': {
        'evacuate': {
            'type': 'object',
            'properties': {
                'host': servers.fqdn,
                'onSharedStorage': parameter_types.boolean,
                'adminPass': {'type': 'string'},
            },
            'required': ['onSharedStorage'],
            'additionalProperties': False,
        },
    },
    'required': ['evacuate'],
    'additionalProperties': False,
}

evacuate_v214 = copy.deepcopy(evacuate)
del evacuate_v214['properties']['evacuate']['properties']['onSharedStorage']
del evacuate_v214['properties']['evacuate']['required']

evacuate_v229 = copy.deepcopy(evacuate_v214)
evacuate_v229['properties']['evacuate']['properties']['force'] = parameter_types.boolean

# 2.68 drops ``force`` again: the 2.14 body.
evacuate_v268 = copy.deepcopy(evacuate_v214)
