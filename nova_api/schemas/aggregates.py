"""JSON Schemas of os-aggregates bodies, as Nova's."""
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common import exception

_AZ_NAME_RULE = 'printable characters except :.Can not start or end with whitespace.'


@validation.format_check('az_name', raises=exception.InvalidName)
def _check_az_name(instance):
    """No ':' in a zone name: it separates zone, host and node in the zone
    a server asks for (the rest of the rules are the 'name' format's)."""
    if isinstance(instance, str) and ':' in instance:
        raise exception.InvalidName(reason=_AZ_NAME_RULE)
    return True


_az_name = {'allOf': [parameter_types.name, {'format': 'az_name'}]}
_availability_zone = {'oneOf': [_az_name, {'type': 'null'}]}
_host = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': '^[a-zA-Z0-9-._]*$'}
_metadata_with_null = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': ['string', 'null'], 'maxLength': 255},
    },
    'additionalProperties': False,
}


def _body(key, properties, required=None, **extra):
    inner = {'type': 'object', 'properties': properties, 'additionalProperties': False}
    if required:
        inner['required'] = required
    inner.update(extra)
    return {'type': 'object', 'properties': {key: inner}, 'required': [key],
            'additionalProperties': False}


create = _body('aggregate', {'name': parameter_types.name,
                             'availability_zone': _availability_zone}, ['name'])
update = _body('aggregate', {'name': parameter_types.name,
                             'availability_zone': _availability_zone},
               anyOf=[{'required': ['name']}, {'required': ['availability_zone']}])
add_host = _body('add_host', {'host': _host}, ['host'])
remove_host = _body('remove_host', {'host': _host}, ['host'])
set_metadata = _body('set_metadata', {'metadata': _metadata_with_null}, ['metadata'])
