"""What a network API handler receives: the caller's context, the JSON
body (validated against the handler's schema) and the query string."""
import jsonschema

from nova_api import handler as api_handler
from nova_common.conf import CONF
from nova_common import exception as nova_exception
from nova_network import exceptions


class NetworkRequest:
    def __init__(self, webob_request, context):
        self.webob = webob_request
        self.context = context
        self._body = None

    @property
    def base_url(self):
        """The versioned API root, e.g. http://host:8774/network/v2.0."""
        return self.webob.application_url

    @property
    def params(self):
        """The query string (a webob MultiDict: getall for repeated keys)."""
        return self.webob.GET

    def json(self):
        """The parsed body: 400 when it is missing or is not JSON, 413 when
        it is larger than [api] max_request_body_size."""
        if self._body is None:
            limit = CONF.api.max_request_body_size
            raw = self.webob.body_file.read(limit + 1)
            if len(raw) > limit:
                raise exceptions.HTTPRequestEntityTooLarge()
            if not raw:
                raise exceptions.HTTPBadRequest('Resource body required')
            try:
                self._body = api_handler.parse_json(raw)
            except nova_exception.Invalid as error:
                raise exceptions.HTTPBadRequest(error.message)
        return self._body

    def resource(self, name, schema):
        """The ``{name: {...}}`` body's inner object, validated by ``schema``
        (a JSON Schema of that object)."""
        body = self.json()
        if not isinstance(body, dict) or not isinstance(body.get(name), dict):
            raise exceptions.HTTPBadRequest('Resource body required')
        if len(body) != 1:
            raise exceptions.HTTPBadRequest(
                'Unrecognized attribute(s) \'%s\'' % ', '.join(sorted(set(body) - {name})))
        validate(schema, body[name])
        return body[name]


def _field(error):
    path = [str(part) for part in error.absolute_path]
    return path[0] if path else None


def validate(schema, document):
    """400 as Neutron words it: unknown attributes, then the first
    attribute that does not validate."""
    allowed = set(schema.get('properties', {}))
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise exceptions.HTTPBadRequest("Unrecognized attribute(s) '%s'" % ', '.join(unknown))
    validator = jsonschema.Draft4Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return
    field = _field(error)
    if error.validator == 'required':
        missing = [name for name in error.validator_value if name not in error.instance]
        raise exceptions.HTTPBadRequest("Failed to parse request. Required attribute '%s' "
                                        "not specified" % missing[0])
    if field is None:
        raise exceptions.HTTPBadRequest(error.message)
    raise exceptions.HTTPBadRequest("Invalid input for %s. Reason: %s." % (field, error.message))
