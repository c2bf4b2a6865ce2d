"""The server actions that move a server's disk into the image service:
createImage, createBackup (nova_api/compute/snapshot.py) and shelve,
shelveOffload, unshelve (nova_api/compute/shelve.py). server_actions.py
routes to them."""
from oslo_serialization import jsonutils
import webob

from nova_api.compute import shelve as compute_shelve
from nova_api.compute import snapshot
from nova_api import handler
from nova_api.schemas import server_images as schemas
from nova_api import validation
from nova_common.policies import create_backup as backup_policies
from nova_common.policies import servers as server_policies
from nova_common.policies import shelve as shelve_policies
from nova_common import policy

# From 2.45 createImage and createBackup answer {"image_id": ...} instead
# of a Location header.
IMAGE_ID_BODY_VERSION = '2.45'


def _authorize(req, rule, instance):
    policy.authorize(req.context, rule, {'project_id': instance['project_id'],
                                         'user_id': instance['user_id']})


def _image_reply(req, image, with_location=True):
    """202: {"image_id"} from 2.45; before it no body and the image's
    link under the compute API in Location (none for a backup with
    rotation 0, whose image is deleted at once, as in Nova)."""
    if req.at_least(IMAGE_ID_BODY_VERSION):
        return webob.Response(status=202, content_type='application/json', charset='utf-8',
                              body=jsonutils.dump_as_bytes({'image_id': image['id']}))
    response = webob.Response(status=202)
    if with_location:
        response.headers['Location'] = req.link('images', image['id'])
    return response


@validation.body(schemas.create_image)
def create_image(req, instance, argument):
    _authorize(req, server_policies.SERVERS % 'create_image', instance)
    image = snapshot.create_image(req.context, instance, argument['name'],
                                  argument.get('metadata'))
    return _image_reply(req, image)


@validation.body(schemas.create_backup)
def create_backup(req, instance, argument):
    _authorize(req, backup_policies.POLICY, instance)
    rotation = int(argument['rotation'])
    image = snapshot.backup(req.context, instance, argument['name'], argument['backup_type'],
                            rotation, argument.get('metadata'))
    return _image_reply(req, image, with_location=rotation > 0)


@handler.response(202)
def shelve(req, instance, argument):
    _authorize(req, shelve_policies.POLICY % 'shelve', instance)
    compute_shelve.shelve(req.context, instance)


@handler.response(202)
def shelve_offload(req, instance, argument):
    _authorize(req, shelve_policies.POLICY % 'shelve_offload', instance)
    compute_shelve.shelve_offload(req.context, instance)


@handler.response(202)
@validation.body(schemas.unshelve_v277, '2.77', '2.90')
@validation.body(schemas.unshelve_v291, '2.91')
def unshelve(req, instance, argument):
    """From 2.77 the body may name an availability_zone; from 2.91 a host
    (administrators, by policy) and a null zone (unpin the server)."""
    _authorize(req, shelve_policies.POLICY % 'unshelve', instance)
    zone, host = compute_shelve.UNSET, None
    if req.at_least('2.77') and argument:
        if 'availability_zone' in argument:
            zone = argument['availability_zone']
        if req.at_least('2.91') and argument.get('host'):
            host = argument['host']
            _authorize(req, shelve_policies.POLICY % 'unshelve_to_host', instance)
    compute_shelve.unshelve(req.context, instance, zone, host)


# action name -> (handler, min_version, max_version), merged into
# server_actions.ACTIONS.
ACTIONS = {
    'createImage': (create_image, None, None),
    'createBackup': (create_backup, None, None),
    'shelve': (shelve, None, None),
    'shelveOffload': (shelve_offload, None, None),
    'unshelve': (unshelve, None, None),
}
