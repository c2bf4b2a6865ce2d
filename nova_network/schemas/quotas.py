"""Body of PUT /v2.0/quotas/{project_id} (the inner ``quota`` object)."""
from nova_network.db import quotas

_limit = {'type': 'integer', 'minimum': -1, 'maximum': 2 ** 31 - 1}

update = {'type': 'object', 'properties': {resource: _limit for resource in quotas.RESOURCES},
          'minProperties': 1}
