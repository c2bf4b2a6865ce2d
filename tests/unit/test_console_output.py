"""Cutting a console log to its last lines, as os-getConsoleOutput does."""
import pytest

from nova_api.compute import console_output


@pytest.mark.parametrize('output, length, expected', [
    ('a\nb\nc\n', 2, 'b\nc\n'),
    ('a\nb\nc', 2, 'b\nc'),
    ('a\nb\nc\n', 1, 'c\n'),
    ('a\nb\nc\n', 0, ''),
    ('a\nb\nc\n', 10, 'a\nb\nc\n'),
    ('a\nb\nc\n', None, 'a\nb\nc\n'),
    ('a\nb\nc\n', -1, 'a\nb\nc\n'),
    ('', 3, ''),
    ('\n\n\n', 2, '\n\n'),
    ('a\r\nb\r\n', 1, 'b\r\n'),
])
def test_tail(output, length, expected):
    assert console_output.tail(output, length) == expected


def test_clean_keeps_tabs_and_newlines_only():
    assert console_output.clean('a\tb\r\n\x1b[0mc\x00\x7f\n') == 'a\tb\n[0mc\x7f\n'
