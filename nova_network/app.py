"""The network service's WSGI app, mounted by nova-api under /network:

    GET /network/            the version document (no authentication), as Neutron's /
    /network/v2.0/...        auth (as the compute API: keystone or noauth2) -> router
"""
import webob.dec

from nova_api import auth
from nova_common.conf import CONF
from nova_network.api import versions
from nova_network import exceptions
from nova_network import router
from nova_network import segments

PREFIX = '/network'


class NetworkApp:
    def __init__(self, prefix=PREFIX):
        self.prefix = prefix
        self.api = auth.wrap(router.NetworkAPI(), unauthenticated=_unauthenticated)

    @webob.dec.wsgify
    def __call__(self, req):
        if serves(req.path_info, self.prefix):
            req.script_name += self.prefix
            req.path_info = req.path_info[len(self.prefix):]
        if req.path_info.rstrip('/') == '':
            if req.method not in ('GET', 'HEAD'):
                return router.fault_response(
                    exceptions.HTTPMethodNotAllowed(['GET', 'HEAD'], method=req.method))
            return router.json_response(200, versions.version_list(req.application_url))
        if not serves(req.path_info, '/' + versions.API_VERSION):
            return router.fault_response(
                exceptions.HTTPNotFound('The resource could not be found.'))
        if req.content_length is not None and req.content_length > CONF.api.max_request_body_size:
            return router.fault_response(exceptions.HTTPRequestEntityTooLarge())
        req.script_name += '/' + versions.API_VERSION
        req.path_info = req.path_info[len(versions.API_VERSION) + 1:]
        return req.get_response(self.api)


def _unauthenticated(req):
    return router.fault_response(exceptions.HTTPUnauthorized())


def build():
    """The app; a [network] range that cannot be used stops the start here
    (ValueError naming it) instead of failing every network create."""
    segments.vni_ranges()
    segments.vlan_ranges()
    return NetworkApp()


def serves(path, prefix=PREFIX):
    """Whether a request for ``path`` is the network service's."""
    return path == prefix or path.startswith(prefix + '/')


def bad_url_response():
    """What nova-api's outermost guard answers, in Neutron's format, for a
    URL of this service that is not UTF-8."""
    return router.fault_response(exceptions.HTTPBadRequest('The URL is not valid UTF-8.'))
