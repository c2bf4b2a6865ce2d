"""What a resource handler receives and may return.

A handler is a plain function ``handler(req, **path_vars)`` listed in
``nova_api.routes``. It returns a JSON-able body (answered with the status
its ``@response`` decorator names, 200 by default), ``None`` for an empty
body, a ``Reply`` for a status chosen at run time, or a ``webob.Response``
for full control. Errors are raised as
``nova_common.exception.NovaException`` subclasses.
"""
from oslo_serialization import jsonutils

from nova_common import exception


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
                try:
                    self._body = jsonutils.loads(raw)
                except ValueError:
                    raise exception.InvalidInput(reason='Malformed request body')
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
