"""nova-metadata-api's WSGI application: a guest's metadata, asked for
through a host-side proxy (Nova with Neutron's way).

The proxy names the guest's server: X-Instance-ID, X-Tenant-ID and
X-Instance-ID-Signature (signature.py). A missing header is 400, a
signature that does not match 403, a server that does not exist (or is
not yet built, or of another project than X-Tenant-ID says) 404, a path
that is not in its metadata 404: plain webob error pages, as Nova's
metadata service answers. ``/`` (the EC2 versions) needs no identity.
"""
from oslo_log import log as logging
import webob
import webob.dec
import webob.exc

from nova_api.compute import lookup
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import exception
from nova_metadata import content
from nova_metadata import password as password_store
from nova_metadata import signature
from nova_metadata import source

LOG = logging.getLogger(__name__)

READ_METHODS = ('GET', 'HEAD')
UNKNOWN_ERROR = 'An unknown error has occurred. Please try your request again.'


def _headers(req):
    instance_id = req.headers.get('X-Instance-ID')
    tenant_id = req.headers.get('X-Tenant-ID')
    signed = req.headers.get('X-Instance-ID-Signature')
    if instance_id is None:
        message = 'X-Instance-ID header is missing from request.'
    elif signed is None:
        message = 'X-Instance-ID-Signature header is missing from request.'
    elif tenant_id is None:
        message = 'X-Tenant-ID header is missing from request.'
    else:
        return instance_id, tenant_id, signed
    raise webob.exc.HTTPBadRequest(explanation=message)


def _identify(req):
    """The server the request is for, as the signed headers name it."""
    instance_id, tenant_id, signed = _headers(req)
    if not signature.verify(CONF.metadata.metadata_proxy_shared_secret, instance_id, signed):
        LOG.warning('X-Instance-ID-Signature does not match for instance %s (request from '
                    '%s)', instance_id, req.headers.get('X-Forwarded-For'))
        raise webob.exc.HTTPForbidden(explanation='Invalid proxy request signature.')
    context = nova_context.get_admin_context()
    try:
        instance = lookup.get_server(context, instance_id, with_fault=False)
    except exception.InstanceNotFound:
        instance = None
    except Exception:  # noqa: BLE001 - a cell or database down: 503, never a 500
        LOG.exception('Failed to get metadata for instance id: %s', instance_id)
        raise webob.exc.HTTPServiceUnavailable(explanation=UNKNOWN_ERROR)
    if instance is None or instance.get('cell_uuid') is None:
        LOG.error('Failed to get metadata for instance id: %s', instance_id)
        raise webob.exc.HTTPNotFound()
    if instance['project_id'] != tenant_id:
        LOG.warning('Tenant_id %s does not match tenant_id of instance %s.', tenant_id,
                    instance_id)
        raise webob.exc.HTTPNotFound()
    return context, instance


def _password(req, context, instance, found):
    if req.method in READ_METHODS:
        return found.password.encode('utf-8')
    if req.method != 'POST':
        raise webob.exc.HTTPBadRequest(explanation='GET and POST only are supported.')
    if found.password:
        raise webob.exc.HTTPConflict()
    body = req.body
    if (req.content_length or 0) > password_store.MAX_SIZE or len(body) > password_store.MAX_SIZE:
        raise webob.exc.HTTPBadRequest(explanation='Request is too large.')
    try:
        password_store.store_once(context, lookup.cell_of(context, instance), instance['uuid'],
                                  body.decode('utf-8'))
    except password_store.AlreadySet:
        raise webob.exc.HTTPConflict()
    except UnicodeDecodeError:
        raise webob.exc.HTTPBadRequest(explanation='The password is not UTF-8 text.')
    return b''


class MetadataApplication:

    @webob.dec.wsgify
    def __call__(self, req):
        if req.path_info.strip('/') == '':
            return self._respond(content.EC2_VERSIONS + [content.LATEST],
                                 content.TEXT)
        context, instance = _identify(req)
        try:
            gathered = source.gather(context, instance)
        except Exception:  # noqa: BLE001 - the API database down: 503, never a 500
            LOG.exception('Failed to get metadata for instance id: %s', instance['uuid'])
            raise webob.exc.HTTPServiceUnavailable(explanation=UNKNOWN_ERROR)
        metadata = content.InstanceMetadata(gathered, dhcp_domain=CONF.metadata.dhcp_domain)
        try:
            data, mime_type = metadata.lookup(req.path_info)
        except content.NotFound:
            raise webob.exc.HTTPNotFound()
        if isinstance(data, content.PasswordPath):
            return self._respond(_password(req, context, instance, data), content.TEXT)
        if req.method not in READ_METHODS:
            raise webob.exc.HTTPMethodNotAllowed()
        return self._respond(data, mime_type)

    @staticmethod
    def _respond(data, mime_type):
        response = webob.Response(content_type=mime_type)
        if mime_type == content.TEXT:
            response.charset = 'utf-8'
        response.body = data if isinstance(data, bytes) else content.ec2_text(data)
        return response


def build():
    return MetadataApplication()
