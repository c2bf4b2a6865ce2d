"""What the compute API's image proxy (/images, up to 2.35) shows of an
image from the image service, in Nova's older format."""
from nova_common.conf import CONF

COLLECTION = 'images'

# Glance status -> (Nova status, progress).
_STATUS = {
    'queued': ('SAVING', 25), 'saving': ('SAVING', 50), 'uploading': ('SAVING', 50),
    'importing': ('SAVING', 50), 'active': ('ACTIVE', 100), 'killed': ('ERROR', 0),
    'deleted': ('DELETED', 0), 'pending_delete': ('DELETED', 0),
    'deactivated': ('ERROR', 0),
}


def _links(req, image):
    links = req.links(COLLECTION, image['id'])
    if CONF.image.backend == 'local':
        links.append({'rel': 'alternate', 'type': 'application/vnd.openstack.image',
                      'href': '%s/image/images/%s' % (req.root_url, image['id'])})
    return links


def summary(req, image):
    return {'id': image['id'], 'name': image['name'], 'links': _links(req, image)}


def detail(req, image):
    status, progress = _STATUS.get(image['status'], ('UNKNOWN', 0))
    view = summary(req, image)
    view.update({
        'minRam': image.get('min_ram') or 0,
        'minDisk': image.get('min_disk') or 0,
        'metadata': dict(image.get('properties') or {}),
        'created': image.get('created_at'),
        'updated': image.get('updated_at'),
        'status': status,
        'progress': progress,
        'OS-EXT-IMG-SIZE:size': image.get('size'),
    })
    server_uuid = view['metadata'].get('instance_uuid')
    if server_uuid:
        view['server'] = {'id': server_uuid, 'links': req.links('servers', server_uuid)}
    return view
