"""Segment allocation under concurrent network creation, on SQLite and on
the local MariaDB: no two networks ever share a segment, a full range
answers NoNetworkAvailable, one admin request for a segment wins and the
others get 409; and migration api0004's backfill of older networks."""
import uuid

import sqlalchemy as sa

from nova_common.conf import CONF
from nova_common.db import engines
from nova_common.db import migration
from nova_network.db import models
from nova_network.db import networks as networks_db
from nova_network import exceptions
from tests.functional.network.test_ipam_concurrency import _concurrently
from tests.functional.network.test_ipam_concurrency import ctx  # noqa: F401 - fixture
from tests.functional.network.test_ipam_concurrency import mariadb_ctx  # noqa: F401
from tests.functional.network.test_ipam_concurrency import sqlite_ctx  # noqa: F401


def _segments(ctx):
    with engines.api_reader(ctx) as session:
        return [(row.network_type, row.physical_network, row.segmentation_id)
                for row in session.query(models.NetworkSegment)]


def _network_count(ctx):
    with engines.api_reader(ctx) as session:
        return session.query(models.Network).count()


def test_racing_creates_never_share_a_segment(ctx):
    CONF.set_override('vni_ranges', ['1:1000'], group='network')
    per_worker = 3

    def create_networks(index):
        return [networks_db.create(ctx, 'project-%d' % index, {'name': 'n'})
                for _network in range(per_worker)]

    results, errors = _concurrently(12, create_networks)
    assert not errors, errors
    vnis = [network['provider:segmentation_id'] for created in results.values()
            for network in created]
    assert len(vnis) == 12 * per_worker and len(set(vnis)) == len(vnis)
    assert sorted(segment[2] for segment in _segments(ctx)) == sorted(vnis)


def test_a_full_range_refuses_the_rest(ctx):
    CONF.set_override('tenant_network_types', ['vlan'], group='network')
    CONF.set_override('network_vlan_ranges', ['physnet1:10:19'], group='network')
    results, errors = _concurrently(16, lambda index: networks_db.create(
        ctx, 'demo', {'name': 'n'}))
    assert len(results) == 10, errors
    assert all(isinstance(error, exceptions.NoNetworkAvailable)
               for error in errors.values()), errors
    assert sorted(network['provider:segmentation_id'] for network in results.values()) == (
        list(range(10, 20)))
    assert sorted(_segments(ctx)) == [('vlan', 'physnet1', vlan) for vlan in range(10, 20)]
    assert _network_count(ctx) == 10


def test_one_winner_for_a_requested_segment(ctx):
    CONF.set_override('network_vlan_ranges', ['physnet1'], group='network')
    wanted = {'name': 'n', 'provider:network_type': 'vlan',
              'provider:physical_network': 'physnet1', 'provider:segmentation_id': 42}
    results, errors = _concurrently(8, lambda index: networks_db.create(ctx, 'demo', wanted))
    assert len(results) == 1
    assert len(errors) == 7 and all(
        isinstance(error, exceptions.VlanIdInUse) for error in errors.values()), errors
    assert _segments(ctx) == [('vlan', 'physnet1', 42)] and _network_count(ctx) == 1


def _colliding_ids():
    """Two network ids whose derived VNIs are equal (uuid modulo 2**24 - 1)."""
    first = uuid.UUID('00000000-0000-4000-8000-000000000005')
    second = uuid.UUID(int=first.int + (2 ** 24 - 1))
    return str(first), str(second)


def test_migration_backfills_derived_vnis_and_moves_a_colliding_one(tmp_path):
    url = 'sqlite:///%s/api.db' % tmp_path
    migration.upgrade('api', url, 'api0003')
    older, newer = _colliding_ids()
    lone = '7d3c2b1a-0000-4000-8000-00000000abcd'
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for network_id, created in ((older, '2026-01-01'), (newer, '2026-02-01'),
                                    (lone, '2026-03-01')):
            connection.execute(sa.text(
                "INSERT INTO networks (id, project_id, name, description, status, "
                "admin_state_up, shared, mtu, revision_number, created_at) VALUES "
                "(:id, 'demo', '', '', 'ACTIVE', 1, 0, 1500, 1, :created)"),
                {'id': network_id, 'created': created})
    migration.upgrade('api', url)
    with engine.begin() as connection:
        rows = dict(connection.execute(sa.text(
            'SELECT network_id, segmentation_id FROM networksegments')).fetchall())
        types = {row[0] for row in connection.execute(sa.text(
            'SELECT network_type, physical_network FROM networksegments')).fetchall()}
    engine.dispose()
    derived = uuid.UUID(older).int % (2 ** 24 - 1) + 1
    assert uuid.UUID(newer).int % (2 ** 24 - 1) + 1 == derived
    assert rows == {older: derived, newer: derived + 1,
                    lone: uuid.UUID(lone).int % (2 ** 24 - 1) + 1}
    assert types == {'vxlan'}
