"""Request bodies of the ``rescue`` server action, as Nova's schema: both
keys optional, the body's value may be null (unrescue takes no argument)."""

rescue = {
    'type': 'object',
    'properties': {
        'rescue': {
            'type': ['object', 'null'],
            'properties': {
                'adminPass': {'type': 'string'},
                'rescue_image_ref': {'type': 'string', 'format': 'uuid'},
            },
            'additionalProperties': False,
        },
    },
    'required': ['rescue'],
    'additionalProperties': False,
}
