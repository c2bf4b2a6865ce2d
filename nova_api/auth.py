"""Authentication: turn the caller's credentials into a RequestContext.

``keystone``: keystonemiddleware's auth_token validates the token (with
``delay_auth_decision`` so that a missing or bad token still gets Nova's
401 fault body from us) and ``KeystoneContext`` reads the headers it sets.

``noauth2`` (development): the X-Auth-Token ``user:project`` names the
caller; the user ``admin`` is an administrator, anyone else a member of
the project.
"""
from keystonemiddleware import auth_token
from oslo_serialization import jsonutils
import webob.dec

from nova_api import faults
from nova_api import router
from nova_common.conf import CONF
from nova_common import context as nova_context


# The widest user or project id the databases store (Keystone's are 64
# characters at most); a noauth2 token naming a longer one is not valid.
MAX_ID_LENGTH = 255


def _request_ids(environ):
    return {'request_id': environ.get('openstack.request_id'),
            'global_request_id': environ.get('openstack.global_request_id')}


def nova_unauthenticated(req):
    """Nova's 401 fault, for a request without valid credentials."""
    return faults.fault_response(401, 'Authentication required')


class KeystoneContext:
    def __init__(self, application, unauthenticated=nova_unauthenticated):
        self.application = application
        self.unauthenticated = unauthenticated

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status') != 'Confirmed':
            return self.unauthenticated(req)
        roles = [r.strip() for r in req.headers.get('X-Roles', '').split(',') if r.strip()]
        catalog = []
        if req.headers.get('X-Service-Catalog'):
            try:
                catalog = jsonutils.loads(req.headers['X-Service-Catalog'])
            except ValueError:
                return faults.fault_response(500, 'Invalid service catalog json.')
        context = nova_context.RequestContext(
            user_id=req.headers.get('X-User-Id'),
            project_id=req.headers.get('X-Project-Id') or req.headers.get('X-Tenant-Id'),
            user_name=req.headers.get('X-User-Name'),
            project_name=req.headers.get('X-Project-Name'),
            roles=roles, auth_token=req.headers.get('X-Auth-Token'),
            service_catalog=catalog,
            remote_address=req.remote_addr, **_request_ids(req.environ))
        req.environ[router.CONTEXT_KEY] = context
        return req.get_response(self.application)


class NoAuth2:
    def __init__(self, application, default_admin=False, unauthenticated=nova_unauthenticated):
        self.application = application
        self.default_admin = default_admin
        self.unauthenticated = unauthenticated

    @webob.dec.wsgify
    def __call__(self, req):
        token = req.headers.get('X-Auth-Token')
        if not token:
            return self.unauthenticated(req)
        if ':' not in token and self.default_admin:
            user_id = project_id = 'admin'
        else:
            user_id, _sep, project_id = token.partition(':')
            project_id = project_id or user_id
        if len(user_id) > MAX_ID_LENGTH or len(project_id) > MAX_ID_LENGTH:
            return self.unauthenticated(req)
        roles = ['member', 'reader']
        if user_id == 'admin':
            roles.append('admin')
        context = nova_context.RequestContext(
            user_id=user_id, project_id=project_id, roles=roles,
            user_name=user_id, project_name=project_id, auth_token=token,
            remote_address=req.remote_addr, **_request_ids(req.environ))
        req.environ[router.CONTEXT_KEY] = context
        return req.get_response(self.application)


def wrap(application, unauthenticated=nova_unauthenticated):
    """Put the configured authentication in front of ``application``;
    ``unauthenticated(req)`` answers a request without valid credentials
    in that API's own fault format (Nova's, or Glance's under /image and
    Neutron's under /network)."""
    if CONF.api.auth_strategy == 'noauth2':
        return NoAuth2(application, default_admin=CONF.api.noauth2_default_admin,
                       unauthenticated=unauthenticated)
    return auth_token.AuthProtocol(KeystoneContext(application, unauthenticated),
                                   {'delay_auth_decision': True,
                                    'oslo_config_config': CONF})
