"""The paste filter the test Glance authenticates with: nova-api's
``noauth2`` for Glance, in place of keystonemiddleware's auth_token.

The X-Auth-Token ``user:project`` names the caller (a token without a
colon is the administrator ``admin:admin``, as nova-api's
``noauth2_default_admin``); the filter sets the headers auth_token would
set for a validated token, from which Glance's own ``context`` filter
builds the request context: so images get the caller's project as owner
and Glance's policy sees member or admin roles. A request without a token
reaches Glance unauthenticated, which answers 401.

Runs inside Glance's venv (.venv-glance): it imports nothing but WebOb.
"""
import webob.dec

# The headers keystonemiddleware sets; a caller may not send its own.
IDENTITY_HEADERS = ('X-Identity-Status', 'X-User-Id', 'X-User-Name', 'X-Project-Id',
                    'X-Project-Name', 'X-Tenant-Id', 'X-Roles', 'X-Service-Catalog')


class NoAuth2Headers:
    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        for header in IDENTITY_HEADERS:
            req.headers.pop(header, None)
        token = req.headers.get('X-Auth-Token')
        if token:
            if ':' in token:
                user_id, _sep, project_id = token.partition(':')
                project_id = project_id or user_id
            else:
                user_id = project_id = 'admin'
            roles = ['member', 'reader'] + (['admin'] if user_id == 'admin' else [])
            req.headers.update({
                'X-Identity-Status': 'Confirmed', 'X-User-Id': user_id,
                'X-User-Name': user_id, 'X-Project-Id': project_id,
                'X-Project-Name': project_id, 'X-Roles': ','.join(roles)})
        return req.get_response(self.application)


def filter_factory(global_conf, **local_conf):
    return NoAuth2Headers
