"""JSON Schema building blocks shared by the resource schemas, as Nova
defines them (nova/api/validation/parameter_types.py).

"Printable" follows Nova: every character of the Basic Multilingual Plane
whose Unicode category is neither "other" (C*) nor a line or paragraph
separator (Zl, Zp); horizontal spaces (Zs) count as printable.
"""
import functools
import re
import unicodedata

import netaddr
from oslo_utils import uuidutils

from nova_api import validation
from nova_common import exception

# The largest value of a signed 32-bit database integer column.
MAX_INT = 0x7FFFFFFF
# The largest single-precision float a database FLOAT column holds.
SQL_SP_FLOAT_MAX = 3.40282e+38

_NAME_RULE = 'printable characters. Can not start or end with whitespace.'


def _is_printable(char):
    category = unicodedata.category(char)
    return not category.startswith('C') and (
        not category.startswith('Z') or category == 'Zs')


def _is_name_char(char):
    return ord(char) < 0xFFFF and _is_printable(char)


def _is_name_edge_char(char):
    return _is_name_char(char) and unicodedata.category(char) != 'Zs'


@functools.lru_cache()
def printable_range():
    """A regex character-class body matching every printable character."""
    ranges = []
    start = None
    for code in range(0xFFFF + 1):
        printable = code < 0xFFFF and _is_printable(chr(code))
        if printable and start is None:
            start = code
        elif not printable and start is not None:
            ranges.append((start, code - 1))
            start = None
    return ''.join(re.escape(chr(low)) if low == high else
                   '%s-%s' % (re.escape(chr(low)), re.escape(chr(high)))
                   for low, high in ranges)


@validation.format_check('name', raises=exception.InvalidName)
def _check_name(instance):
    if not isinstance(instance, str) or not instance:
        return True
    if (all(_is_name_char(c) for c in instance)
            and _is_name_edge_char(instance[0])
            and _is_name_edge_char(instance[-1])):
        return True
    raise exception.InvalidName(reason=_NAME_RULE)


@validation.format_check('uuid')
def _check_uuid(instance):
    return not isinstance(instance, str) or uuidutils.is_uuid_like(instance)


uuid = {'type': 'string', 'format': 'uuid'}


def multi_params(schema):
    """A query parameter: the list of the values given for it."""
    return {'type': 'array', 'items': schema}


name = {'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name'}

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
             'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
             'NO', 'No', 'no'],
}

# As strings, the digits are bounded too: int() of thousands of digits
# raises, and a string "minimum" is never checked ("0" must not be positive).
non_negative_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 0,
    'minLength': 1, 'maxLength': 255,
}

positive_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*[1-9][0-9]*$', 'minimum': 1,
    'minLength': 1, 'maxLength': 255,
}

pagination_parameters = {
    'limit': multi_params(non_negative_integer),
    'marker': multi_params({'type': 'string'}),
}


def normalized_ip(address):
    """An accessIPv4/accessIPv6 value (already valid by its schema) in the
    canonical form Nova stores (netaddr's): an IPv6 address compressed, so
    that it fits its 39-character column; None stays None."""
    if address is None or address == '':
        return address
    return str(netaddr.IPAddress(address))
