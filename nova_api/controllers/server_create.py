"""POST /servers."""
from oslo_serialization import jsonutils
import webob

from nova_api.compute import create as compute_create
from nova_api.schemas import server_create as schemas
from nova_api import validation
from nova_common import policy


@validation.body(schemas.create, '2.1', '2.18')
@validation.body(schemas.create_v219, '2.19', '2.31')
@validation.body(schemas.create_v232, '2.32', '2.36')
@validation.body(schemas.create_v237, '2.37', '2.41')
@validation.body(schemas.create_v242, '2.42', '2.51')
@validation.body(schemas.create_v252, '2.52', '2.62')
@validation.body(schemas.create_v263, '2.63', '2.73')
@validation.body(schemas.create_v274, '2.74', '2.89')
@validation.body(schemas.create_v290, '2.90')
def create(req):
    context = req.context
    policy.authorize(context, 'os_compute_api:servers:create',
                     {'project_id': context.project_id, 'user_id': context.user_id})
    instances, admin_password, want_reservation = compute_create.create_servers(
        context, req.body, req.version)
    if want_reservation:
        body = {'reservation_id': instances[0]['reservation_id']}
    else:
        first = instances[0]
        body = {'server': {
            'id': first['uuid'],
            'links': req.links('servers', first['uuid']),
            'OS-DCF:diskConfig': req.body['server'].get('OS-DCF:diskConfig', 'MANUAL'),
            # As Nova: the groups asked for (none is applied yet), or default.
            'security_groups': req.body['server'].get('security_groups',
                                                      [{'name': 'default'}]),
            'adminPass': admin_password,
        }}
    response = webob.Response(status=202, content_type='application/json', charset='utf-8',
                              body=jsonutils.dump_as_bytes(body))
    if 'server' in body:
        response.headers['Location'] = req.link('servers', body['server']['id'])
    return response


ROUTES = [
    ('POST', '/servers', create),
]
