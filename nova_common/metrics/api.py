"""nova-api's request metrics: one histogram of latency per method,
route template and status (its ``_count`` is the request count).

The route is the template the router matched (``/servers/{server_id}``),
never the raw path, so the number of series stays bounded whatever ids
callers send; requests outside the compute API's route table are labelled
by what they reached (the version documents, ``/image``) or ``unmatched``.
The time runs until the application hands its response back (the first
byte of a streamed image download, the whole of any JSON answer).
"""
import time

import prometheus_client

from nova_common.metrics import exporter

# Set by the compute API's router to the pattern of the route it matched.
ROUTE_KEY = 'nova.metrics.route'

REQUEST_DURATION = prometheus_client.Histogram(
    'nova_api_request_duration_seconds',
    'Time nova-api took to answer a request, by method, route template and status; '
    'its _count is the number of requests.',
    ['method', 'route', 'status'],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

_VERSION_DOCUMENTS = {'': '/', '/v2': '/v2', '/v2.1': '/v2.1'}
_KNOWN_METHODS = {'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'}


def route_label(environ):
    """The route template the request reached, with bounded values only."""
    route = environ.get(ROUTE_KEY)
    if route is not None:
        return route
    path = environ.get('PATH_INFO', '').rstrip('/')
    if path in _VERSION_DOCUMENTS:
        return _VERSION_DOCUMENTS[path]
    if path == '/image' or path.startswith('/image/'):
        return '/image'
    return 'unmatched'


class RequestMetrics:
    """WSGI middleware timing every request when metrics are on."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not exporter.enabled():
            return self.application(environ, start_response)
        started = time.monotonic()
        status = []

        def recording_start_response(status_line, headers, exc_info=None):
            status[:] = [status_line[:3]]
            return start_response(status_line, headers, exc_info)

        try:
            return self.application(environ, recording_start_response)
        finally:
            method = environ.get('REQUEST_METHOD', '')
            REQUEST_DURATION.labels(
                method if method in _KNOWN_METHODS else 'other', route_label(environ),
                status[0] if status else '500').observe(time.monotonic() - started)
