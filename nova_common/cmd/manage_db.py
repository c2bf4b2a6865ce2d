"""nova-manage api_db and db: schema migrations of the API and cell databases."""
from nova_common.cmd import manage_base
from nova_common.cmd.manage_base import args
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db import migration


def api_connection():
    """[api_database] connection, or CommandFailed when it is not set."""
    url = CONF.api_database.connection
    if not url:
        raise manage_base.CommandFailed(
            '[api_database] connection is not set in the configuration.')
    return url


def _sync(database, url, what):
    with manage_base.database(url, what):
        migration.upgrade(database, url)


def _print_version(database, url, what):
    with manage_base.database(url, what):
        print(migration.current_version(database, url))


class ApiDbCommands:
    """The API database (cell and host mappings, flavors, keypairs, ...)."""

    def sync(self):
        """Bring the API database schema to the latest version."""
        _sync(migration.API, api_connection(), 'API database')

    def version(self):
        """Print the schema version of the API database."""
        _print_version(migration.API, api_connection(), 'API database')


class DbCommands:
    """Cell databases: cell0 and every cell."""

    @args('--local_cell', action='store_true',
          help='Only sync the database of [database] connection, not '
               'cell0 and the mapped cells.')
    def sync(self, local_cell=False):
        """Bring cell0, every mapped cell and [database] connection to the
        latest schema version."""
        targets = [] if local_cell else self._mapped_cell_databases()
        local = CONF.database.connection
        if local and local not in [known for known, _ in targets]:
            targets.append((local, 'database of [database] connection'))
        if not targets:
            raise manage_base.CommandFailed(
                'Nothing to sync: [database] connection is not set and no '
                'cell is mapped.')
        for url, what in targets:
            _sync(migration.MAIN, url, what)

    def version(self):
        """Print the schema version of the database of [database] connection."""
        url = CONF.database.connection
        if not url:
            raise manage_base.CommandFailed(
                '[database] connection is not set in the configuration.')
        _print_version(migration.MAIN, url, 'database')

    @staticmethod
    def _mapped_cell_databases():
        url = CONF.api_database.connection
        if not url:
            return []
        with manage_base.database(url, 'API database'):
            mappings = cells.list_cells(nova_context.get_admin_context())
        targets = []
        for cell in mappings:
            connection = cell['database_connection']
            if connection and connection not in [known for known, _ in targets]:
                targets.append((connection, 'database of cell %s (%s)'
                                % (cell['name'], cell['uuid'])))
        return targets
