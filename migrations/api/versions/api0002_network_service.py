"""the built-in network service: networks, subnets, ports and their IP
allocations, security groups and rules, network quotas

Revision ID: api0002
Revises: api0001
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = 'api0002'
down_revision = 'api0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('network_quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('resource', sa.String(length=64), nullable=False),
    sa.Column('hard_limit', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'resource', name='uniq_network_quotas0project_id0resource')
    )
    op.create_table('networks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('admin_state_up', sa.Boolean(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('mtu', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.create_index('networks_project_id_idx', ['project_id'], unique=False)

    op.create_table('security_groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('stateful', sa.Boolean(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('security_groups', schema=None) as batch_op:
        batch_op.create_index('security_groups_project_id_idx', ['project_id'], unique=False)

    op.create_table('default_security_groups',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('security_group_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['security_group_id'], ['security_groups.id'], ),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('ports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('mac_address', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.String(length=255), nullable=False),
    sa.Column('device_owner', sa.String(length=255), nullable=False),
    sa.Column('admin_state_up', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('binding_host_id', sa.String(length=255), nullable=False),
    sa.Column('port_security_enabled', sa.Boolean(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'mac_address', name='uniq_ports0network_id0mac_address')
    )
    with op.batch_alter_table('ports', schema=None) as batch_op:
        batch_op.create_index('ports_device_id_idx', ['device_id'], unique=False)
        batch_op.create_index('ports_project_id_idx', ['project_id'], unique=False)

    op.create_table('security_group_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('security_group_id', sa.String(length=36), nullable=False),
    sa.Column('remote_group_id', sa.String(length=36), nullable=True),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('ethertype', sa.String(length=8), nullable=False),
    sa.Column('protocol', sa.String(length=40), nullable=True),
    sa.Column('port_range_min', sa.Integer(), nullable=True),
    sa.Column('port_range_max', sa.Integer(), nullable=True),
    sa.Column('remote_ip_prefix', sa.String(length=64), nullable=True),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['remote_group_id'], ['security_groups.id'], ),
    sa.ForeignKeyConstraint(['security_group_id'], ['security_groups.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('security_group_rules', schema=None) as batch_op:
        batch_op.create_index('security_group_rules_project_id_idx', ['project_id'], unique=False)
        batch_op.create_index('security_group_rules_security_group_id_idx', ['security_group_id'], unique=False)

    op.create_table('subnets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('ip_version', sa.Integer(), nullable=False),
    sa.Column('cidr', sa.String(length=64), nullable=False),
    sa.Column('gateway_ip', sa.String(length=64), nullable=True),
    sa.Column('enable_dhcp', sa.Boolean(), nullable=False),
    sa.Column('allocation_pools', sa.Text(), nullable=False),
    sa.Column('dns_nameservers', sa.Text(), nullable=False),
    sa.Column('host_routes', sa.Text(), nullable=False),
    sa.Column('ipv6_ra_mode', sa.String(length=16), nullable=True),
    sa.Column('ipv6_address_mode', sa.String(length=16), nullable=True),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subnets', schema=None) as batch_op:
        batch_op.create_index('subnets_network_id_idx', ['network_id'], unique=False)
        batch_op.create_index('subnets_project_id_idx', ['project_id'], unique=False)

    op.create_table('ip_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('port_id', sa.String(length=36), nullable=False),
    sa.Column('subnet_id', sa.String(length=36), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['port_id'], ['ports.id'], ),
    sa.ForeignKeyConstraint(['subnet_id'], ['subnets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subnet_id', 'ip_address', name='uniq_ip_allocations0subnet_id0ip_address')
    )
    with op.batch_alter_table('ip_allocations', schema=None) as batch_op:
        batch_op.create_index('ip_allocations_port_id_idx', ['port_id'], unique=False)

    op.create_table('port_security_group_bindings',
    sa.Column('port_id', sa.String(length=36), nullable=False),
    sa.Column('security_group_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['port_id'], ['ports.id'], ),
    sa.ForeignKeyConstraint(['security_group_id'], ['security_groups.id'], ),
    sa.PrimaryKeyConstraint('port_id', 'security_group_id')
    )
    with op.batch_alter_table('port_security_group_bindings', schema=None) as batch_op:
        batch_op.create_index('port_security_group_bindings_security_group_id_idx', ['security_group_id'], unique=False)

