"""Alembic environment of the api database schema.

Run through ``nova_common.db.migration``; the connection URL (or an open
connection) comes in the Config's attributes, never from an ini file.
"""
from alembic import context
from sqlalchemy import create_engine, pool

from nova_common.db.models import api as models
from nova_network.db import models as network_models  # noqa: F401 - its tables

target_metadata = models.BASE.metadata


def _run(connection):
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = context.config.attributes.get('connection')
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.attributes['url'], poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


run_migrations_online()
