"""Migration records: GET /os-migrations (administrators; every cell) and
GET /servers/{server_id}/migrations[/{migration_id}] (2.23; in-progress
live migrations only, as Nova).

/os-migrations: filters hidden, host, instance_uuid, source_compute,
status, migration_type; 2.23 adds ``migration_type`` and, for an
in-progress live migration, ``links`` to it; 2.59 ``uuid``, paging
(limit, marker: a migration uuid) with ``migrations_links``, and
changes-since; 2.66 changes-before; 2.80 ``user_id`` and ``project_id``
(shown and filtered on). Newest first (created_at, then id).
"""
from oslo_utils import timeutils

from nova_api.compute import lookup
from nova_api import pagination
from nova_api.schemas import migrations as schemas
from nova_api import validation
from nova_api.views import servers as server_views
from nova_common import cells_scatter
from nova_common.db.api import migrations as migrations_db
from nova_common import exception
from nova_common.policies import migrate_server as policies
from nova_common import policy

TYPE_VERSION = '2.23'
PAGING_VERSION = '2.59'
USER_VERSION = '2.80'
LIVE_MIGRATION = 'live-migration'
# Nova's live_migration_in_progress.
LIVE_IN_PROGRESS = ('queued', 'preparing', 'running', 'post-migrating')
_FIELDS = ('id', 'source_node', 'dest_node', 'source_compute', 'dest_compute',
           'dest_host', 'status', 'instance_uuid', 'old_instance_type_id',
           'new_instance_type_id', 'created_at', 'updated_at')
# The live migration's progress, shown as <column>_bytes (null until the
# source compute reported any).
PROGRESS_COLUMNS = ('memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
                    'disk_processed', 'disk_remaining')
_FILTERS = ('host', 'instance_uuid', 'source_compute', 'status', 'migration_type')
_NOT_FOUND = 'In-progress live migration %s is not found for server %s.'


def _in_progress_live(migration):
    return (migration.get('migration_type') == LIVE_MIGRATION
            and migration.get('status') in LIVE_IN_PROGRESS)


def _view(req, migration):
    body = {key: migration.get(key) for key in _FIELDS}
    body['created_at'] = server_views.strtime(migration.get('created_at'))
    body['updated_at'] = server_views.strtime(migration.get('updated_at'))
    if req.at_least(TYPE_VERSION):
        body['migration_type'] = migration.get('migration_type')
        if _in_progress_live(migration):
            body['links'] = req.links('servers', migration['instance_uuid'], 'migrations',
                                      migration['id'])
    if req.at_least(PAGING_VERSION):
        body['uuid'] = migration.get('uuid')
    if req.at_least(USER_VERSION):
        body['user_id'] = migration.get('user_id')
        body['project_id'] = migration.get('project_id')
    return body


def _filters(req):
    filters = {'hidden': False}
    for name in _FILTERS + (('user_id', 'project_id') if req.at_least(USER_VERSION) else ()):
        value = req.query_value(name)
        if value is not None:
            filters[name] = value
    if req.at_least(PAGING_VERSION):
        for name in ('changes-since', 'changes-before'):
            value = req.query_value(name)
            if value is not None:
                filters[name] = timeutils.normalize_time(timeutils.parse_isotime(value))
        since, before = filters.get('changes-since'), filters.get('changes-before')
        if since and before and before < since:
            raise exception.Invalid('The value of changes-since must be less than or equal '
                                    'to changes-before.')
    return filters


def _find_marker(context, marker):
    for _cell, found in cells_scatter.gather(
            context, lambda cell_context, _cell: migrations_db.list(
                cell_context, {'uuid': marker}), with_cell0=False):
        if found:
            return found[0]
    raise exception.MarkerNotFound(marker=marker)


def _newest_first(migration):
    return (migration['created_at'], migration['id'])


def _list(context, filters, limit=None, marker=None):
    """The migrations of every cell, newest first, at most ``limit``
    after ``marker`` (a migration uuid)."""
    marker_row = _find_marker(context, marker) if marker else None
    gathered = cells_scatter.gather(
        context, lambda cell_context, _cell: migrations_db.list(
            cell_context, filters, limit=limit, marker=marker_row), with_cell0=False)
    merged = sorted((m for _cell, found in gathered for m in found), key=_newest_first,
                    reverse=True)
    return merged if limit is None else merged[:limit]


@validation.query(schemas.list_query_v20, '2.1', '2.58')
@validation.query(schemas.list_query_v259, '2.59', '2.65')
@validation.query(schemas.list_query_v266, '2.66', '2.79')
@validation.query(schemas.list_query_v280, '2.80')
def index(req):
    policy.authorize(req.context, policies.MIGRATIONS_INDEX, {})
    filters = _filters(req)
    if not req.at_least(PAGING_VERSION):
        return {'migrations': [_view(req, m) for m in _list(req.context, filters)]}
    limit, marker = pagination.limit_and_marker(req)
    found = _list(req.context, filters, limit, marker)
    body = {'migrations': [_view(req, m) for m in found]}
    links = pagination.next_links(req, found, lambda m: m['uuid'], 'os-migrations')
    if links:
        body['migrations_links'] = links
    return body


def _server_view(req, migration):
    body = {key: migration.get(key) for key in (
        'id', 'source_node', 'dest_node', 'source_compute', 'dest_compute', 'dest_host',
        'status')}
    body.update(server_uuid=migration['instance_uuid'],
                created_at=server_views.strtime(migration.get('created_at')),
                updated_at=server_views.strtime(migration.get('updated_at')))
    for column in PROGRESS_COLUMNS:
        body[column + '_bytes'] = migration.get(column)
    if req.at_least(PAGING_VERSION):
        body['uuid'] = migration.get('uuid')
    if req.at_least(USER_VERSION):
        body['user_id'] = migration.get('user_id')
        body['project_id'] = migration.get('project_id')
    return body


def _live_migrations(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, policies.SERVER_MIGRATIONS % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    if instance.get('cell_uuid') is None:
        return instance, []
    with lookup.target_cell(req.context, instance) as cell_context:
        found = migrations_db.get_in_progress_by_instance(cell_context, instance['uuid'],
                                                          LIVE_MIGRATION)
    return instance, [m for m in found if _in_progress_live(m)]


def server_index(req, server_id):
    _instance, found = _live_migrations(req, server_id, 'index')
    return {'migrations': [_server_view(req, m) for m in found]}


def server_show(req, server_id, migration_id):
    instance, found = _live_migrations(req, server_id, 'show')
    for migration in found:
        if str(migration['id']) == str(migration_id):
            return {'migration': _server_view(req, migration)}
    raise exception.NotFound(_NOT_FOUND % (migration_id, instance['uuid']))


ROUTES = [
    ('GET', '/os-migrations', index),
    ('GET', '/servers/{server_id}/migrations', server_index, TYPE_VERSION),
    ('GET', '/servers/{server_id}/migrations/{migration_id}', server_show, TYPE_VERSION),
]
