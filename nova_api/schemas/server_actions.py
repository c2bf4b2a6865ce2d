"""Request bodies of the server actions that take an argument, as Nova's
schemas define them. Actions without one (os-start, os-stop, pause, ...)
accept any value, usually null, as Nova does."""


def _action(name, argument):
    return {'type': 'object', 'properties': {name: argument}, 'required': [name],
            'additionalProperties': False}


reboot = _action('reboot', {
    'type': 'object',
    'properties': {
        'type': {'type': 'string',
                 'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']},
    },
    'required': ['type'],
    'additionalProperties': False,
})

lock_v273 = _action('lock', {
    'type': ['object', 'null'],
    'properties': {
        'locked_reason': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    },
    'additionalProperties': False,
})

get_console_output = _action('os-getConsoleOutput', {
    'type': 'object',
    'properties': {
        # An integer or a string of one; -1 (or null) means the whole log.
        'length': {'type': ['integer', 'string', 'null'], 'pattern': '^-?[0-9]+$',
                   'minimum': -1},
    },
    'additionalProperties': False,
})

reset_state = _action('os-resetState', {
    'type': 'object',
    'properties': {'state': {'type': 'string', 'enum': ['active', 'error']}},
    'required': ['state'],
    'additionalProperties': False,
})
