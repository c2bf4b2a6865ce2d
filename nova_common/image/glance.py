"""The glance image backend: Glance v2 over a keystoneauth session.

The session, the service credentials and the endpoint choice (service
catalog, or ``[glance] endpoint_override``) come from the ``[glance]``
options, loaded the way Nova loads them. A request made for a user carries
that user's token; the daemons' own work (a context without a token) uses
the service credentials.
"""
import contextlib
import hashlib
import os
import tempfile
import threading

from keystoneauth1.access import service_catalog
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import plugin
from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common import exception
from nova_common.image import glance_format

LOG = logging.getLogger(__name__)

GROUP = 'glance'
CHUNK_SIZE = 1024 * 1024

_cache_lock = threading.Lock()
_cache = {}


def _session():
    """One keystoneauth session per process: it holds the connection pool."""
    with _cache_lock:
        if 'session' not in _cache:
            _cache['session'] = ks_loading.load_session_from_conf_options(CONF, GROUP)
        return _cache['session']


def _service_auth():
    """The [glance] service credentials, or None when none are set. Kept
    per auth_type, so that a token it fetched is reused."""
    key = ('auth', CONF.glance.auth_type, CONF.glance.auth_section)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = ks_loading.load_auth_from_conf_options(CONF, GROUP)
        return _cache[key]


class CallerTokenAuth(plugin.BaseAuthPlugin):
    """Sends the caller's token. Endpoints come from the caller's service
    catalog when the request brought one, else from the service
    credentials (or [glance] endpoint_override, which keystoneauth applies
    before asking the plugin)."""

    def __init__(self, token, catalog=None, fallback=None):
        super().__init__()
        self.token = token
        self.catalog = catalog
        self.fallback = fallback

    def get_token(self, session, **kwargs):
        return self.token

    def get_endpoint(self, session, service_type=None, interface=None,
                     region_name=None, service_name=None, **kwargs):
        if self.catalog:
            return service_catalog.ServiceCatalogV2(self.catalog).url_for(
                service_type=service_type, interface=interface,
                region_name=region_name, service_name=service_name)
        if self.fallback is not None:
            return self.fallback.get_endpoint(
                session, service_type=service_type, interface=interface,
                region_name=region_name, service_name=service_name, **kwargs)
        return None


def _auth_for(context):
    if context is not None and context.auth_token:
        return CallerTokenAuth(context.auth_token, getattr(context, 'service_catalog', None),
                               _service_auth())
    return _service_auth()


def _versioned(endpoint):
    endpoint = endpoint.rstrip('/')
    return endpoint if endpoint.endswith('/v2') else endpoint + '/v2'


def _error_text(error):
    response = getattr(error, 'response', None)
    text = response.text if response is not None else ''
    return (text or str(error))[:500]


class GlanceImageService:
    """Image operations against Glance v2; same methods as the local store."""

    def _adapter(self, context):
        return ks_loading.load_adapter_from_conf_options(
            CONF, GROUP, session=_session(), auth=_auth_for(context),
            global_request_id=getattr(context, 'global_request_id', None))

    def _request(self, context, method, path, image_id=None, **kwargs):
        adapter = self._adapter(context)
        try:
            endpoint = adapter.get_endpoint()
            if not endpoint:
                raise exception.ImageServiceUnavailable(
                    reason='no image endpoint: set [glance] endpoint_override or the '
                           '[glance] service credentials')
            return adapter.request(_versioned(endpoint) + path, method, **kwargs)
        except ks_exceptions.NotFound:
            raise exception.ImageNotFound(image_id=image_id)
        except (ks_exceptions.Forbidden, ks_exceptions.Unauthorized):
            raise exception.ImageNotAuthorized(image_id=image_id)
        except ks_exceptions.BadRequest as error:
            raise exception.ImageBadRequest(image_id=image_id, response=_error_text(error))
        except ks_exceptions.Conflict as error:
            raise exception.Conflict(_error_text(error))
        except ks_exceptions.RequestEntityTooLarge as error:
            raise exception.RequestTooLarge(_error_text(error))
        except ks_exceptions.ClientException as error:
            raise exception.ImageServiceUnavailable(reason=_error_text(error))

    def get(self, context, image_id):
        response = self._request(context, 'GET', '/images/%s' % image_id, image_id)
        return glance_format.from_wire(response.json())

    def list(self, context, filters=None, sort_keys=None, sort_dirs=None, limit=None,
             marker=None):
        params = {}
        for key, value in (filters or {}).items():
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, list) and key != 'tag':
                value = 'in:' + ','.join(value)
            params[key] = value
        if sort_keys:
            params['sort_key'] = list(sort_keys)
            params['sort_dir'] = list(sort_dirs or ['desc'] * len(sort_keys))
        if marker:
            params['marker'] = marker
        images = []
        while limit is None or len(images) < limit:
            if limit is not None:
                params['limit'] = limit - len(images)
            page = self._request(context, 'GET', '/images', params=params).json()
            images += [glance_format.from_wire(doc) for doc in page['images']]
            if not page.get('next') or not page['images']:
                break
            params['marker'] = page['images'][-1]['id']
        return images if limit is None else images[:limit]

    def create(self, context, metadata):
        response = self._request(context, 'POST', '/images', metadata.get('id'),
                                 json=glance_format.create_body(metadata))
        return glance_format.from_wire(response.json())

    def add_member(self, context, image_id, member_id):
        response = self._request(context, 'POST', '/images/%s/members' % image_id, image_id,
                                 json={'member': member_id})
        return {key: value for key, value in response.json().items() if key != 'schema'}

    def update(self, context, image_id, changes):
        body = [dict({'op': op, 'path': '/' + name.replace('~', '~0').replace('/', '~1')},
                     **({} if op == 'remove' else {'value': value}))
                for op, name, value in changes]
        response = self._request(context, 'PATCH', '/images/%s' % image_id, image_id,
                                 json=body,
                                 headers={'Content-Type': glance_format.PATCH_MEDIA_TYPE})
        return glance_format.from_wire(response.json())

    def upload(self, context, image_id, data, size=None):
        headers = {'Content-Type': 'application/octet-stream'}
        if size is not None:
            headers['X-OpenStack-Image-Size'] = str(size)
        self._request(context, 'PUT', '/images/%s/file' % image_id, image_id,
                      data=data, headers=headers)
        return self.get(context, image_id)

    def delete(self, context, image_id):
        self._request(context, 'DELETE', '/images/%s' % image_id, image_id)

    def download(self, context, image_id, dest_path):
        """Stream the data into ``dest_path``, verified against the image's
        os_hash_value (or its md5 checksum); nothing is left at
        ``dest_path`` when it does not match."""
        image = self.get(context, image_id)
        if image['os_hash_algo'] and image['os_hash_value']:
            algorithm, expected = image['os_hash_algo'], image['os_hash_value']
        else:
            algorithm, expected = 'md5', image['checksum']
        response = self._request(context, 'GET', '/images/%s/file' % image_id, image_id,
                                 stream=True)
        if response.status_code == 204:
            raise exception.ImageUnacceptable(image_id=image_id,
                                              reason='Image has no associated data')
        hasher = hashlib.new(algorithm)
        target = tempfile.NamedTemporaryFile(
            'wb', dir=os.path.dirname(os.path.abspath(dest_path)), prefix='.download-',
            delete=False)
        try:
            with target, contextlib.closing(response):
                for chunk in response.iter_content(CHUNK_SIZE):
                    hasher.update(chunk)
                    target.write(chunk)
            if expected and hasher.hexdigest() != expected:
                raise exception.ImageChecksumMismatch(
                    image_id=image_id, algorithm=algorithm, expected=expected,
                    actual=hasher.hexdigest())
            if not expected:
                LOG.warning('Image %s has no checksum; its data is not verified', image_id)
            os.replace(target.name, dest_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(target.name)
            raise
        return image
