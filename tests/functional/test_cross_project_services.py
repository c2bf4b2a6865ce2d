"""A second project's token never reads or changes the first project's
private resources under /network and /image: every route that names one
(taken from the route tables, so a new route is checked too) answers 404 as
Neutron and Glance do (403 for another project's quotas, as Neutron's
quota extension does), lists leave them out, and afterwards the owner sees
them unchanged."""
import jsonschema
from oslo_serialization import jsonutils

from nova_common.image import glance_format
from tests.functional.network import helpers
from tests.functional import service_fuzz_surfaces as surfaces

OWNER = 'demo:demo'
INTRUDER = 'other:other'
# Path variables that name no project's resource.
NOT_OWNED = {'alias', 'name', 'tag'}


def _network_resources(cloud):
    net = helpers.network(cloud, name='private')
    subnet = helpers.subnet(cloud, net['id'])
    group = helpers.call(cloud, 'POST', '/security-groups',
                         {'security_group': {'name': 'private'}}, OWNER, 201).json
    group_id = group['security_group']['id']
    rule = helpers.call(cloud, 'POST', '/security-group-rules', {'security_group_rule': {
        'security_group_id': group_id, 'direction': 'ingress', 'protocol': 'tcp',
        'port_range_min': 22, 'port_range_max': 22}}, OWNER, 201).json
    port = helpers.port(cloud, net['id'], security_groups=[group_id])
    return {'network_id': net['id'], 'subnet_id': subnet['id'], 'port_id': port['id'],
            'group_id': group_id, 'rule_id': rule['security_group_rule']['id'],
            'project_id': 'demo'}


def _network_update_body(surface, func):
    """A valid update body for ``func``, so that only ownership can refuse it."""
    key, schema = surface.BODIES[func]
    properties = schema['properties']
    inner = {'name': 'taken'} if 'name' in properties else {sorted(properties)[0]: 1}
    jsonschema.validate(inner, schema)
    return {key: inner}


def _snapshot(cloud, paths):
    return {path: helpers.call(cloud, 'GET', path, token=OWNER, status=200).json
            for path in paths}


def test_another_project_cannot_touch_private_network_resources(cloud):
    surface = surfaces.NetworkSurface()
    owned = _network_resources(cloud)
    owner_paths = ['/networks/' + owned['network_id'], '/subnets/' + owned['subnet_id'],
                   '/ports/' + owned['port_id'], '/security-groups/' + owned['group_id'],
                   '/security-group-rules/' + owned['rule_id'], '/quotas/demo']
    before = _snapshot(cloud, owner_paths)
    checked = 0
    for method, pattern, func in surface.routes():
        variables = [part[1:-1] for part in pattern.split('/') if part.startswith('{')]
        if not variables or set(variables) <= NOT_OWNED:
            continue
        path = pattern.format(**owned)
        body = _network_update_body(surface, func) if method == 'PUT' else None
        expected = 403 if variables == ['project_id'] else 404
        response = helpers.call(cloud, method, path, body, INTRUDER)
        assert response.status_int == expected, (method, path, response.text)
        assert set(response.json['NeutronError']) == {'type', 'message', 'detail'}
        checked += 1
    assert checked >= 15, 'too few routes name a resource: %d' % checked
    # Creating something that points into the owner's private resources.
    for path, body in [
            ('/subnets', {'subnet': {'network_id': owned['network_id'], 'cidr': '10.9.0.0/24',
                                     'ip_version': 4}}),
            ('/ports', {'port': {'network_id': owned['network_id']}}),
            ('/security-group-rules', {'security_group_rule': {
                'security_group_id': owned['group_id'], 'direction': 'ingress'}})]:
        helpers.fault(helpers.call(cloud, 'POST', path, body, INTRUDER), 404,
                      {'/subnets': 'NetworkNotFound', '/ports': 'NetworkNotFound',
                       '/security-group-rules': 'SecurityGroupNotFound'}[path])
    for collection, key in [('networks', 'network_id'), ('subnets', 'subnet_id'),
                            ('ports', 'port_id'), ('security-groups', 'group_id'),
                            ('security-group-rules', 'rule_id')]:
        listed = helpers.call(cloud, 'GET', '/' + collection, token=INTRUDER, status=200)
        assert owned[key] not in helpers.ids(listed, collection.replace('-', '_'))
    assert _snapshot(cloud, owner_paths) == before


def _image(cloud, visibility):
    image = cloud.post('/image/v2/images', {
        'name': visibility, 'visibility': visibility, 'disk_format': 'raw',
        'container_format': 'bare', 'tags': ['kept']}, token=OWNER, status=201).json
    cloud.app.put('/image/v2/images/%s/file' % image['id'], params=b'owner data',
                  headers={'X-Auth-Token': OWNER, 'Content-Type': 'application/octet-stream'})
    return image['id']


def _image_request(cloud, method, path, token):
    """``method`` on ``path`` with a body it accepts when the caller may."""
    body, content_type = b'', None
    if path.endswith('/file') and method == 'PUT':
        body, content_type = b'intruder data', 'application/octet-stream'
    elif method == 'PATCH':
        body = jsonutils.dump_as_bytes([{'op': 'replace', 'path': '/name', 'value': 'taken'}])
        content_type = glance_format.PATCH_MEDIA_TYPE
    elif method == 'POST':
        body, content_type = jsonutils.dump_as_bytes({'member': 'other'}), 'application/json'
    headers = {'X-Auth-Token': token}
    if content_type:
        headers['Content-Type'] = content_type
    return cloud.app.request(path, method=method, body=body, headers=headers,
                             expect_errors=True)


def test_another_project_cannot_touch_private_or_unshared_images(cloud):
    surface = surfaces.ImageSurface()
    image_ids = [_image(cloud, 'private'), _image(cloud, 'shared')]
    before = {image_id: cloud.get('/image/v2/images/' + image_id, token=OWNER).json
              for image_id in image_ids}
    checked = 0
    for image_id in image_ids:
        for method, pattern, _func in surface.routes():
            if '{image_id}' not in pattern:
                continue
            path = surfaces.image_app.PREFIX + pattern.format(image_id=image_id, tag='kept')
            response = _image_request(cloud, method, path, INTRUDER)
            assert response.status_int == 404, (method, path, response.text)
            assert surfaces.check_glance_error(response, None) is None, response.text
            checked += 1
    assert checked >= 16, 'too few routes name an image: %d' % checked
    listed = cloud.get('/image/v2/images', token=INTRUDER, status=200).json['images']
    assert not {image['id'] for image in listed} & set(image_ids)
    for image_id in image_ids:
        assert cloud.get('/image/v2/images/' + image_id, token=OWNER).json == before[image_id]
        data = cloud.get('/image/v2/images/%s/file' % image_id, token=OWNER, status=200)
        assert data.body == b'owner data'
