"""Request schemas of /os-quota-class-sets, per microversion: the quota
set resources without 'force'; 2.50 drops the nova-network ones, 2.57 the
injected_file* ones."""
from nova_api.schemas import quota_sets


def _update(properties):
    return {
        'type': 'object',
        'properties': {
            'quota_class_set': {
                'type': 'object',
                'properties': dict(properties),
                'additionalProperties': False,
            },
        },
        'required': ['quota_class_set'],
        'additionalProperties': False,
    }


update = _update(quota_sets.resources)
update_v250 = _update(quota_sets.resources_v236)
update_v257 = _update(quota_sets.resources_v257)
