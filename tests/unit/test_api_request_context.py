"""Each API request's id is the thread's current one from the start of
the request, before auth makes the caller's context: the lines logged
meanwhile (a refused token, a bad URL) must not carry the id of the
request the thread served before."""
from oslo_context import context as oslo_context
import webob

from nova_api import app as api_app


def test_a_request_starts_with_its_own_id_current():
    seen = []

    def inner(environ, start_response):
        current = oslo_context.get_current()
        seen.append((current.request_id, current.global_request_id))
        return webob.Response('ok')(environ, start_response)

    oslo_context.RequestContext(request_id='req-the-one-before')
    request = webob.Request.blank('/v2.1/servers')
    request.environ.update({'openstack.request_id': 'req-this-one',
                            'openstack.global_request_id': 'req-global'})
    assert request.get_response(api_app.FaultWrapper(inner)).status_int == 200
    assert seen == [('req-this-one', 'req-global')]
