"""What a resource handler receives and may return.

A handler is a plain function ``handler(req, **path_vars)`` listed in
``nova_api.routes``. It returns a JSON-able body (answered with the status
its ``@response`` decorator names, 200 by default), ``None`` for an empty
body, a ``Reply`` for a status chosen at run time, or a ``webob.Response``
for full control. Errors are raised as
``nova_common.exception.NovaException`` subclasses.
"""
import math

from oslo_serialization import jsonutils

from nova_common import exception

# A body nested deeper is refused before anything walks it recursively
# (JSON Schema validation, serialisation, the database layer).
MAX_BODY_DEPTH = 64
# The media types a request body may be declared as (as in Nova; no header,
# an empty one or text/plain means "assume JSON").
JSON_MEDIA_TYPES = ('application/json', 'application/vnd.openstack.compute+json')


class Reply:
    """A body with a status chosen at run time (e.g. by the action a
    dispatcher routed to)."""

    def __init__(self, status, body=None):
        self.status = status
        self.body = body


def response(status):
    """Default status of a handler's successful answer (e.g. 202, 204)."""
    def decorator(func):
        func.response_status = status
        return func
    return decorator


def one_action(body):
    """(name, argument) of an action request body ``{name: argument}``
    (POST .../action); 400 unless it names exactly one action."""
    if not isinstance(body, dict) or len(body) != 1:
        raise exception.Invalid('There is not exactly one action in the request body.')
    return next(iter(body.items()))


class APIRequest:
    """A compute API request: context, microversion, body and query."""

    def __init__(self, webob_request, context, version, root_url, project_prefix=''):
        self.webob = webob_request
        self.context = context
        self.version = version
        # Where the API is mounted (before /v2.1), and '/{project_id}' when
        # the caller used the project-id form of the URL: links keep it.
        self.root_url = root_url.rstrip('/')
        self.project_prefix = project_prefix
        self._body = None
        self._body_parsed = False

    @property
    def method(self):
        return self.webob.method

    def at_least(self, version):
        return self.version.at_least(version)

    @property
    def body(self):
        """The parsed JSON body; a 400 fault when it is not JSON."""
        if not self._body_parsed:
            raw = self.webob.body
            if not raw:
                self._body = None
            else:
                self._body = parse_json(raw)
            self._body_parsed = True
        return self._body

    @property
    def query(self):
        """Query parameters as {name: [values]}."""
        params = {}
        for key, value in self.webob.GET.items():
            params.setdefault(key, []).append(value)
        return params

    def query_value(self, name, default=None):
        """The last value given for ``name`` (as Nova reads single params)."""
        values = self.webob.GET.getall(name)
        return values[-1] if values else default

    def link(self, *parts):
        """A ``self`` link under the versioned API root."""
        return '/'.join([self.root_url + '/v2.1' + self.project_prefix] + [str(p) for p in parts])

    def bookmark(self, *parts):
        """A ``bookmark`` link: the same resource without the version."""
        return '/'.join([self.root_url + self.project_prefix] + [str(p) for p in parts])

    def links(self, *parts):
        return [{'rel': 'self', 'href': self.link(*parts)},
                {'rel': 'bookmark', 'href': self.bookmark(*parts)}]


def check_content_type(webob_request):
    """415 for a declared Content-Type the API cannot read, as Nova does."""
    if 'Content-Type' not in webob_request.headers:
        return
    media_type = webob_request.content_type
    if media_type and media_type != 'text/plain' and media_type not in JSON_MEDIA_TYPES:
        raise exception.UnsupportedMediaType()


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError('%s is out of range' % text)
    return value


def _refuse_constant(name):
    raise ValueError('%s is not JSON' % name)


def parse_json(raw):
    """The JSON document in ``raw`` (bytes); a 400 fault for anything that
    is not strict UTF-8 JSON (NaN, Infinity and numbers out of float range
    included), is nested deeper than MAX_BODY_DEPTH, or holds a string with
    a lone surrogate (which no database column can store)."""
    try:
        document = jsonutils.loads(raw, parse_constant=_refuse_constant,
                                   parse_float=_finite_float)
    except (ValueError, RecursionError):
        raise exception.InvalidInput(reason='Malformed request body')
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
            pending.extend((key, depth) for key in value)
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            try:
                value.encode('utf-8')
            except UnicodeEncodeError:
                raise exception.InvalidInput(
                    reason='the request body holds a string that is not valid Unicode')
        if depth > MAX_BODY_DEPTH:
            raise exception.InvalidInput(
                reason='the request body is nested deeper than %d levels' % MAX_BODY_DEPTH)
    return document


# The filters compare with 32-bit INTEGER columns: any value beyond these
# bounds selects what the bound selects, and the database never sees a
# number it cannot hold (SQLite refuses integers past 64 bits).
INT_FILTER_BOUNDS = (-2 ** 31 - 1, 2 ** 31)


def int_filter(req, name):
    """The integer value of list filter ``name`` (None when absent),
    clamped to INT_FILTER_BOUNDS; 400 when it is not an integer."""
    value = req.query_value(name)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise exception.Invalid('Invalid %s filter [%s]' % (name, value))
    low, high = INT_FILTER_BOUNDS
    return min(max(number, low), high)
