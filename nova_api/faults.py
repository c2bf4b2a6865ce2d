"""Nova's fault body: ``{"itemNotFound": {"code": 404, "message": "..."}}``."""
from oslo_serialization import jsonutils
import webob

FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    406: 'notAcceptable',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    429: 'overLimit',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}


def fault_response(status, message, headers=None):
    """A complete JSON fault response for ``status``."""
    name = FAULT_NAMES.get(status, 'computeFault')
    if status >= 500 and status not in (501, 503):
        status, name = 500, 'computeFault'
    body = {name: {'code': status, 'message': message}}
    response = webob.Response(status=status, content_type='application/json',
                              charset='utf-8',
                              body=jsonutils.dump_as_bytes(body))
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
