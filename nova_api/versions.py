"""The version documents at / and /v2.1 (no authentication needed)."""
from oslo_serialization import jsonutils
import webob
import webob.dec

from nova_api import microversion

_V21_UPDATED = '2013-07-23T11:33:21Z'
_V20_UPDATED = '2011-01-21T11:33:21Z'


def _v20(root):
    return {'id': 'v2.0', 'status': 'DEPRECATED', 'version': '', 'min_version': '',
            'updated': _V20_UPDATED,
            'links': [{'rel': 'self', 'href': root + '/v2/'}]}


def _v21(root):
    return {'id': 'v2.1', 'status': 'CURRENT',
            'version': microversion.MAX_VERSION, 'min_version': microversion.MIN_VERSION,
            'updated': _V21_UPDATED,
            'links': [{'rel': 'self', 'href': root + '/v2.1/'}]}


def _json(body, status=200):
    return webob.Response(status=status, content_type='application/json', charset='utf-8',
                          body=jsonutils.dump_as_bytes(body))


@webob.dec.wsgify
def versions_list(req):
    root = req.application_url.rstrip('/')
    return _json({'versions': [_v20(root), _v21(root)]})


def _version_document(document, media_version):
    document['links'].append({'rel': 'describedby', 'type': 'text/html',
                              'href': 'http://docs.openstack.org/'})
    document['media-types'] = [{'base': 'application/json',
                                'type': 'application/vnd.openstack.compute+json;version=%s'
                                % media_version}]
    return _json({'version': document})


@webob.dec.wsgify
def version_v21(req):
    return _version_document(_v21(req.application_url.rstrip('/')), '2.1')


@webob.dec.wsgify
def version_v20(req):
    """/v2: the deprecated v2.0 API, served as v2.1 at its base version."""
    return _version_document(_v20(req.application_url.rstrip('/')), '2')
