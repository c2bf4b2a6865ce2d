"""The Glance v2 image document and the image dict used inside the project.

Inside, an image is a dict of core attributes plus ``properties``, the
extra properties ({name: string}), the shape Nova's image API hands out.
On the wire (Glance v2) the extra properties sit at the top level beside
the core attributes. This module converts between the two, validates an
image against Glance's schema and applies JSON-patch changes, so that the
local store, the /image app and the glance backend share one definition.
"""
import copy

import jsonschema

from nova_common import exception

DISK_FORMATS = ('ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop')
CONTAINER_FORMATS = ('ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed')
VISIBILITIES = ('public', 'private', 'shared', 'community')
STATUSES = ('queued', 'saving', 'active', 'killed', 'deleted',
            'pending_delete', 'deactivated', 'uploading', 'importing')

# Core attributes, in the order Glance lists them.
CORE = ('id', 'name', 'status', 'visibility', 'owner', 'protected', 'os_hidden',
        'disk_format', 'container_format', 'min_disk', 'min_ram', 'size',
        'virtual_size', 'checksum', 'os_hash_algo', 'os_hash_value', 'tags',
        'created_at', 'updated_at')
DEFAULTS = {'name': None, 'status': 'queued', 'visibility': 'shared', 'owner': None,
            'protected': False, 'os_hidden': False, 'disk_format': None,
            'container_format': None, 'min_disk': 0, 'min_ram': 0, 'size': None,
            'virtual_size': None, 'checksum': None, 'os_hash_algo': None,
            'os_hash_value': None, 'tags': [], 'created_at': None, 'updated_at': None}
# Set by the service only; 'id' may still be chosen at creation.
READ_ONLY = frozenset(('id', 'status', 'size', 'virtual_size', 'checksum',
                       'os_hash_algo', 'os_hash_value', 'created_at', 'updated_at',
                       'self', 'file', 'schema', 'direct_url', 'locations', 'stores'))
RESERVED = frozenset(('deleted', 'deleted_at', 'location'))
# Wire-only members that are neither core attributes nor extra properties.
NOT_PROPERTIES = frozenset(('self', 'file', 'schema', 'direct_url', 'locations', 'stores'))

SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size', 'id',
             'created_at', 'updated_at', 'visibility', 'owner', 'min_disk', 'min_ram')

UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

# Glance's image schema for what a caller may set.
SCHEMA = {
    'type': 'object',
    'properties': {
        'id': {'type': 'string', 'pattern': UUID_PATTERN},
        'name': {'type': ['null', 'string'], 'maxLength': 255},
        'visibility': {'enum': list(VISIBILITIES)},
        'owner': {'type': ['null', 'string'], 'maxLength': 255},
        'protected': {'type': 'boolean'},
        'os_hidden': {'type': 'boolean'},
        'disk_format': {'enum': [None] + list(DISK_FORMATS)},
        'container_format': {'enum': [None] + list(CONTAINER_FORMATS)},
        'min_disk': {'type': 'integer', 'minimum': 0},
        'min_ram': {'type': 'integer', 'minimum': 0},
        'tags': {'type': 'array', 'uniqueItems': True,
                 'items': {'type': 'string', 'maxLength': 255}},
    },
    'propertyNames': {'maxLength': 255},
    'additionalProperties': {'type': 'string', 'maxLength': 65535},
}
_VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
_WRITABLE = tuple(SCHEMA['properties'])

PATCH_MEDIA_TYPE = 'application/openstack-images-v2.1-json-patch'


def from_wire(document):
    """The image dict for a Glance v2 image document."""
    image = {key: copy.deepcopy(document.get(key, DEFAULTS.get(key))) for key in CORE}
    image['properties'] = {key: value for key, value in document.items()
                           if key not in CORE and key not in NOT_PROPERTIES}
    return image


def to_wire(image):
    """The Glance v2 document of an image dict, links included."""
    document = {key: copy.deepcopy(image.get(key, DEFAULTS.get(key))) for key in CORE}
    document.update(image.get('properties') or {})
    document['self'] = '/v2/images/%s' % image['id']
    document['file'] = '/v2/images/%s/file' % image['id']
    document['schema'] = '/v2/schemas/image'
    return document


def create_body(image):
    """The POST /v2/images body for an image dict: the attributes a caller
    may set, with the extra properties at the top level."""
    body = {key: image[key] for key in _WRITABLE if image.get(key) is not None}
    body.update(image.get('properties') or {})
    return body


def image_from_create_body(body):
    """The image dict a POST /v2/images body asks for; 403 for attributes
    a caller may not set, as Glance answers."""
    if not isinstance(body, dict):
        raise exception.Invalid('Body expected in request.')
    for key in body:
        _check_settable(key, creating=True)
    image = from_wire(body)
    for key in ('id', 'owner'):
        if key not in body:
            image.pop(key)
    return image


def validate(image):
    """400 unless the image's settable attributes match Glance's schema."""
    for key in image.get('properties') or {}:
        if key in CORE or key in NOT_PROPERTIES or key in RESERVED or key == 'properties':
            raise exception.Invalid("Extra property '%s' has the name of an image "
                                    "attribute." % key)
    document = {key: image[key] for key in _WRITABLE if key in image}
    document.update(image.get('properties') or {})
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(document))
    if error is not None:
        where = '/'.join(str(part) for part in error.path)
        raise exception.Invalid("Provided object does not match schema 'image': %s%s"
                                % (where + ': ' if where else '', error.message))


def _check_settable(name, creating=False):
    if name in RESERVED:
        raise exception.Forbidden("Attribute '%s' is reserved." % name)
    if name in READ_ONLY and not (creating and name == 'id'):
        raise exception.Forbidden("Attribute '%s' is read-only." % name)


def _decode_pointer(pointer):
    """The attribute a JSON pointer names; only one level is supported."""
    if not isinstance(pointer, str) or not pointer.startswith('/'):
        raise exception.Invalid('Pointer `%s` does not start with "/".' % pointer)
    parts = pointer[1:].split('/')
    if len(parts) != 1 or not parts[0]:
        raise exception.Invalid("Invalid JSON pointer for this resource: '%s'" % pointer)
    token = parts[0]
    if '~' in token.replace('~0', '').replace('~1', ''):
        raise exception.Invalid('Pointer `%s` contains "~" not part of a recognized '
                                'escape sequence.' % pointer)
    return token.replace('~1', '/').replace('~0', '~')


def parse_patch(body):
    """[(op, attribute, value)] for a v2.1 JSON-patch body."""
    if not isinstance(body, list):
        raise exception.Invalid('Request body must be a JSON array of operation objects.')
    changes = []
    for raw in body:
        if not isinstance(raw, dict):
            raise exception.Invalid('Operations must be JSON objects.')
        op = raw.get('op')
        if op not in ('add', 'replace', 'remove'):
            raise exception.Invalid('Invalid operation: `%s`. It must be one of the '
                                    'following: add, replace, remove.' % op)
        if 'path' not in raw:
            raise exception.Invalid("Unable to find 'path' in JSON Schema change")
        name = _decode_pointer(raw['path'])
        if op != 'remove' and 'value' not in raw:
            raise exception.Invalid('Operation "%s" requires a member named "value".' % op)
        _check_settable(name)
        changes.append((op, name, raw.get('value')))
    return changes


def apply_changes(image, changes):
    """A copy of ``image`` with the changes applied as Glance does (v2.1
    semantics: ``add`` of a present attribute replaces it)."""
    image = copy.deepcopy(image)
    properties = image.setdefault('properties', {})
    for op, name, value in changes:
        if op == 'remove':
            if name in CORE:
                raise exception.Forbidden('Property %s may not be removed.' % name)
            if name not in properties:
                raise exception.Conflict('Property %s does not exist.' % name)
            del properties[name]
        elif name in CORE:
            image[name] = value
        elif op == 'replace' and name not in properties:
            raise exception.Conflict('Property %s does not exist.' % name)
        else:
            properties[name] = value
    return image
