"""Compute API microversions: parsing the request headers and comparing."""
import functools
import re

import microversion_parse

from nova_common import exception

MIN_VERSION = '2.1'
# The highest microversion this API implements. Raise it only together with
# the changes the new version brings.
MAX_VERSION = '2.100'

HEADER = 'OpenStack-API-Version'
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'
SERVICE_TYPE = 'compute'

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


@functools.total_ordering
class APIVersion:
    """A major.minor version; compares numerically (2.10 > 2.9)."""

    def __init__(self, text):
        match = _VERSION_RE.match(text or '')
        if not match:
            raise exception.InvalidInput(
                reason='API Version String %s is of invalid format. Must be of '
                       'format MajorNum.MinorNum.' % text)
        self.major, self.minor = int(match.group(1)), int(match.group(2))

    def __eq__(self, other):
        return (self.major, self.minor) == (other.major, other.minor)

    def __lt__(self, other):
        return (self.major, self.minor) < (other.major, other.minor)

    def __hash__(self):
        return hash((self.major, self.minor))

    def __str__(self):
        return '%d.%d' % (self.major, self.minor)

    def at_least(self, text):
        return self >= APIVersion(text)


MIN = APIVersion(MIN_VERSION)
MAX = APIVersion(MAX_VERSION)


def from_headers(headers):
    """The version a request asks for; MIN when it names none.

    Raises InvalidInput (400) for a malformed version and
    VersionNotAcceptable (406) for one outside [MIN, MAX].
    """
    requested = microversion_parse.get_version(
        headers, service_type=SERVICE_TYPE, legacy_headers=[LEGACY_HEADER])
    if requested is None:
        return MIN
    if requested.strip().lower() == 'latest':
        return MAX
    version = APIVersion(requested.strip())
    if not MIN <= version <= MAX:
        raise exception.VersionNotAcceptable(version=requested, min=MIN_VERSION,
                                             max=MAX_VERSION)
    return version


def response_headers(version):
    return [(HEADER, '%s %s' % (SERVICE_TYPE, version)),
            (LEGACY_HEADER, str(version)),
            ('Vary', '%s, %s' % (HEADER, LEGACY_HEADER))]
