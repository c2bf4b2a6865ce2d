"""task_log: the runs of the computes' periodic audits

Revision ID: main0002
Revises: main0001
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = 'main0002'
down_revision = 'main0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_log',
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=255), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('period_beginning', sa.DateTime(), nullable=False),
    sa.Column('period_ending', sa.DateTime(), nullable=False),
    sa.Column('message', sa.String(length=255), nullable=False),
    sa.Column('task_items', sa.Integer(), nullable=True),
    sa.Column('errors', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_name', 'host', 'period_beginning', 'period_ending',
                        name='uniq_task_name_x_host_x_period_beginning_x_period_ending'),
    )
    with op.batch_alter_table('task_log') as batch_op:
        batch_op.create_index('ix_task_log_period_beginning', ['period_beginning'])
        batch_op.create_index('ix_task_log_period_ending', ['period_ending'])
        batch_op.create_index('ix_task_log_host', ['host'])
