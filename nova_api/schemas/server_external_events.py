"""Bodies of POST /os-server-external-events, as Nova validates them: the
event names a microversion knows grow with it."""
import copy

from nova_api.schemas import parameter_types

EVENT_STATUSES = ['failed', 'completed', 'in-progress']

# (microversion, names it adds)
NAMES_BY_VERSION = (
    ('2.1', ('network-changed', 'network-vif-plugged', 'network-vif-unplugged',
             'network-vif-deleted')),
    ('2.51', ('volume-extended',)),
    ('2.76', ('power-update',)),
    ('2.82', ('accelerator-request-bound',)),
    ('2.93', ('volume-reimaged',)),
)


def _schema(names):
    return {
        'type': 'object',
        'properties': {
            'events': {
                'type': 'array', 'minItems': 1,
                'items': {
                    'type': 'object',
                    'properties': {
                        'server_uuid': copy.deepcopy(parameter_types.uuid),
                        'name': {'type': 'string', 'enum': list(names)},
                        'status': {'type': 'string', 'enum': EVENT_STATUSES},
                        'tag': {'type': 'string', 'maxLength': 255},
                    },
                    'required': ['server_uuid', 'name'],
                    'additionalProperties': False,
                },
            },
        },
        'required': ['events'],
        'additionalProperties': False,
    }


def by_version():
    """[(schema, min_version, max_version)]: each range's schema."""
    ranges = []
    names = []
    for index, (version, added) in enumerate(NAMES_BY_VERSION):
        names.extend(added)
        following = NAMES_BY_VERSION[index + 1][0] if index + 1 < len(NAMES_BY_VERSION) else None
        ranges.append((_schema(names), version, _previous(following) if following else None))
    return ranges


def _previous(version):
    major, minor = version.split('.')
    return '%s.%d' % (major, int(minor) - 1)
