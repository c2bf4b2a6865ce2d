"""A deterministic fuzzer of an API's route table.

Requests are built from the API's own route table (the compute API's
``nova_api.routes.entries()``; the image and network APIs in
``service_fuzz_surfaces``), so that a route added later is covered without
touching this module: path variables are real ids or hostile strings,
bodies are generated from the handler's own JSON Schemas (and its module's
``ACTIONS``) and then mutated, or are raw bytes that are not JSON at all;
headers and microversions vary too. Each answer is checked by the API's
surface: never a 5xx, and every error in that API's fault format (Nova's
for the compute API); a surface with a ``state()`` snapshot is also checked
for writes that were refused but changed something anyway.
"""
import json
import logging
import random
import sys
import time

from nova_api import microversion
from nova_api import routes

# Path variable values that have broken servers before: invalid UTF-8,
# an encoded lone surrogate, NUL, overlong ids, traversal, odd numbers.
HOSTILE_PATH_VALUES = [
    '%ff', '%ed%a0%80', '%c3%28', '%00', 'x' * 10000, '%20', '..', '%2e%2e', '%2F',
    '-1', '0', '99999999999999999999999', '1e400', 'NaN', '%E2%98%83', "'", '"',
    '%25', '%', '%zz', 'a;b', 'true', 'null', '{}', '[]', '%3Cscript%3E', '%C3%A9' * 300,
]
HOSTILE_STRINGS = [
    '', ' ', 'x' * 300, 'x' * 70000, '\ud800', 'a\udfffb', '\x00', '\u2028', '%ff',
    '-1', '0', '00', '9' * 5000, '1.5', '1e400', 'NaN', 'true', '   padded   ', '😀' * 10, '::1', '1.2.3.4',
    '2001:db8:0:0:0:0:0:1', '00000000-0000-0000-0000-000000000000', '../../etc/passwd',
]
HOSTILE_NUMBERS = [0, 1, -1, 2 ** 31, 2 ** 31 - 1, 2 ** 63, -(2 ** 63), 10 ** 30, 3000000,
                   1.5, 1e308, -0.0]
# Raw bodies that are not a JSON document the API can take.
RAW_BODIES = [
    b'', b'{', b'not json', b'\xff\xfe', b'{"a": "\xff"}', b'[' * 100000 + b']' * 100000,
    b'{"a":' * 5000 + b'1' + b'}' * 5000, b'"\\ud800"', b'{"x": "\\udfff"}', b'NaN',
    b'Infinity', b'[1e999]', b'null', b'[]', b'"string"', b'12', b'{"a": 1, "a": 2}',
    b'\x00\x00\x00', b'{"server": ' + b'[' * 3000 + b']' * 3000 + b'}',
]
CONTENT_TYPES = [None, 'application/json', 'application/json; charset=utf-8', 'text/plain',
                 'application/xml', 'multipart/form-data; boundary=x', '*/*', 'garbage/',
                 'application/json; charset=latin-1', 'application/x-www-form-urlencoded']
OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']
WRITE_METHODS = ('POST', 'PUT', 'DELETE', 'PATCH')


def _versions(rng):
    choice = rng.random()
    if choice < 0.6:
        return '2.%d' % rng.randint(1, int(microversion.MAX_VERSION.split('.')[1]))
    if choice < 0.7:
        return 'latest'
    if choice < 0.8:
        return None
    return rng.choice(['2.0', '3.1', '2.9999', 'abc', '2.', '', '2.1 2.2', '1.1', '2.-1',
                       '2.' + '9' * 50])


class SchemaValues:
    """Values that mostly fit a JSON Schema, sometimes not at all.
    ``named`` maps a property name to values that get past the first checks
    (a subnet's cidr, a port's network_id), so that requests go deeper."""

    def __init__(self, rng, known_ids, named=None):
        self.rng = rng
        self.known_ids = known_ids
        self.named = named or {}

    def hostile(self, depth=0):
        rng = self.rng
        pick = rng.random()
        if pick < 0.35:
            return rng.choice(HOSTILE_STRINGS)
        if pick < 0.6:
            return rng.choice(HOSTILE_NUMBERS)
        if pick < 0.7:
            return rng.choice([None, True, False])
        if pick < 0.85 or depth > 3:
            return [self.hostile(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(HOSTILE_STRINGS + ['name', 'id']): self.hostile(depth + 1)
                for _ in range(rng.randint(0, 3))}

    def value(self, schema, depth=0):
        rng = self.rng
        if not isinstance(schema, dict) or depth > 6 or rng.random() < 0.08:
            return self.hostile(depth)
        if 'enum' in schema and rng.random() < 0.9:
            return rng.choice(schema['enum'])
        for key in ('oneOf', 'anyOf'):
            if key in schema:
                return self.value(rng.choice(schema[key]), depth + 1)
        types = schema.get('type', 'object' if 'properties' in schema else 'string')
        kind = rng.choice(types) if isinstance(types, list) else types
        if kind == 'object':
            return self._object(schema, depth)
        if kind == 'array':
            items = schema.get('items', {})
            return [self.value(items, depth + 1) for _ in range(rng.randint(0, 3))]
        if kind == 'integer':
            return rng.choice([1, 2, 10, 0, -1, 2 ** 31, 3000000, 1024])
        if kind == 'number':
            return rng.choice([1, 0.5, 1.0, -1.0, 1e38, 1e39])
        if kind == 'boolean':
            return rng.choice([True, False])
        if kind == 'null':
            return None
        return self._string(schema)

    def _object(self, schema, depth):
        properties = schema.get('properties', {})
        required = set(schema.get('required', ()))
        result = {}
        for name, sub in properties.items():
            if name in self.named and self.rng.random() < 0.7:
                result[name] = self.rng.choice(self.named[name])
            elif name in required or self.rng.random() < 0.6:
                result[name] = self.value(sub, depth + 1)
        for pattern, sub in schema.get('patternProperties', {}).items():
            if self.rng.random() < 0.5:
                result[self.rng.choice(['key1', 'hw:cpu_policy', 'a' * 256, 'k.e:y'])] = \
                    self.value(sub, depth + 1)
        if self.rng.random() < 0.1:
            result[self.rng.choice(['extra', 'x' * 300, '\ud800'])] = self.hostile(depth)
        return result

    def _string(self, schema):
        rng = self.rng
        fmt = schema.get('format')
        if fmt == 'uuid' or rng.random() < 0.2:
            return rng.choice(self.known_ids + ['not-a-uuid'])
        if fmt == 'ipv4':
            return rng.choice(['192.0.2.1', '256.1.1.1', '1.2.3'])
        if fmt == 'ipv6':
            return rng.choice(['2001:db8:0:0:0:0:0:1', '::1', '2001:DB8::1', 'fe80::1%eth0',
                               '1:2:3:4:5:6:7:8:9', '2001:0db8:0000:0000:0000:0000:0000:0001'])
        if rng.random() < 0.7:
            return rng.choice(['name', 'small', 'admin', 'demo', '1', '512', 'key-1',
                               'true', 'AUTO', 'none'])
        return rng.choice(HOSTILE_STRINGS)


def _body_schemas(func):
    """Every JSON Schema that may judge ``func``'s body (its own and, for an
    action dispatcher, those of its actions), plus bare action bodies."""
    schemas = [schema for schema, _low, _high in getattr(func, 'body_schemas', ())]
    actions = getattr(sys.modules[func.__module__], 'ACTIONS', None)
    if func.__name__ == 'action' and actions:
        for name, entry in actions.items():
            action_func = entry[0] if isinstance(entry, tuple) else entry
            action_schemas = [s for s, _l, _h in getattr(action_func, 'body_schemas', ())]
            schemas.extend(action_schemas or [{'type': 'object', 'properties': {
                name: {'type': ['null', 'object']}}, 'required': [name]}])
    return schemas


class _LastError(logging.Handler):
    """Keeps the traceback of the last error logged (what a 500 hides)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.text = None

    def emit(self, record):
        if record.exc_info:
            self.text = ''.join(logging.Formatter().formatException(record.exc_info)
                                .splitlines(True)[-6:])

    def take(self):
        text, self.text = self.text, None
        return text


class ComputeSurface:
    """The compute API as the fuzzer sees it: routes under /v2.1 (and
    /v2.1/{project_id}), microversion headers, Nova's fault body."""

    name = 'compute'
    content_types = CONTENT_TYPES

    @staticmethod
    def routes():
        return routes.entries()

    @staticmethod
    def prefix(rng):
        prefix = '/v2.1'
        if rng.random() < 0.15:
            prefix += '/' + rng.choice(['admin', 'demo', 'x' * 10000, '%ff', 'other'])
        return prefix

    @staticmethod
    def body_schemas(func):
        return _body_schemas(func)

    @staticmethod
    def query_names(func):
        schemas = [schema for schema, _l, _h in getattr(func, 'query_schemas', ())]
        return [name for schema in schemas for name in schema.get('properties', {})] + [
            'limit', 'marker', 'all_tenants']

    @staticmethod
    def headers(rng):
        version = _versions(rng)
        if version is None:
            return {}
        name = rng.choice([microversion.HEADER, microversion.LEGACY_HEADER])
        return {name: 'compute %s' % version if name == microversion.HEADER else version}

    @staticmethod
    def check(response, request_headers):
        return check_response(response)


class Fuzzer:
    def __init__(self, app, path_values, tokens, seed, surface=None):
        self.app = app
        self.rng = random.Random(seed)
        self.path_values = path_values
        self.tokens = tokens
        self.surface = surface or ComputeSurface()
        self.routes = list(self.surface.routes())
        named = getattr(self.surface, 'named_values', lambda values: {})(path_values)
        self.values = SchemaValues(self.rng, [v for vs in path_values.values() for v in vs],
                                   named)
        self.count = 0
        self.problems = []
        self.last_error = _LastError()
        # Routes are taken in rounds (each round every route once, in a
        # shuffled order), so that a bounded run reaches every route.
        self.round = []
        self.requested = set()

    def missed_routes(self):
        """(method, pattern) of every route no request was made for."""
        return sorted({route[:2] for route in self.routes} - self.requested)

    def _next_route(self):
        if not self.round:
            self.round = list(self.routes)
            self.rng.shuffle(self.round)
        route = self.round.pop()
        self.requested.add(route[:2])
        return route

    def _path(self, pattern):
        rng = self.rng
        parts = []
        for segment in pattern.strip('/').split('/'):
            if segment.startswith('{'):
                known = self.path_values.get(segment[1:-1], [])
                if known and rng.random() < 0.7:
                    parts.append(rng.choice(known))
                else:
                    parts.append(rng.choice(HOSTILE_PATH_VALUES))
            else:
                parts.append(segment)
        path = self.surface.prefix(rng) + '/' + '/'.join(parts)
        if rng.random() < 0.05:
            path += rng.choice(['/', '//', '/extra', '/%ff'])
        return path

    def _query(self, func):
        rng = self.rng
        if rng.random() < 0.5:
            return ''
        names = self.surface.query_names(func) + ['x' * 300, '%ff']
        pairs = []
        for _ in range(rng.randint(1, 4)):
            value = rng.choice(HOSTILE_PATH_VALUES + ['1', 'true', 'name', ''] +
                               [v for vs in self.path_values.values() for v in vs])
            pairs.append('%s=%s' % (rng.choice(names), value))
        return '?' + '&'.join(pairs)

    def _body(self, func):
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(RAW_BODIES)
        schemas = self.surface.body_schemas(func)
        if schemas and roll < 0.9:
            document = self.values.value(rng.choice(schemas))
        else:
            document = self.values.hostile()
        return json.dumps(document).encode()

    def _headers(self, func):
        rng = self.rng
        headers = {}
        token = rng.choice(self.tokens)
        if token:
            headers['X-Auth-Token'] = token
        headers.update(self.surface.headers(rng))
        # The media type the handler takes, most of the time (when the
        # surface names one): other checks come after that one.
        preferred = getattr(self.surface, 'content_type_of', lambda func: None)(func)
        content_type = preferred if preferred and rng.random() < 0.7 else \
            rng.choice(self.surface.content_types)
        if content_type:
            headers['Content-Type'] = content_type
        if rng.random() < 0.1:
            headers['Accept'] = rng.choice(['application/xml', '*/*', 'text/html', '\x7f',
                                            'application/json', 'text/plain'])
        return headers

    def one(self):
        rng = self.rng
        method, pattern, func = self._next_route()[:3]
        if rng.random() < 0.07:
            method = rng.choice(OTHER_METHODS)
        path = self._path(pattern) + self._query(func)
        body = self._body(func) if method in ('POST', 'PUT', 'PATCH') or rng.random() < 0.05 \
            else b''
        headers = self._headers(func)
        self.count += 1
        self.last_error.take()
        state = getattr(self.surface, 'state', None)
        before = state() if state and method in WRITE_METHODS else None
        try:
            response = self.app.request(path, method=method, body=body, headers=headers,
                                        expect_errors=True)
        except Exception as error:  # noqa: BLE001 - a server would answer 500
            status, problem = 'raised', repr(error)[:300]
        else:
            status, problem = response.status, self.surface.check(response, headers)
            if not problem and before is not None and response.status_int >= 400:
                problem = changed_state(before, state())
        if problem:
            shown_headers = {name: value[:80] for name, value in headers.items()}
            self.problems.append('%s %s %r %r -> %s: %s\n%s' % (
                method, path[:200], shown_headers, body[:200], status, problem,
                self.last_error.take() or ''))

    def run(self, requests, seconds):
        deadline = time.monotonic() + seconds
        logging.getLogger().addHandler(self.last_error)
        try:
            while self.count < requests and time.monotonic() < deadline:
                self.one()
        finally:
            logging.getLogger().removeHandler(self.last_error)
        return self.problems


def changed_state(before, after):
    """The problem when a rejected request changed the API's state
    (``{name: value}`` snapshots, see a surface's ``state``)."""
    changed = sorted(name for name in set(before) | set(after)
                     if before.get(name) != after.get(name))
    if changed:
        return 'a rejected request changed %s' % ', '.join(changed)
    return None


def server_error(response):
    """The problem of a 5xx answer (None for any other)."""
    if response.status_int >= 500:
        return 'server error: %s' % response.body[:300]
    return None


def json_error_body(response):
    """The parsed body of an error answer, or the problem with it."""
    try:
        return json.loads(response.body), None
    except ValueError:
        return None, 'error body is not JSON: %r' % response.body[:300]


def check_response(response):
    """What is wrong with ``response`` (None when nothing is)."""
    status = response.status_int
    if status < 400 or server_error(response):
        return server_error(response)
    body, problem = json_error_body(response)
    if problem:
        return problem
    if not isinstance(body, dict) or len(body) != 1:
        return 'error body is not a Nova fault: %r' % body
    fault = next(iter(body.values()))
    if (not isinstance(fault, dict) or fault.get('code') != status
            or not isinstance(fault.get('message'), str)):
        return 'error body is not a Nova fault: %r' % body
    return None
