"""migrations.memory_* / disk_*: how far a live migration got

Revision ID: main0004
Revises: main0003
Create Date: 2026-12-03

A running live migration's figures from the hypervisor's job info (bytes
of memory and disk in all, sent, still to send), as Nova's migrations
table holds them; GET /servers/{id}/migrations (2.23) shows them.
"""
from alembic import op
import sqlalchemy as sa


revision = 'main0004'
down_revision = 'main0003'
branch_labels = None
depends_on = None

COLUMNS = ('memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
           'disk_processed', 'disk_remaining')


def upgrade():
    with op.batch_alter_table('migrations') as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.BigInteger(), nullable=True))
