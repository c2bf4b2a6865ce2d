"""The compute API's pecan root: one dispatcher over the route table.

Every request under /v2.1 goes through ``dispatch``: strip an optional
``/{project_id}``, settle the microversion, match the route table
(``nova_api.routes``), validate, call the handler and turn whatever it
raises into Nova's fault body.
"""
import re
import time

from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging
from oslo_serialization import jsonutils
import pecan
import webob

from nova_api import faults
from nova_api import handler as api_handler
from nova_api import microversion
from nova_api import validation
from nova_common.db import engines
from nova_common import exception
from nova_common import rpc
from nova_common.metrics import api as api_metrics

LOG = logging.getLogger(__name__)

CONTEXT_KEY = 'nova.context'


class Route:
    def __init__(self, method, pattern, func, min_version=None, max_version=None):
        self.method = method
        self.pattern = pattern
        self.regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '$')
        self.func = func
        self.min_version = microversion.APIVersion(min_version or microversion.MIN_VERSION)
        self.max_version = microversion.APIVersion(max_version) if max_version else None

    def serves(self, version):
        return self.min_version <= version and (
            self.max_version is None or version <= self.max_version)


class RouteTable:
    def __init__(self, entries):
        self.routes = [Route(*entry) for entry in entries]
        self.collections = {route.pattern.split('/')[1] for route in self.routes}

    def match(self, method, path, version):
        """(handler, path vars), or raise 404 / 405 as Nova would."""
        route, path_vars = self.find(method, path, version)
        return route.func, path_vars

    def find(self, method, path, version):
        """(Route, path vars), or raise 404 / 405 as Nova would."""
        allowed = set()
        outside_version = False
        for route in self.routes:
            found = route.regex.match(path)
            if not found:
                continue
            if not route.serves(version):
                outside_version = outside_version or route.method == method
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.add(route.method)
        if allowed and not outside_version:
            raise MethodNotAllowed(sorted(allowed))
        raise exception.NotFound('The resource could not be found.')


class MethodNotAllowed(exception.NovaException):
    code = 405

    def __init__(self, allowed):
        self.allowed = allowed
        super().__init__('The method specified is not allowed for this resource.')


def _split_project(path, context, table):
    """(project prefix, path) with an optional leading /{project_id} removed.

    The first segment is a project id only when what follows it starts with
    one of the API's collections (``/{project_id}/flavors/...``).
    """
    parts = path.split('/')
    if len(parts) < 3 or parts[1] in table.collections or parts[2] not in table.collections:
        return '', path
    project_id = parts[1]
    if project_id != context.project_id:
        raise exception.Invalid(
            "Malformed request URL: URL's project_id '%s' doesn't match "
            "Context's project_id '%s'" % (project_id, context.project_id))
    return '/' + project_id, '/' + '/'.join(parts[2:])


def _json_response(status, body):
    response = webob.Response(status=status)
    if body is not None:
        response.content_type = 'application/json'
        response.charset = 'utf-8'
        response.body = jsonutils.dump_as_bytes(body)
    else:
        response.content_type = None
    return response


# Errors of the infrastructure under a request, and what the caller is told.
# A database or message bus that does not answer is an outage the caller
# can wait out (503); a unique key another request inserted first is a
# conflict (409).
DATABASE_UNAVAILABLE = 'The database is unavailable. Please retry the request later.'
_INFRASTRUCTURE_FAULTS = (
    (oslo_messaging.MessagingTimeout, 503,
     'A service did not answer in time. Please retry the request later.'),
    (rpc.BUS_UNREACHABLE, 503,
     'The message bus is unavailable. Please retry the request later.'),
    (db_exc.DBDuplicateEntry, 409,
     'Another request changed the same resource at the same time. Please retry.'),
)


def _fault_from(error):
    if engines.database_unavailable(error):
        LOG.warning('Answering 503: %s', error)
        return faults.fault_response(503, DATABASE_UNAVAILABLE)
    for error_class, status, message in _INFRASTRUCTURE_FAULTS:
        if isinstance(error, error_class):
            LOG.warning('Answering %s: %s', status, error)
            return faults.fault_response(status, message)
    if isinstance(error, MethodNotAllowed):
        return faults.fault_response(405, error.message, {'Allow': ', '.join(error.allowed)})
    if isinstance(error, exception.NovaException):
        status = error.code
        message = error.message
        if status >= 500 and status not in (501, 503):
            message = 'Unexpected API Error. Please report this at the project bug tracker.'
        return faults.fault_response(status, message)
    LOG.exception('Unexpected error while serving the request')
    return faults.fault_response(
        500, 'Unexpected API Error. Please report this at the project bug tracker.')


def dispatch(request, table, path):
    """Serve one compute API request; always answers, never raises."""
    version = None
    try:
        version = microversion.from_headers(request.headers)
        context = request.environ.get(CONTEXT_KEY)
        if context is None:
            raise exception.Unauthorized()
        project_prefix, path = _split_project(path, context, table)
        route, path_vars = table.find(request.method, path.rstrip('/') or '/', version)
        request.environ[api_metrics.ROUTE_KEY] = route.pattern
        func = route.func
        validation.check_path_vars(path_vars)
        api_handler.check_content_type(request)
        req = api_handler.APIRequest(request, context, version,
                                     request.application_url, project_prefix)
        validation.validate_request(func, req)
        result = func(req, **path_vars)
        if isinstance(result, webob.Response):
            response = result
        elif isinstance(result, api_handler.Reply):
            response = _json_response(result.status, result.body)
        else:
            response = _json_response(getattr(func, 'response_status', 200), result)
    except Exception as error:  # noqa: BLE001 - every error becomes a fault
        if isinstance(error, exception.NovaException) and error.code < 500:
            LOG.info('%s %s answered %s: %s', request.method, request.path,
                     error.code, error.message)
        response = _fault_from(error)
    for key, value in microversion.response_headers(version or microversion.MIN):
        response.headers[key] = value
    return response


class RootController:
    """pecan root: ``serve`` (where ``_Pecan`` sends every request) hands the
    path to ``dispatch`` with the route table."""

    def __init__(self, table):
        self.table = table

    @pecan.expose(content_type='application/json')
    def serve(self, request):
        started = time.monotonic()
        path = request.path_info
        if path.startswith('/v2.1'):
            path = path[len('/v2.1'):]
        response = dispatch(request, self.table, path or '/')
        LOG.info('%s "%s %s" status: %s len: %s microversion: %s time: %.4f',
                 request.remote_addr, request.method, request.path_qs,
                 response.status_int, response.content_length,
                 response.headers.get(microversion.LEGACY_HEADER),
                 time.monotonic() - started)
        return response


class _Pecan(pecan.core.PecanBase):
    """pecan (without thread-local request objects) that hands every request
    straight to the root's ``serve``, and does not rewrite an empty 200
    into 204 (Nova answers some calls 200 with no body: deleting a flavor
    extra spec).

    pecan's own routing would negotiate the Accept header, parse query
    strings and form bodies into arguments, and answer what it cannot
    handle with its own non-Nova error pages; ``dispatch`` does all of
    that itself.
    """

    def find_controller(self, state):
        state.request.pecan['content_type'] = 'application/json'
        state.controller = self.root.serve
        return self.root.serve, [state.request], {}

    def _handle_empty_response_body(self, state):
        if state.response.status_int in (204, 304):
            state.response.content_type = None


def make_pecan_app(table):
    return _Pecan(RootController(table), force_canonical=False,
                  guess_content_type_from_ext=False)
