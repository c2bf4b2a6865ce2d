"""/images/{image_id}/metadata (up to 2.35): an image's extra properties
through the compute API's image proxy. Writes stay within the
metadata_items quota (maxImageMeta, 403 beyond it); who may change an
image is the image service's call (403, or 404 for an image the caller
may not see). The image's own attributes (name, size, status, ...) are
not metadata: naming one is 403, as the image service refuses it."""
from nova_api import handler
from nova_api.schemas import servers as server_schemas
from nova_api import validation
from nova_common import exception
from nova_common.image import api as image_api
from nova_common.image import glance_format
from nova_common import quota

MAX_VERSION = '2.35'


def _image(req, image_id):
    return image_api.ImageAPI().get(req.context, image_id)


def _check_quota(req, metadata):
    allowed = quota.get_limits(req.context, req.context.project_id)['metadata_items']
    if 0 <= allowed < len(metadata):
        raise exception.MetadataLimitExceeded(allowed=allowed)


def _write(req, image, metadata, replace):
    for key in metadata:
        if key in glance_format.CORE or key in glance_format.RESERVED:
            raise exception.Forbidden("Attribute '%s' is an image attribute, not metadata."
                                      % key)
    current = image.get('properties') or {}
    wanted = dict(metadata) if replace else dict(current, **metadata)
    _check_quota(req, wanted)
    removed = [key for key in current if key not in wanted] if replace else []
    updated = image_api.ImageAPI().update(req.context, image['id'], {'properties': wanted},
                                          remove_properties=removed)
    return updated.get('properties') or {}


def index(req, image_id):
    return {'metadata': dict(_image(req, image_id).get('properties') or {})}


def show(req, image_id, key):
    metadata = _image(req, image_id).get('properties') or {}
    if key not in metadata:
        raise exception.NotFound('Image %s has no metadata item %s.' % (image_id, key))
    return {'meta': {key: metadata[key]}}


@validation.body(server_schemas.metadata_create)
def create(req, image_id):
    return {'metadata': _write(req, _image(req, image_id), req.body['metadata'], False)}


@validation.body(server_schemas.metadata_update_all)
def update_all(req, image_id):
    return {'metadata': _write(req, _image(req, image_id), req.body['metadata'], True)}


@validation.body(server_schemas.metadata_update)
def update(req, image_id, key):
    item = req.body['meta']
    if key not in item:
        raise exception.Invalid('Request body and URI mismatch')
    metadata = _write(req, _image(req, image_id), item, False)
    return {'meta': {key: metadata[key]}}


@handler.response(204)
def delete(req, image_id, key):
    image = _image(req, image_id)
    if key not in (image.get('properties') or {}):
        raise exception.NotFound('Image %s has no metadata item %s.' % (image_id, key))
    image_api.ImageAPI().update(req.context, image_id, {}, remove_properties=[key])


ROUTES = [
    ('GET', '/images/{image_id}/metadata', index, None, MAX_VERSION),
    ('POST', '/images/{image_id}/metadata', create, None, MAX_VERSION),
    ('PUT', '/images/{image_id}/metadata', update_all, None, MAX_VERSION),
    ('GET', '/images/{image_id}/metadata/{key}', show, None, MAX_VERSION),
    ('PUT', '/images/{image_id}/metadata/{key}', update, None, MAX_VERSION),
    ('DELETE', '/images/{image_id}/metadata/{key}', delete, None, MAX_VERSION),
]
