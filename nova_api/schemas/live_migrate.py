"""Request bodies of ``os-migrateLive`` and of a live migration's
``force_complete`` action, as Nova's schemas define them per
microversion."""
import copy

# Nova's parameter_types.boolean: JSON booleans and their usual spellings.
_BOOLEAN = {'type': ['boolean', 'string'],
            'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes',
                     'yes', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
                     'NO', 'No', 'no']}
_HOST = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
         'pattern': '^[a-zA-Z0-9-._]*$'}

migrate_live = {
    'type': 'object',
    'properties': {
        'os-migrateLive': {
            'type': 'object',
            'properties': {
                'block_migration': _BOOLEAN,
                'disk_over_commit': _BOOLEAN,
                'host': _HOST,
            },
            'required': ['block_migration', 'disk_over_commit', 'host'],
            'additionalProperties': False,
        },
    },
    'required': ['os-migrateLive'],
    'additionalProperties': False,
}

# 2.25: block_migration may be "auto"; disk_over_commit is gone.
migrate_live_v225 = copy.deepcopy(migrate_live)
_V225 = migrate_live_v225['properties']['os-migrateLive']
_V225['properties'] = {'block_migration': {'oneOf': [_BOOLEAN, {'enum': ['auto']}]},
                       'host': _HOST}
_V225['required'] = ['block_migration', 'host']

# 2.30: force (send to ``host`` without the scheduler's judgement).
migrate_live_v230 = copy.deepcopy(migrate_live_v225)
migrate_live_v230['properties']['os-migrateLive']['properties']['force'] = _BOOLEAN

# 2.68: force is gone again.
migrate_live_v268 = copy.deepcopy(migrate_live_v225)

force_complete = {
    'type': 'object',
    'properties': {'force_complete': {'type': 'null'}},
    'required': ['force_complete'],
    'additionalProperties': False,
}
