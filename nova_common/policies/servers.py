"""Policies of servers (list, show, create, update, delete), their
extended attributes, metadata, tags and instance actions, named and
defaulted as in Nova. The policies of server actions (start, stop, reboot,
...) live with the actions."""
from nova_common.policies import base

SERVERS = 'os_compute_api:servers:%s'
EXTENDED_ATTRIBUTES = 'os_compute_api:os-extended-server-attributes'
METADATA = 'os_compute_api:server-metadata:%s'
TAGS = 'os_compute_api:os-server-tags:%s'
INSTANCE_ACTIONS = 'os_compute_api:os-instance-actions:%s'

_SERVER = '/servers/{server_id}'

rules = [
    base.rule(SERVERS % 'index', base.PROJECT_READER_OR_ADMIN, 'List all servers',
              [('GET', '/servers')]),
    base.rule(SERVERS % 'detail', base.PROJECT_READER_OR_ADMIN,
              'List all servers with detailed information', [('GET', '/servers/detail')]),
    base.rule(SERVERS % 'index:get_all_tenants', base.ADMIN,
              'List all servers for all projects', [('GET', '/servers')]),
    base.rule(SERVERS % 'detail:get_all_tenants', base.ADMIN,
              'List all servers with detailed information for all projects',
              [('GET', '/servers/detail')]),
    base.rule(SERVERS % 'allow_all_filters', base.ADMIN,
              'Allow all filters when listing servers',
              [('GET', '/servers'), ('GET', '/servers/detail')]),
    base.rule(SERVERS % 'show', base.PROJECT_READER_OR_ADMIN, 'Show a server',
              [('GET', _SERVER)]),
    base.rule(SERVERS % 'show:host_status', base.ADMIN,
              'Show a server with the host_status attribute (2.16+)',
              [('GET', _SERVER), ('GET', '/servers/detail')]),
    base.rule(SERVERS % 'show:host_status:unknown-only', base.ADMIN,
              'Show a server with the host_status attribute only when it is UNKNOWN',
              [('GET', _SERVER), ('GET', '/servers/detail')]),
    base.rule(SERVERS % 'create', base.PROJECT_MEMBER_OR_ADMIN, 'Create a server',
              [('POST', '/servers')]),
    base.rule(SERVERS % 'create:forced_host', base.ADMIN,
              'Create a server on the specified host and/or node',
              [('POST', '/servers')]),
    base.rule(SERVERS % 'update', base.PROJECT_MEMBER_OR_ADMIN, 'Update a server',
              [('PUT', _SERVER)]),
    base.rule(SERVERS % 'delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server',
              [('DELETE', _SERVER)]),
    base.rule(SERVERS % 'create_image', base.PROJECT_MEMBER_OR_ADMIN,
              'Create an image from a server',
              [('POST', _SERVER + '/action (createImage)')]),
    base.rule(EXTENDED_ATTRIBUTES, base.ADMIN,
              'Return extended attributes (OS-EXT-SRV-ATTR:*) of a server',
              [('GET', _SERVER), ('GET', '/servers/detail'), ('PUT', _SERVER)]),

    base.rule(METADATA % 'index', base.PROJECT_READER_OR_ADMIN, 'List all metadata of a server',
              [('GET', _SERVER + '/metadata')]),
    base.rule(METADATA % 'show', base.PROJECT_READER_OR_ADMIN, 'Show metadata for a server',
              [('GET', _SERVER + '/metadata/{key}')]),
    base.rule(METADATA % 'create', base.PROJECT_MEMBER_OR_ADMIN, 'Create metadata for a server',
              [('POST', _SERVER + '/metadata')]),
    base.rule(METADATA % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
              'Replace metadata for a server', [('PUT', _SERVER + '/metadata')]),
    base.rule(METADATA % 'update', base.PROJECT_MEMBER_OR_ADMIN,
              'Update metadata from a server', [('PUT', _SERVER + '/metadata/{key}')]),
    base.rule(METADATA % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Delete metadata from a server', [('DELETE', _SERVER + '/metadata/{key}')]),

    base.rule(TAGS % 'index', base.PROJECT_READER_OR_ADMIN, 'List all tags for given server',
              [('GET', _SERVER + '/tags')]),
    base.rule(TAGS % 'show', base.PROJECT_READER_OR_ADMIN, 'Check tag existence on the server',
              [('GET', _SERVER + '/tags/{tag}')]),
    base.rule(TAGS % 'update', base.PROJECT_MEMBER_OR_ADMIN, 'Add a single tag to the server',
              [('PUT', _SERVER + '/tags/{tag}')]),
    base.rule(TAGS % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
              'Replace all tags on specified server with the new set of tags',
              [('PUT', _SERVER + '/tags')]),
    base.rule(TAGS % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Delete a single tag from the specified server',
              [('DELETE', _SERVER + '/tags/{tag}')]),
    base.rule(TAGS % 'delete_all', base.PROJECT_MEMBER_OR_ADMIN,
              'Delete all the server tags', [('DELETE', _SERVER + '/tags')]),

    base.rule(INSTANCE_ACTIONS % 'list', base.PROJECT_READER_OR_ADMIN,
              'List actions for a server', [('GET', _SERVER + '/os-instance-actions')]),
    base.rule(INSTANCE_ACTIONS % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show action details for a server',
              [('GET', _SERVER + '/os-instance-actions/{request_id}')]),
    base.rule(INSTANCE_ACTIONS % 'events', base.ADMIN,
              'Add events details (with traceback and host) in action details',
              [('GET', _SERVER + '/os-instance-actions/{request_id}')]),
    base.rule(INSTANCE_ACTIONS % 'events:details', base.ADMIN,
              'Add "details" key in action events (2.84+)',
              [('GET', _SERVER + '/os-instance-actions/{request_id}')]),
]


def list_rules():
    return rules
