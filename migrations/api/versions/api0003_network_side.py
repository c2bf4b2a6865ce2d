"""ports.binding_profile (Neutron's binding:profile, where Nova's side keeps
a port's device tag: 2.32/2.42 networks tags, 2.49 os-interface tags);
auto_allocated_topologies (get-me-a-network's one network per project)

Revision ID: api0003
Revises: api0002
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = 'api0003'
down_revision = 'api0002'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('ports', sa.Column('binding_profile', sa.Text(), nullable=True))
    op.create_table('auto_allocated_topologies',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
