"""Nova's name and description rules (nova_api.schemas.parameter_types)."""
import re

import pytest

from nova_api.schemas import flavors as flavor_schemas
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common import exception

NAME_SCHEMA = {'type': 'object', 'properties': {'name': parameter_types.name}}


def _check_name(name):
    validation._validate(NAME_SCHEMA, {'name': name})


@pytest.mark.parametrize('name', [
    'm1.small', 'a', 'with inner  spaces', '\u00e9t\u00e9', '\u4e2d\u6587', 'x' * 255,
    'sym!@#$%^&*()'])
def test_good_names(name):
    _check_name(name)


@pytest.mark.parametrize('name', [
    ' lead', 'trail ', '\u3000ideographic-space', 'nbsp\u00a0',  # Zs at an edge
    'tab\tin', 'new\nline', 'trailing-newline\n', 'nul\x00',  # control characters
    'line\u2028sep',  # Zl
    'emoji\U0001F600',  # outside the Basic Multilingual Plane
])
def test_bad_names_say_why(name):
    with pytest.raises(exception.ValidationError) as error:
        _check_name(name)
    assert error.value.message == (
        "An invalid 'name' value was provided. The name must be: printable "
        "characters. Can not start or end with whitespace.")


def test_name_length_limits_still_apply():
    with pytest.raises(exception.ValidationError):
        _check_name('')
    with pytest.raises(exception.ValidationError):
        _check_name('x' * 256)


def test_printable_range_matches_spaces_but_not_controls():
    printable = re.compile('^[%s]*$' % parameter_types.printable_range())
    assert printable.match('Any text, with spaces \u00a0 and \u00e9.')
    for bad in ('\n', '\t', '\x7f', '\u2029', '\ufeff'):
        assert not printable.match('a%sb' % bad)


def test_flavor_description_allows_printable_text_only():
    schema = {'type': 'object', 'properties': {'d': flavor_schemas.description}}
    validation._validate(schema, {'d': 'A flavor for  small things.'})
    validation._validate(schema, {'d': None})
    with pytest.raises(exception.ValidationError):
        validation._validate(schema, {'d': 'two\nlines'})
