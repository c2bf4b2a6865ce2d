"""Request bodies of the server actions that move a server's disk into
the image service (createImage, createBackup, shelve, shelveOffload,
unshelve), as Nova's schemas define them."""
from nova_api.schemas import parameter_types

_metadata = {'type': 'object', 'patternProperties': {
    '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255}},
    'additionalProperties': False}


def _action(name, argument):
    return {'type': 'object', 'properties': {name: argument}, 'required': [name],
            'additionalProperties': False}


create_image = _action('createImage', {
    'type': 'object',
    'properties': {
        'name': parameter_types.name,
        'metadata': _metadata,
    },
    'required': ['name'],
    'additionalProperties': False,
})

create_backup = _action('createBackup', {
    'type': 'object',
    'properties': {
        'name': parameter_types.name,
        'backup_type': {'type': 'string'},
        'rotation': parameter_types.non_negative_integer,
        'metadata': _metadata,
    },
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False,
})


unshelve_v277 = _action('unshelve', {
    'type': ['object', 'null'],
    'properties': {'availability_zone': parameter_types.name},
    'additionalProperties': False,
})

# 2.91: availability_zone null unpins the server from its zone; host names
# a compute host (administrators only, by policy).
unshelve_v291 = _action('unshelve', {
    'type': ['object', 'null'],
    'properties': {
        'availability_zone': {'oneOf': [{'type': 'null'}, parameter_types.name]},
        'host': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': '^[a-zA-Z0-9-._]*$'},
    },
    'additionalProperties': False,
})
