"""Request schemas of /os-keypairs, per microversion.

Keypair names are printable names (see parameter_types.name) limited to a
safe set of characters: letters, digits, '_', '-' and space, plus '@' and
'.' from 2.92.
"""
import copy
import string

from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common import exception

_SAFE_CHARS = '_- ' + string.digits + string.ascii_letters
_SAFE_CHARS_V292 = '@._- ' + string.digits + string.ascii_letters


def _check_keypair_name(instance, safe_chars):
    if isinstance(instance, str) and any(c not in safe_chars for c in instance):
        raise exception.InvalidName(reason='Only expected characters: [%s]' % safe_chars)
    return True


@validation.format_check('keypair_name_20', raises=exception.InvalidName)
def _check_keypair_name_20(instance):
    return _check_keypair_name(instance, _SAFE_CHARS)


@validation.format_check('keypair_name_292', raises=exception.InvalidName)
def _check_keypair_name_292(instance):
    return _check_keypair_name(instance, _SAFE_CHARS_V292)


def _keypair_name(format_name):
    return {'allOf': [parameter_types.name,
                      {'type': 'string', 'format': format_name}]}


def _create(properties, required=('name',)):
    return {
        'type': 'object',
        'properties': {
            'keypair': {
                'type': 'object',
                'properties': properties,
                'required': list(required),
                'additionalProperties': False,
            },
        },
        'required': ['keypair'],
        'additionalProperties': False,
    }


_name = _keypair_name('keypair_name_20')
_public_key = {'type': 'string'}
_type = {'type': 'string', 'enum': ['ssh', 'x509']}
_user_id = {'type': 'string'}

create = _create({'name': _name, 'public_key': _public_key})
create_v22 = _create({'name': _name, 'type': _type, 'public_key': _public_key})
create_v210 = _create({'name': _name, 'type': _type, 'public_key': _public_key,
                       'user_id': _user_id})
# 2.92: keys are imported only (no generation), names may hold '@' and '.'.
create_v292 = _create({'name': _keypair_name('keypair_name_292'), 'type': _type,
                       'public_key': _public_key, 'user_id': _user_id},
                      required=('name', 'public_key'))

_user_id_query = {'user_id': parameter_types.multi_params({'type': 'string'})}

# Unknown query parameters are ignored before 2.75 and refused from it on.
index_query_v235 = {
    'type': 'object',
    'properties': dict(_user_id_query, **parameter_types.pagination_parameters),
    'additionalProperties': True,
}
index_query_v275 = dict(copy.deepcopy(index_query_v235), additionalProperties=False)
query_v275 = {
    'type': 'object',
    'properties': copy.deepcopy(_user_id_query),
    'additionalProperties': False,
}
