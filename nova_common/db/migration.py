"""Schema migrations of the API and cell databases with alembic."""
import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy

import migrations

API = 'api'
MAIN = 'main'


def _config(database, url):
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location',
                        os.path.join(os.path.dirname(migrations.__file__), database))
    cfg.attributes['url'] = url
    return cfg


def upgrade(database, url, revision='head'):
    """Bring the schema at ``url`` to ``revision``; a no-op when it is there."""
    command.upgrade(_config(database, url), revision)


def current_version(database, url):
    """The revision the database at ``url`` is at, or None when it is empty."""
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            return alembic_migration.MigrationContext.configure(
                connection).get_current_revision()
    finally:
        engine.dispose()


def head_version(database):
    scripts = alembic_script.ScriptDirectory.from_config(_config(database, None))
    return scripts.get_current_head()
