"""networksegments: the segment of each network (network_type vxlan, vlan
or flat; physical_network; segmentation_id), unique so that no two
networks share one.

Networks made before this revision were VXLAN networks whose VNI was
derived from their id (uuid modulo 2**24 - 1, plus 1), so two of them could
share a VNI. Each gets that derived VNI, in creation order; a network
whose derived VNI an older network already holds gets the next free VNI
above it (wrapping around) instead, and is logged: its hosts move it to the
new VNI when they next refresh its ports ([network]
network_info_refresh_interval), which separates it from the other network.

Revision ID: api0004
Revises: api0003
Create Date: 2026-12-03
"""
import logging
import uuid

from alembic import op
import sqlalchemy as sa


revision = 'api0004'
down_revision = 'api0003'
branch_labels = None
depends_on = None

LOG = logging.getLogger('alembic.runtime.migration')
VNI_SPACE = 2 ** 24 - 1


def _derived_vni(network_id):
    return uuid.UUID(network_id).int % VNI_SPACE + 1


def _free_vni(wanted, used):
    """``wanted``, or the next VNI above it (1 after the last) not in ``used``."""
    vni = wanted
    while vni in used:
        vni = vni % VNI_SPACE + 1
    return vni


def upgrade():
    segments = op.create_table(
        'networksegments',
        sa.Column('network_id', sa.String(length=36), nullable=False),
        sa.Column('network_type', sa.String(length=32), nullable=False),
        sa.Column('physical_network', sa.String(length=64), nullable=False),
        sa.Column('segmentation_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ),
        sa.PrimaryKeyConstraint('network_id'),
        sa.UniqueConstraint('network_type', 'physical_network', 'segmentation_id',
                            name='uniq_networksegments0segment'),
    )
    _backfill(segments)


def _backfill(segments):
    networks = sa.table('networks', sa.column('id', sa.String),
                        sa.column('created_at', sa.DateTime))
    rows = op.get_bind().execute(
        sa.select(networks.c.id, networks.c.created_at)
        .order_by(networks.c.created_at, networks.c.id)).fetchall()
    used = set()
    backfilled = []
    for network_id, created_at in rows:
        derived = _derived_vni(network_id)
        vni = _free_vni(derived, used)
        if vni != derived:
            LOG.warning('Network %s: its derived VNI %d is held by an older network; it '
                        'gets VNI %d', network_id, derived, vni)
        used.add(vni)
        backfilled.append({'network_id': network_id, 'network_type': 'vxlan',
                           'physical_network': '', 'segmentation_id': vni,
                           'created_at': created_at, 'updated_at': None})
    if backfilled:
        op.bulk_insert(segments, backfilled)
