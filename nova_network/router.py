"""The route table of the network API (paths under /v2.0) and the
dispatcher that turns what a handler returns or raises into a response.

Each module of ``nova_network.api`` lists its ``ROUTES`` as (method, path,
handler); a handler is ``handler(req, **path_vars)`` and returns a body
(200), ``(status, body)``, or None for 204.
"""
import re
import time

from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_serialization import jsonutils
import webob
import webob.dec

from nova_api import router as api_router
from nova_common.db import engines
from nova_common import exception as nova_exception
from nova_network.api import extensions
from nova_network.api import networks
from nova_network.api import ports
from nova_network.api import quotas
from nova_network.api import security_group_rules
from nova_network.api import security_groups
from nova_network.api import subnets
from nova_network.api import versions
from nova_network import exceptions
from nova_network.request import NetworkRequest

LOG = logging.getLogger(__name__)

RESOURCE_MODULES = (versions, extensions, networks, subnets, ports, security_groups,
                    security_group_rules, quotas)


def json_response(status, body):
    response = webob.Response(status=status)
    if body is None:
        response.content_type = None
    else:
        response.content_type = 'application/json'
        response.charset = 'utf-8'
        response.body = jsonutils.dump_as_bytes(body)
    return response


def fault_response(error):
    """Neutron's fault body for ``error`` (a NeutronException)."""
    response = json_response(error.code, {'NeutronError': {
        'type': error.type, 'message': error.message, 'detail': ''}})
    if isinstance(error, exceptions.HTTPMethodNotAllowed):
        response.headers['Allow'] = ', '.join(error.allowed)
    return response


def _translate(error):
    """A NeutronException for anything a handler raised."""
    if isinstance(error, exceptions.NeutronException):
        return error
    if isinstance(error, (db_exc.DBDuplicateEntry, db_exc.DBDeadlock)):
        return exceptions.ConcurrentChange()
    if engines.database_unavailable(error):
        unavailable = exceptions.NeutronException(
            api_router.DATABASE_UNAVAILABLE)
        unavailable.code = 503
        return unavailable
    if isinstance(error, nova_exception.NovaException) and error.code < 500:
        translated = exceptions.NeutronException(error.message)
        translated.code = error.code
        return translated
    LOG.exception('Unexpected error in the network API')
    return exceptions.NeutronException('Request Failed: internal server error while '
                                       'processing your request.')


class Route:
    def __init__(self, method, pattern, func):
        self.method = method
        self.regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '$')
        self.func = func


class NetworkAPI:
    """The authenticated part: everything under /v2.0."""

    def __init__(self, modules=RESOURCE_MODULES):
        self.routes = [Route(*entry) for module in modules for entry in module.ROUTES]

    def match(self, method, path):
        allowed = []
        for route in self.routes:
            found = route.regex.match(path)
            if not found:
                continue
            if route.method == method:
                return route.func, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise exceptions.HTTPMethodNotAllowed(sorted(set(allowed)), method=method)
        raise exceptions.HTTPNotFound('The resource could not be found.')

    def dispatch(self, webob_request):
        try:
            context = webob_request.environ.get(api_router.CONTEXT_KEY)
            if context is None:
                raise exceptions.NotAuthorized('Authentication required')
            path = webob_request.path_info
            if path.endswith('.json'):
                path = path[:-len('.json')]
            func, path_vars = self.match(webob_request.method, path.rstrip('/') or '/')
            for name, value in path_vars.items():
                if len(value) > 255:
                    raise exceptions.HTTPNotFound('The resource could not be found.')
            result = func(NetworkRequest(webob_request, context), **path_vars)
            if result is None:
                return json_response(204, None)
            if isinstance(result, tuple):
                return json_response(*result)
            return json_response(200, result)
        except Exception as error:  # noqa: BLE001 - every error becomes a fault
            fault = _translate(error)
            if fault.code < 500:
                LOG.info('%s %s answered %s: %s', webob_request.method, webob_request.path,
                         fault.code, fault.message)
            return fault_response(fault)

    @webob.dec.wsgify
    def __call__(self, req):
        started = time.monotonic()
        response = self.dispatch(req)
        LOG.info('%s "%s %s" status: %s len: %s time: %.4f', req.remote_addr, req.method,
                 req.path_qs, response.status_int, response.content_length,
                 time.monotonic() - started)
        return response
