"""Network segments in the API database (networksegments, one per network).

No two networks share a segment: the table's unique key refuses the second
insert of one. A segment is inserted in a savepoint of the network's
create transaction: when a racing create took the id just picked, only the
savepoint is rolled back and another free id is tried (at most [network]
allocation_retries times), so this works as well inside a caller's
transaction (get-me-a-network's). A segment an admin asked for in full is
answered 409 when taken.

On MySQL a deadlock rolls the whole transaction back, savepoint and all:
the savepoint's own rollback then fails ("SAVEPOINT ... does not exist")
and hides the deadlock; ``engines.deadlocked`` tells such an error, so
that the create is run again as after any deadlock.
"""
from oslo_db import exception as db_exc

from nova_common.conf import CONF
from nova_network.db import models
from nova_network import exceptions
from nova_network import segments


def provider_attributes(row):
    """The provider extension's attributes of a segment row."""
    return {segments.NETWORK_TYPE: row.network_type,
            segments.PHYSICAL_NETWORK: row.physical_network or None,
            segments.SEGMENTATION_ID: (row.segmentation_id
                                       if row.network_type != segments.FLAT else None)}


def of_networks(session, network_ids):
    """{network id: segment row} of ``network_ids``."""
    if not network_ids:
        return {}
    return {row.network_id: row for row in session.query(models.NetworkSegment).filter(
        models.NetworkSegment.network_id.in_(network_ids))}


def _used(session, network_type):
    return {(physnet, number) for physnet, number in session.query(
        models.NetworkSegment.physical_network, models.NetworkSegment.segmentation_id)
        .filter_by(network_type=network_type)}


def _insert(session, network_id, network_type, physnet, number):
    """The segment row, or None when another network holds that segment
    (its insert alone undone)."""
    row = models.NetworkSegment(network_id=network_id, network_type=network_type,
                                physical_network=physnet or '', segmentation_id=number or 0)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except db_exc.DBDuplicateEntry:
        return None
    return row


def _allocate(session, network_id, network_type, physnet=None):
    """A free segment of ``network_type`` (on ``physnet`` when given) from
    the configured ranges, or None when every one is taken."""
    pool_list = segments.pools(network_type, physnet)
    lost = set()
    for attempt in range(CONF.network.allocation_retries):
        free = segments.pick_free(pool_list, _used(session, network_type) | lost, attempt)
        if free is None:
            return None
        row = _insert(session, network_id, network_type, *free)
        if row is not None:
            return row
        # Under repeatable read this transaction does not see the winner's
        # row: remember what was lost.
        lost.add(free)
    raise exceptions.ConcurrentChange()


def reserve(session, network_id, requested):
    """Give network ``network_id`` a segment: ``requested`` (of
    segments.requested) in full, or allocated from the ranges when partial
    or None (then by [network] tenant_network_types). 409 when a full one
    is taken, 503 NoNetworkAvailable when no range has a free one."""
    if requested is None:
        for network_type in CONF.network.tenant_network_types:
            row = _allocate(session, network_id, network_type)
            if row is not None:
                return row
        raise exceptions.NoNetworkAvailable()
    network_type = requested['network_type']
    physnet, number = requested['physical_network'], requested['segmentation_id']
    if number is None and network_type != segments.FLAT:
        row = _allocate(session, network_id, network_type, physnet)
        if row is None:
            raise exceptions.NoNetworkAvailable()
        return row
    row = _insert(session, network_id, network_type, physnet, number)
    if row is None:
        raise segments.in_use(requested)
    return row


def check_unchanged(row, values):
    """400 when ``values`` (an update) changes a provider attribute: the
    segment of a network stays what it was created with."""
    current = provider_attributes(row)
    for name in segments.PROVIDER_ATTRIBUTES:
        if name in values and values[name] != current[name]:
            raise exceptions.InvalidInput(
                error_message='Plugin does not support updating provider attributes')


def delete(session, network_id):
    session.query(models.NetworkSegment).filter_by(network_id=network_id).delete(
        synchronize_session=False)
