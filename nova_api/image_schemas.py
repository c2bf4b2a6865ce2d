"""The JSON schemas the Image API publishes under /v2/schemas, as Glance v2
does: python-glanceclient (and so Horizon) fetches ``/v2/schemas/image``
before it lists, creates or updates an image, builds its image model from
it and validates new images against it; ``/v2/schemas/member(s)`` describe
image members.

The image schema states what the local store accepts and answers
(nova_common/image/glance_format.py): its formats, statuses and
visibilities, with extra properties allowed as strings.
"""
import copy

from nova_common.image import glance_format

_LINKS = [{'rel': 'self', 'href': '{self}'},
          {'rel': 'enclosure', 'href': '{file}'},
          {'rel': 'describedby', 'href': '{schema}'}]


def _string(description, read_only=False, nullable=False, max_length=None):
    prop = {'type': ['null', 'string'] if nullable else 'string',
            'description': description}
    if read_only:
        prop['readOnly'] = True
    if max_length:
        prop['maxLength'] = max_length
    return prop


def _image_properties():
    return {
        'id': dict(_string('An identifier for the image'),
                   pattern=glance_format.UUID_PATTERN),
        'name': _string('Descriptive name for the image', nullable=True, max_length=255),
        'status': dict(_string('Status of the image', read_only=True),
                       enum=list(glance_format.STATUSES)),
        'visibility': dict(_string('Scope of image accessibility'),
                           enum=list(glance_format.VISIBILITIES)),
        'protected': {'type': 'boolean', 'description': 'If true, image will not be '
                                                       'deletable.'},
        'os_hidden': {'type': 'boolean', 'description': 'If true, image will not appear '
                                                       'in default image list response.'},
        'checksum': _string('md5 hash of image contents.', read_only=True, nullable=True,
                            max_length=32),
        'os_hash_algo': _string('Algorithm to calculate the os_hash_value',
                                read_only=True, nullable=True, max_length=64),
        'os_hash_value': _string('Hexdigest of the image contents using the algorithm '
                                 'specified by the os_hash_algo', read_only=True,
                                 nullable=True, max_length=128),
        'owner': _string('Owner of the image', nullable=True, max_length=255),
        'size': {'type': ['null', 'integer'], 'readOnly': True,
                 'description': 'Size of image file in bytes'},
        'virtual_size': {'type': ['null', 'integer'], 'readOnly': True,
                         'description': 'Virtual size of image in bytes'},
        'container_format': dict(_string('Format of the container', nullable=True),
                                 enum=[None] + list(glance_format.CONTAINER_FORMATS)),
        'disk_format': dict(_string('Format of the disk', nullable=True),
                            enum=[None] + list(glance_format.DISK_FORMATS)),
        'created_at': _string('Date and time of image registration', read_only=True),
        'updated_at': _string('Date and time of the last image modification',
                              read_only=True),
        'tags': {'type': 'array', 'description': 'List of strings related to the image',
                 'items': {'type': 'string', 'maxLength': 255}},
        'min_ram': {'type': 'integer',
                    'description': 'Amount of ram (in MB) required to boot image.'},
        'min_disk': {'type': 'integer',
                     'description': 'Amount of disk space (in GB) required to boot image.'},
        'self': _string('An image self url', read_only=True),
        'file': _string('An image file url', read_only=True),
        'schema': _string('An image schema url', read_only=True),
    }


def _member_properties():
    return {
        'member_id': _string('An identifier for the image member (tenantId)'),
        'image_id': dict(_string('An identifier for the image'),
                         pattern=glance_format.UUID_PATTERN),
        'created_at': _string('Date and time of image member creation'),
        'updated_at': _string('Date and time of last modification of image member'),
        'status': dict(_string('The status of this image member'),
                       enum=['pending', 'accepted', 'rejected']),
        'schema': _string('An image member schema url', read_only=True),
    }


def image():
    """The image schema: extra properties are strings (Glance's permissive
    schema)."""
    return {'name': 'image', 'properties': _image_properties(),
            'additionalProperties': {'type': 'string'}, 'links': copy.deepcopy(_LINKS)}


def member():
    return {'name': 'member', 'properties': _member_properties()}


def _collection(name, item, paged):
    properties = {name: {'type': 'array', 'items': item}, 'schema': {'type': 'string'}}
    links = [{'rel': 'describedby', 'href': '{schema}'}]
    if paged:
        properties.update(first={'type': 'string'}, next={'type': 'string'})
        links = [{'rel': 'first', 'href': '{first}'},
                 {'rel': 'next', 'href': '{next}'}] + links
    return {'name': name, 'properties': properties, 'links': links}


# Served at /v2/schemas/<name>.
SCHEMAS = {
    'image': image,
    'images': lambda: _collection('images', image(), paged=True),
    'member': member,
    'members': lambda: _collection('members', member(), paged=False),
}
