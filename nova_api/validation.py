"""JSON Schema validation of request bodies and query strings, per
microversion range.

Stack the decorators on a handler; the one whose range holds the request's
microversion applies::

    @validation.body(schemas.create, '2.1', '2.54')
    @validation.body(schemas.create_v255, '2.55')
    def create(req): ...
"""
import jsonschema

from nova_api import microversion
from nova_common import exception

_format_checker = jsonschema.Draft4Validator.FORMAT_CHECKER
MAX_PATH_VAR_LENGTH = 255


def format_check(name, raises=exception.Invalid):
    """Decorator: make ``func(instance) -> bool`` the check of the JSON
    Schema format ``name``; the exception it raises is the 400 message."""
    return _format_checker.checks(name, raises=raises)


def _register(func, attribute, schema, min_version, max_version):
    entries = func.__dict__.setdefault(attribute, [])
    entries.append((schema, microversion.APIVersion(min_version or microversion.MIN_VERSION),
                    microversion.APIVersion(max_version) if max_version else None))
    return func


def body(schema, min_version=None, max_version=None):
    return lambda func: _register(func, 'body_schemas', schema, min_version, max_version)


def query(schema, min_version=None, max_version=None):
    return lambda func: _register(func, 'query_schemas', schema, min_version, max_version)


def _pick(func, attribute, version):
    for schema, low, high in getattr(func, attribute, ()):
        if low <= version and (high is None or version <= high):
            return schema
    return None


def _field_name(error):
    path = list(error.path)
    if error.validator == 'required' or not path:
        return None
    return '/'.join(str(p) for p in path)


def _format(error):
    if isinstance(error.cause, exception.NovaException):
        # A format checker that raises a NovaException explains itself.
        return error.cause.message
    field = _field_name(error)
    if field is None:
        return error.message
    return 'Invalid input for field/attribute %s. Value: %s. %s' % (
        field, error.instance, error.message)


def _validate(schema, document):
    validator = jsonschema.Draft4Validator(schema, format_checker=_format_checker)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise exception.ValidationError(detail=_format(error))


def check_path_vars(path_vars):
    """400 for a path variable longer than any id or name the API stores
    (255 characters, the widest column), before a lookup sends it to the
    database."""
    for name, value in path_vars.items():
        if len(value) > MAX_PATH_VAR_LENGTH:
            raise exception.ValidationError(
                detail='Invalid input for %s in the URL: it is longer than %d characters.'
                       % (name, MAX_PATH_VAR_LENGTH))


def validate_request(func, req):
    """Check ``req``'s body and query against the handler's schemas."""
    body_schema = _pick(func, 'body_schemas', req.version)
    if body_schema is not None:
        _validate(body_schema, req.body)
    query_schema = _pick(func, 'query_schemas', req.version)
    if query_schema is not None:
        _validate(query_schema, req.query)
