"""The compute API's WSGI pipeline.

    metrics -> request id -> proxy headers -> fault wrapper (URL encoding, last resort) -> path:
        /, /v2, /v2.1      version documents (no auth)
        /v2/...            the v2.1 API at its base version (the deprecated v2.0)
        /v2.1/...          body size limit -> auth -> pecan dispatcher over the route table
        /image/...         the image app, with [image] backend = local (image_app.py)
        /network/...       the network service, with [network] backend = builtin (nova_network/)
"""
import urllib.parse

from oslo_context import context as oslo_context
from oslo_log import log as logging
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id
import webob.dec

from nova_api import auth
from nova_api import faults
from nova_api import image_app
from nova_api import microversion
from nova_api import router
from nova_api import routes
from nova_api import versions
from nova_common.conf import CONF
from nova_common import hooks
from nova_common.metrics import api as api_metrics
from nova_network import app as network_app

LOG = logging.getLogger(__name__)


class ComputeRequestId(request_id.RequestId):
    """Sets x-openstack-request-id and Nova's older x-compute-request-id."""
    compat_headers = ['x-compute-request-id']


class FaultWrapper:
    """The outermost guard: a URL that is not UTF-8 (``%ff`` in a path or a
    query) is a 400, and an error nothing below caught is a 500, both in
    Nova's fault format rather than the WSGI server's error page."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # Until auth makes the caller's context, this request's id is the
        # thread's: its log lines must not carry the previous request's.
        oslo_context.RequestContext(request_id=environ.get(request_id.ENV_REQUEST_ID),
                                    global_request_id=environ.get(request_id.GLOBAL_REQ_ID))
        try:
            # WSGI hands the path over unquoted as latin-1 text, the query
            # string as sent.
            environ.get('PATH_INFO', '').encode('latin-1').decode('utf-8')
            urllib.parse.unquote_to_bytes(environ.get('QUERY_STRING', '')).decode('utf-8')
        except UnicodeError:
            if network_app.serves(environ.get('PATH_INFO', '')):
                response = network_app.bad_url_response()
            elif image_app.serves(environ.get('PATH_INFO', '')):
                response = image_app.bad_url_response(webob.Request(environ))
            else:
                response = faults.fault_response(400, 'The URL is not valid UTF-8.')
            return response(environ, start_response)
        try:
            return self.application(environ, start_response)
        except Exception:  # noqa: BLE001 - every error becomes a fault
            LOG.exception('Unexpected error while serving the request')
            response = faults.fault_response(
                500, 'Unexpected API Error. Please report this at the project bug tracker.')
            return response(environ, start_response)


class BodySizeLimit:
    """413 in Nova's fault format for a body over [api] max_request_body_size."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        limit = CONF.api.max_request_body_size
        if req.content_length is not None and req.content_length > limit:
            return faults.fault_response(413, 'Request is too large.')
        if req.content_length is None and req.is_body_readable:
            body = req.body_file.read(limit + 1)
            if len(body) > limit:
                return faults.fault_response(413, 'Request is too large.')
            req.body = body
        return req.get_response(self.application)


class PathDispatch:
    def __init__(self, compute_app, extra_apps=None):
        self.compute_app = compute_app
        self.extra_apps = extra_apps or {}

    def compute_app_as_v20(self, req):
        """The compute app for a request under /v2 (the deprecated v2.0
        API, as Nova still serves it): the v2.1 API at its base version,
        whatever microversion the request asks for."""
        req.path_info = '/v2.1' + req.path_info[len('/v2'):]
        for header in (microversion.HEADER, microversion.LEGACY_HEADER):
            req.headers.pop(header, None)
        return self.compute_app

    @webob.dec.wsgify
    def __call__(self, req):
        path = req.path_info.rstrip('/')
        if path == '':
            return versions_or_405(req, versions.versions_list)
        if path == '/v2.1':
            return versions_or_405(req, versions.version_v21)
        if path.startswith('/v2.1/'):
            return req.get_response(self.compute_app)
        if path == '/v2':
            return versions_or_405(req, versions.version_v20)
        if path.startswith('/v2/'):
            return req.get_response(self.compute_app_as_v20(req))
        for prefix, application in self.extra_apps.items():
            if path == prefix or path.startswith(prefix + '/'):
                return req.get_response(application)
        return faults.fault_response(404, 'The resource could not be found.')


def versions_or_405(req, application):
    if req.method not in ('GET', 'HEAD'):
        return faults.fault_response(405, 'The method specified is not allowed for this resource.')
    return req.get_response(application)


def build(extra_apps=None):
    """The whole API as one WSGI callable. ``extra_apps`` maps a path prefix
    to another WSGI app served beside the compute API (the all-in-one's
    image service)."""
    hooks.load(hooks.API)  # a hook that is not installed stops the start here
    compute = BodySizeLimit(auth.wrap(router.make_pecan_app(routes.route_table())))
    application = PathDispatch(compute, dict(default_extra_apps(), **(extra_apps or {})))
    application = http_proxy_to_wsgi.HTTPProxyToWSGI(FaultWrapper(application), conf=CONF)
    return api_metrics.RequestMetrics(ComputeRequestId(application))


def default_extra_apps():
    """The image service under /image when images live in the local store
    (it limits its JSON bodies itself: image uploads are larger than
    [api] max_request_body_size), and the built-in network service under
    /network with [network] backend = builtin (nova_network/)."""
    apps = {}
    if CONF.image.backend == 'local':
        apps[image_app.PREFIX] = image_app.build()
    if CONF.network.backend == 'builtin':
        apps[network_app.PREFIX] = network_app.build()
    return apps
