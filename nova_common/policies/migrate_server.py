"""Policies of resizing and cold-migrating a server and of reading
migration records, named and defaulted as in Nova (servers,
os-migrate-server, os-migrations and servers:migrations policies)."""
from nova_common.policies import base

SERVERS = 'os_compute_api:servers:%s'
MIGRATE = 'os_compute_api:os-migrate-server:migrate'
MIGRATE_HOST = 'os_compute_api:os-migrate-server:migrate:host'
MIGRATE_LIVE = 'os_compute_api:os-migrate-server:migrate_live'
MIGRATIONS_INDEX = 'os_compute_api:os-migrations:index'
SERVER_MIGRATIONS = 'os_compute_api:servers:migrations:%s'

_ACTION = '/servers/{server_id}/action (%s)'

rules = [
    base.rule(SERVERS % 'resize', base.PROJECT_MEMBER_OR_ADMIN, 'Resize a server',
              [('POST', _ACTION % 'resize')]),
    base.rule(SERVERS % 'confirm_resize', base.PROJECT_MEMBER_OR_ADMIN,
              'Confirm a server resize', [('POST', _ACTION % 'confirmResize')]),
    base.rule(SERVERS % 'revert_resize', base.PROJECT_MEMBER_OR_ADMIN,
              'Revert a server resize', [('POST', _ACTION % 'revertResize')]),
    base.rule(MIGRATE, base.ADMIN, 'Cold migrate a server to a host',
              [('POST', _ACTION % 'migrate')]),
    base.rule(MIGRATE_HOST, base.ADMIN, 'Cold migrate a server to a specified host',
              [('POST', _ACTION % 'migrate')]),
    base.rule(MIGRATE_LIVE, base.ADMIN, 'Live migrate a server to a new host without a '
              'reboot', [('POST', _ACTION % 'os-migrateLive')]),
    base.rule(SERVER_MIGRATIONS % 'delete', base.ADMIN,
              'Delete(Abort) an in-progress live migration',
              [('DELETE', '/servers/{server_id}/migrations/{migration_id}')]),
    base.rule(SERVER_MIGRATIONS % 'force_complete', base.ADMIN,
              'Force an in-progress live migration for a given server to complete',
              [('POST', '/servers/{server_id}/migrations/{migration_id}/action '
                        '(force_complete)')]),
    base.rule(MIGRATIONS_INDEX, base.ADMIN, 'List migrations', [('GET', '/os-migrations')]),
    base.rule(SERVER_MIGRATIONS % 'index', base.ADMIN,
              'Lists in-progress live migrations for a given server',
              [('GET', '/servers/{server_id}/migrations')]),
    base.rule(SERVER_MIGRATIONS % 'show', base.ADMIN,
              'Show details for an in-progress live migration for a given server',
              [('GET', '/servers/{server_id}/migrations/{migration_id}')]),
]


def list_rules():
    return rules
