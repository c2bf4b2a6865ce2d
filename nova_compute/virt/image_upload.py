"""Uploading a guest disk a driver copied into a queued image: what every
driver's snapshot ends with."""
from nova_common.image import api as image_api


def upload(context, image_id, data, disk_format, container_format='bare'):
    """Set the image's formats, then upload ``data`` (a path or a binary
    file object) into it; returns the active image."""
    images = image_api.ImageAPI()
    images.update(context, image_id, {'disk_format': disk_format,
                                      'container_format': container_format})
    return images.upload(context, image_id, data)
