"""instances.old_flavor / new_flavor: the two flavors of a resize

Revision ID: main0003
Revises: main0002
Create Date: 2026-12-03

During a resize or cold migration the instance keeps the flavor it had
(old_flavor) and the flavor it goes to (new_flavor) beside its current
one, as Nova's instance_extra.flavor holds "old" and "new": a revert
goes back to old_flavor even when that flavor was deleted meanwhile.
"""
from alembic import op
import sqlalchemy as sa


revision = 'main0003'
down_revision = 'main0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances') as batch_op:
        batch_op.add_column(sa.Column('old_flavor', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('new_flavor', sa.Text(), nullable=True))
