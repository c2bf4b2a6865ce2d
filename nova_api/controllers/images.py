"""/images (up to 2.35): the compute API's proxy to the image service,
kept for old clients. Visibility and ownership are the image service's:
an image the caller may not see is not found, one it may not delete is
403, a protected one too.

List filters, as Nova maps them: ``name``, ``status`` (an image service
status), ``server`` (images snapshotted from that server), ``type``
(``image_type``: snapshot or backup) and ``minRam``/``minDisk``/
``changes-since`` (applied to what the image service returns); ``limit``
and ``marker`` page, with a ``next`` link for a full page.
"""
from oslo_utils import timeutils

from nova_api import handler
from nova_api import pagination
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_api.views import images as views
from nova_common.image import api as image_api
from nova_common import exception

MAX_VERSION = '2.35'

_list_query = {'type': 'object', 'properties': dict(parameter_types.pagination_parameters),
               'additionalProperties': True}

# query parameter -> the image service filter it becomes.
_FILTERS = {'name': 'name', 'status': 'status', 'server': 'instance_uuid',
            'type': 'image_type'}


def _changes_since(req):
    value = req.query_value('changes-since')
    if value is None:
        return None
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise exception.Invalid('Invalid changes-since value: %s' % value)


def _matching(req):
    filters = {target: req.query_value(name) for name, target in _FILTERS.items()
               if req.query_value(name) is not None}
    if 'status' in filters:
        filters['status'] = filters['status'].lower()
    min_ram, min_disk = handler.int_filter(req, 'minRam'), handler.int_filter(req, 'minDisk')
    since = _changes_since(req)
    limit, marker = pagination.limit_and_marker(req)
    images = image_api.ImageAPI().list(req.context, filters=filters, marker=marker)
    kept = []
    for image in images:
        if min_ram is not None and (image.get('min_ram') or 0) < min_ram:
            continue
        if min_disk is not None and (image.get('min_disk') or 0) < min_disk:
            continue
        if since is not None and timeutils.normalize_time(
                timeutils.parse_isotime(image['updated_at'])) < since:
            continue
        kept.append(image)
    return kept[:limit]


def _listing(req, view, *collection):
    images = _matching(req)
    body = {'images': [view(req, image) for image in images]}
    links = pagination.next_links(req, images, lambda image: image['id'], *collection)
    if links:
        body['images_links'] = links
    return body


@validation.query(_list_query)
def index(req):
    return _listing(req, views.summary, views.COLLECTION)


@validation.query(_list_query)
def detail(req):
    return _listing(req, views.detail, views.COLLECTION, 'detail')


def show(req, image_id):
    return {'image': views.detail(req, image_api.ImageAPI().get(req.context, image_id))}


@handler.response(204)
def delete(req, image_id):
    image_api.ImageAPI().delete(req.context, image_id)


ROUTES = [
    ('GET', '/images', index, None, MAX_VERSION),
    ('GET', '/images/detail', detail, None, MAX_VERSION),
    ('GET', '/images/{image_id}', show, None, MAX_VERSION),
    ('DELETE', '/images/{image_id}', delete, None, MAX_VERSION),
]
