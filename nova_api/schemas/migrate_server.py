"""Request bodies of the resize and cold migration actions, as Nova's
schemas define them (confirmResize and revertResize take any value)."""

resize = {
    'type': 'object',
    'properties': {
        'resize': {
            'type': 'object',
            'properties': {
                'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
                'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
            },
            'required': ['flavorRef'],
            'additionalProperties': False,
        },
    },
    'required': ['resize'],
    'additionalProperties': False,
}

# 2.56: an optional destination host.
migrate_v256 = {
    'type': 'object',
    'properties': {
        'migrate': {
            'type': ['object', 'null'],
            'properties': {
                'host': {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
                         'pattern': '^[a-zA-Z0-9-._]*$'},
            },
            'additionalProperties': False,
        },
    },
    'required': ['migrate'],
    'additionalProperties': False,
}
