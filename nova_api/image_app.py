"""A Glance-v2-compatible subset of the Image API over the local image store,
served by nova-api under /image when ``[image] backend = local``.

    GET    /image                           versions (no auth), as Glance's /
    GET    /image/v2/images                 list: filters, limit/marker, sort
    POST   /image/v2/images                 create (extra properties top level)
    GET    /image/v2/images/{id}            show
    PATCH  /image/v2/images/{id}            JSON patch (openstack-images-v2.1)
    DELETE /image/v2/images/{id}
    PUT    /image/v2/images/{id}/file       upload (application/octet-stream)
    GET    /image/v2/images/{id}/file       download (204 when no data)
    PUT    /image/v2/images/{id}/tags/{tag}, DELETE the same
    POST   /image/v2/images/{id}/members    add a member (pending) to a shared image
    GET    /image/v2/schemas/{image,images,member,members}   (image_schemas.py)

Callers authenticate as for the compute API (``auth.wrap``). Errors have
the body Glance sends: ``{"message", "code", "title"}`` to JSON clients,
webob's HTML page to the others (python-glanceclient among them).
"""
import re
import time
import urllib.parse

from oslo_log import log as logging
from oslo_serialization import jsonutils
import webob
import webob.dec
import webob.exc
import webob.static

from nova_api import auth
from nova_api import image_schemas
from nova_api import handler as api_handler
from nova_api import router
from nova_common.conf import CONF
from nova_common import exception
from nova_common.image import glance_format
from nova_common.image import local

LOG = logging.getLogger(__name__)

PREFIX = '/image'
API_VERSION = 'v2.0'
# Query parameters that are not filters.
_PAGING_PARAMS = ('limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'member_status')
_MULTI_VALUE_FILTERS = ('id', 'name', 'status', 'owner', 'disk_format', 'container_format')
_BOOLEAN_FILTERS = ('protected', 'os_hidden')
# A member is a project id: Glance stores it in a 255-character column.
MAX_MEMBER_LENGTH = 255


def _wants_json(req):
    """Whether the client asked for JSON first, as webob (and so Glance)
    decides; a request with no (or an empty) Accept gets JSON too, this
    API's default (openstacksdk uploads with ``Accept:`` empty).
    python-glanceclient sends ``Accept: */*`` and parses only the HTML form
    (its JSON parser expects objects nested one level down)."""
    if not req.headers.get('Accept'):
        return True
    offers = req.accept.acceptable_offers(['text/html', 'application/json'])
    return bool(offers) and offers[0][0] == 'application/json'


def error_response(req, status, message, headers=None):
    """Glance's error: JSON ``{"message", "code", "title"}`` to JSON clients,
    otherwise webob's HTML (or plain text) page with ``message`` in it."""
    error_class = webob.exc.status_map[status]
    if _wants_json(req):
        response = _json(status, {'message': message, 'title': error_class.title,
                                  'code': '%d %s' % (status, error_class.title)})
    else:
        response = req.get_response(error_class(explanation=message))
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _json(status, body):
    return webob.Response(status=status, content_type='application/json',
                          charset='utf-8', body=jsonutils.dump_as_bytes(body))


def _read_json(req):
    """The parsed JSON body, at most [api] max_request_body_size bytes."""
    limit = CONF.api.max_request_body_size
    if req.content_length is not None and req.content_length > limit:
        raise exception.RequestTooLarge()
    raw = req.body_file.read(limit + 1)
    if len(raw) > limit:
        raise exception.RequestTooLarge()
    if not raw:
        raise exception.Invalid('Body expected in request.')
    try:
        return api_handler.parse_json(raw)
    except exception.Invalid:
        raise exception.Invalid('Malformed JSON in request body.')


def _boolean(name, value):
    lowered = value.lower()
    if lowered not in ('true', 'false'):
        raise exception.Invalid("Invalid value '%s' for '%s': it must be true or false."
                                % (value, name))
    return lowered == 'true'


def _query_filters(params):
    filters = {}
    for name, value in params.items():
        if name in _PAGING_PARAMS or name == 'tag':
            continue
        if name in _BOOLEAN_FILTERS:
            value = _boolean(name, value)
        elif name in _MULTI_VALUE_FILTERS and value.startswith('in:'):
            value = value[len('in:'):].split(',')
        filters[name] = value
    if params.getall('tag'):
        filters['tag'] = params.getall('tag')
    visibility = filters.get('visibility')
    if visibility is not None and visibility not in glance_format.VISIBILITIES + ('all',):
        raise exception.Invalid('Invalid visibility value: %s' % visibility)
    statuses = filters.get('status')
    for status in statuses if isinstance(statuses, list) else [statuses]:
        if status is not None and status not in glance_format.STATUSES:
            raise exception.Invalid('Invalid status value: %s' % status)
    return filters


def _query_sort(params):
    keys, dirs = params.getall('sort_key'), params.getall('sort_dir')
    if 'sort' in params:
        if keys or dirs:
            raise exception.Invalid("The 'sort' parameter cannot be combined with "
                                    "'sort_key' or 'sort_dir'.")
        for item in params['sort'].split(','):
            key, _sep, direction = item.strip().partition(':')
            keys.append(key)
            dirs.append(direction or 'desc')
        return keys, dirs
    if len(dirs) > 1 and len(dirs) != len(keys):
        raise exception.Invalid('Number of sort dirs does not match the number of '
                                'sort keys')
    return keys or ['created_at'], dirs or ['desc']


def _query_limit(params):
    if 'limit' not in params:
        return CONF.image.limit_param_default
    try:
        limit = int(params['limit'])
    except ValueError:
        raise exception.Invalid('limit param must be an integer')
    if limit < 0:
        raise exception.Invalid('limit param must be positive')
    return min(limit, CONF.api.max_limit)


class ImagesAPI:
    """The authenticated part: /v2/... (paths relative to the prefix)."""

    def __init__(self, store):
        self.store = store
        self.routes = [
            ('GET', r'/v2/schemas/(?P<name>.+)', self.schema),
            ('GET', r'/v2/images', self.index),
            ('POST', r'/v2/images', self.create),
            ('GET', r'/v2/images/(?P<image_id>[^/]+)', self.show),
            ('PATCH', r'/v2/images/(?P<image_id>[^/]+)', self.update),
            ('DELETE', r'/v2/images/(?P<image_id>[^/]+)', self.delete),
            ('PUT', r'/v2/images/(?P<image_id>[^/]+)/file', self.upload),
            ('GET', r'/v2/images/(?P<image_id>[^/]+)/file', self.download),
            ('PUT', r'/v2/images/(?P<image_id>[^/]+)/tags/(?P<tag>[^/]+)', self.add_tag),
            ('DELETE', r'/v2/images/(?P<image_id>[^/]+)/tags/(?P<tag>[^/]+)', self.delete_tag),
            ('POST', r'/v2/images/(?P<image_id>[^/]+)/members', self.add_member),
        ]
        self.routes = [(method, re.compile('^%s$' % pattern), func)
                       for method, pattern, func in self.routes]

    def _match(self, method, path):
        allowed = []
        for route_method, regex, func in self.routes:
            found = regex.match(path)
            if found and route_method == method:
                return func, {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}
            if found:
                allowed.append(route_method)
        if allowed:
            return None, {'Allow': ', '.join(sorted(allowed))}
        return None, None

    @webob.dec.wsgify
    def __call__(self, req):
        started = time.monotonic()
        path = req.path_info.rstrip('/') or '/'
        func, matched = self._match(req.method, path)
        try:
            if func is None and matched is not None:
                response = error_response(req, 405, 'The method specified is not allowed '
                                                    'for this resource.', matched)
            elif func is None:
                response = error_response(req, 404, 'The resource could not be found.')
            else:
                response = func(req, req.environ[router.CONTEXT_KEY], **matched)
        except exception.NovaException as error:
            if error.code >= 500:
                LOG.error('%s %s failed: %s', req.method, req.path, error.message)
            response = error_response(req, error.code if error.code in webob.exc.status_map
                                      else 500, error.message)
        except Exception:  # noqa: BLE001 - every error becomes a response
            LOG.exception('Unexpected error while serving %s %s', req.method, req.path)
            response = error_response(req, 500,
                                      'Unexpected error while serving the request.')
        LOG.info('%s "%s %s" status: %s len: %s time: %.4f', req.remote_addr, req.method,
                 req.path_qs, response.status_int, response.content_length,
                 time.monotonic() - started)
        return response

    def schema(self, req, context, name):
        if name not in image_schemas.SCHEMAS:
            raise exception.NotFound('Schema %s not found.' % name)
        return _json(200, image_schemas.SCHEMAS[name]())

    def _image_response(self, status, image):
        return _json(status, glance_format.to_wire(image))

    def index(self, req, context):
        params = req.GET
        limit = _query_limit(params)
        sort_keys, sort_dirs = _query_sort(params)
        images = self.store.list(context, filters=_query_filters(params),
                                 sort_keys=sort_keys, sort_dirs=sort_dirs,
                                 limit=limit + 1, marker=params.get('marker'))
        query = [(key, value) for key, value in params.items() if key != 'marker']
        body = {'images': [glance_format.to_wire(image) for image in images[:limit]],
                'first': '/v2/images' + ('?' + urllib.parse.urlencode(query) if query else ''),
                'schema': '/v2/schemas/images'}
        if len(images) > limit and limit:
            body['next'] = '/v2/images?' + urllib.parse.urlencode(
                query + [('marker', images[limit - 1]['id'])])
        return _json(200, body)

    def create(self, req, context):
        image = self.store.create(context,
                                  glance_format.image_from_create_body(_read_json(req)))
        response = self._image_response(201, image)
        response.location = req.application_url + '/v2/images/' + image['id']
        return response

    def show(self, req, context, image_id):
        return self._image_response(200, self.store.get(context, image_id))

    def update(self, req, context, image_id):
        if req.content_type != glance_format.PATCH_MEDIA_TYPE:
            raise UnsupportedMediaType(glance_format.PATCH_MEDIA_TYPE)
        changes = glance_format.parse_patch(_read_json(req))
        return self._image_response(200, self.store.update(context, image_id, changes))

    def delete(self, req, context, image_id):
        self.store.delete(context, image_id)
        return webob.Response(status=204, content_type=None)

    def upload(self, req, context, image_id):
        if req.content_type != 'application/octet-stream':
            raise UnsupportedMediaType('application/octet-stream')
        self.store.upload(context, image_id, req.body_file, size=req.content_length)
        return webob.Response(status=204, content_type=None)

    def download(self, req, context, image_id):
        image, data = self.store.open_data(context, image_id)
        if data is None:
            return webob.Response(status=204, content_type=None)
        response = webob.Response(status=200, content_type='application/octet-stream',
                                  app_iter=webob.static.FileIter(data))
        response.content_length = image['size']
        response.headers['Content-MD5'] = image['checksum']
        return response

    def add_tag(self, req, context, image_id, tag):
        self.store.add_tag(context, image_id, tag)
        return webob.Response(status=204, content_type=None)

    def delete_tag(self, req, context, image_id, tag):
        self.store.delete_tag(context, image_id, tag)
        return webob.Response(status=204, content_type=None)

    def add_member(self, req, context, image_id):
        body = _read_json(req)
        member_id = body.get('member') if isinstance(body, dict) else None
        if not isinstance(member_id, str) or not member_id:
            raise exception.Invalid("Provided object does not match schema 'member': "
                                    "'member' is a required property")
        if len(member_id) > MAX_MEMBER_LENGTH:
            raise exception.Invalid("Provided object does not match schema 'member': "
                                    "'member' is longer than %d characters"
                                    % MAX_MEMBER_LENGTH)
        member = self.store.add_member(context, image_id, member_id)
        return _json(200, dict(member, schema='/v2/schemas/member'))


class UnsupportedMediaType(exception.UnsupportedMediaType):
    def __init__(self, expected):
        super().__init__('Unsupported Content-Type: use %s.' % expected)


class ImageApp:
    """Serves the prefix: the versions document without authentication,
    everything else through ``auth.wrap``."""

    def __init__(self, store, prefix=PREFIX):
        self.prefix = prefix
        self.images = auth.wrap(ImagesAPI(store), unauthenticated=_unauthenticated)

    @webob.dec.wsgify
    def __call__(self, req):
        if serves(req.path_info, self.prefix):
            req.script_name += self.prefix
            req.path_info = req.path_info[len(self.prefix):]
        path = req.path_info.rstrip('/')
        if path in ('', '/versions'):
            if req.method not in ('GET', 'HEAD'):
                return error_response(req, 405, 'The method specified is not allowed for '
                                                'this resource.', {'Allow': 'GET, HEAD'})
            return self.versions(req, status=300 if path == '' else 200)
        return req.get_response(self.images)

    @staticmethod
    def versions(req, status):
        """Glance's version document; the Image API is at <prefix>/v2/."""
        return _json(status, {'versions': [{
            'id': API_VERSION, 'status': 'CURRENT',
            'links': [{'rel': 'self', 'href': req.application_url + '/v2/'}]}]})


def _unauthenticated(req):
    return error_response(req, 401, 'Authentication required')


def serves(path, prefix=PREFIX):
    """Whether a request for ``path`` is the image service's."""
    return path == prefix or path.startswith(prefix + '/')


def bad_url_response(req):
    """What nova-api's outermost guard answers, in Glance's format, for a
    URL of this service that is not UTF-8."""
    return error_response(req, 400, 'The URL is not valid UTF-8.')


def build(store=None):
    """The /image WSGI app over ``store`` (default: [image] local_store_dir)."""
    return ImageApp(store or local.LocalImageStore())
