"""Live migration: the ``os-migrateLive`` server action (registered in
server_actions.ACTIONS; os_compute_api:os-migrate-server:migrate_live,
202), and the actions on one in progress: DELETE
/servers/{id}/migrations/{mid} (abort, 2.24: a ``running`` migration; 2.65:
also ``queued`` or ``preparing``) and POST
/servers/{id}/migrations/{mid}/action ``force_complete`` (2.22), each 202.
The work is in nova_api/compute/live_migrate.py.

The body as Nova's: ``host`` (null: the scheduler chooses),
``block_migration`` (a boolean; "auto" from 2.25), ``disk_over_commit``
(before 2.25; accepted and ignored: the ledger decides what fits),
``force`` (2.30 to 2.67: no scheduler for ``host``).
"""
from oslo_utils import strutils

from nova_api.compute import live_migrate as compute_live_migrate
from nova_api.compute import lookup
from nova_api import handler
from nova_api.schemas import live_migrate as schemas
from nova_api import validation
from nova_common.policies import migrate_server as policies
from nova_common import policy

AUTO_VERSION = '2.25'
FORCE_VERSION = '2.30'
NO_FORCE_VERSION = '2.68'
FORCE_COMPLETE_VERSION = '2.22'
ABORT_VERSION = '2.24'
ABORT_QUEUED_VERSION = '2.65'


def _target(instance):
    return {'project_id': instance['project_id'], 'user_id': instance['user_id']}


def _block_migration(value):
    if value == 'auto':
        return 'auto'
    return strutils.bool_from_string(value, strict=True)


@handler.response(202)
@validation.body(schemas.migrate_live, '2.1', '2.24')
@validation.body(schemas.migrate_live_v225, AUTO_VERSION, '2.29')
@validation.body(schemas.migrate_live_v230, FORCE_VERSION, '2.67')
@validation.body(schemas.migrate_live_v268, NO_FORCE_VERSION)
def migrate_live(req, instance, argument):
    policy.authorize(req.context, policies.MIGRATE_LIVE, _target(instance))
    force = False
    if req.at_least(FORCE_VERSION) and not req.at_least(NO_FORCE_VERSION):
        force = strutils.bool_from_string(argument.get('force', False), strict=True)
    compute_live_migrate.live_migrate(req.context, instance, argument.get('host'),
                                      _block_migration(argument['block_migration']), force)


def _instance(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, policies.SERVER_MIGRATIONS % rule, _target(instance))
    return instance


@handler.response(202)
def abort(req, server_id, migration_id):
    instance = _instance(req, server_id, 'delete')
    compute_live_migrate.abort(req.context, instance, migration_id,
                               queued=req.at_least(ABORT_QUEUED_VERSION))


@handler.response(202)
@validation.body(schemas.force_complete)
def migration_action(req, server_id, migration_id):
    instance = _instance(req, server_id, 'force_complete')
    compute_live_migrate.force_complete(req.context, instance, migration_id)


ACTIONS = {
    'os-migrateLive': (migrate_live, None, None),
}

ROUTES = [
    ('DELETE', '/servers/{server_id}/migrations/{migration_id}', abort, ABORT_VERSION),
    ('POST', '/servers/{server_id}/migrations/{migration_id}/action', migration_action,
     FORCE_COMPLETE_VERSION),
]
