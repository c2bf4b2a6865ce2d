"""Healing the resource ledger: free the claims nobody will free.

A claim normally goes away when its instance is deleted or fails for good;
a daemon that died at the wrong moment can leave one behind. A consumer's
allocations are released when it has no build request and

- its instance is deleted, or in ERROR without a host, in every cell that
  has it; or
- no cell has it at all (every cell answered), and its claim is older than
  ``[scheduler] allocation_heal_grace_period``.

Build requests are read before the cells: the super-conductor creates the
instance in its cell before it deletes the build request, so a consumer
without a build request at that moment is either in a cell already or
gone for good.
"""
import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states
from nova_common import cells_scatter
from nova_common.conf import CONF
from nova_common.db.api import build_requests
from nova_common.db.api import cells as cells_db
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations

LOG = logging.getLogger(__name__)

# Consumers looked up per query.
_BATCH = 500



def _batches(values):
    values = sorted(values)
    for start in range(0, len(values), _BATCH):
        yield values[start:start + _BATCH]


def _instance_states(context, uuids):
    """{uuid: [(deleted, vm_state, host)]} of the targeted cell's instance
    rows (deleted ones included) among ``uuids``, and of its migrations
    among them: a migration holds the source claim of a move, so it
    stands for its instance while it is in progress, and for nothing
    once it is over."""
    states = {}
    for batch in _batches(uuids):
        for instance in instances.list(context, {'uuid': batch}):
            states.setdefault(instance['uuid'], []).append(
                (instance['deleted'], instance['vm_state'], instance['host']))
        for migration in migrations.list(context, {'uuid': batch}):
            states[migration['uuid']] = _migration_state(context, migration)
    return states


def _migration_state(context, migration):
    if migration['status'] in migrations.FINAL_STATUSES:
        return [(1, compute_states.DELETED, None)]
    found = instances.list(context, {'uuid': migration['instance_uuid']})
    return [(row['deleted'], row['vm_state'], row['host']) for row in found] or [
        (1, compute_states.DELETED, None)]


def _holds_resources(row):
    deleted, vm_state, host = row
    if deleted or vm_state == compute_states.DELETED:
        return False
    return not (vm_state == compute_states.ERROR and not host)


def stale_consumers(context):
    """The consumers whose allocations nobody will free (see the module doc)."""
    claimed_since = ledger.consumers(context)
    building = {request['instance_uuid'] for request in build_requests.list(context)}
    candidates = set(claimed_since) - building
    if not candidates:
        return []
    cells = cells_db.list_cells(context, include_cell0=True)
    results = cells_scatter.scatter_gather(
        context, cells, lambda cell_context, cell: _instance_states(cell_context, candidates),
        timeout=60)
    every_cell_answered = True
    rows = {}
    for cell in cells:
        result = results[cell['uuid']]
        if cells_scatter.is_failure(result):
            LOG.warning('Cell %s (%s) did not answer; consumers it may hold are kept: %s',
                        cell['uuid'], cell['name'], result)
            every_cell_answered = False
            continue
        for uuid, found in result.items():
            rows.setdefault(uuid, []).extend(found)
    oldest_kept = timeutils.utcnow() - datetime.timedelta(
        seconds=CONF.scheduler.allocation_heal_grace_period)
    stale = []
    for uuid in sorted(candidates):
        if uuid in rows:
            if not any(_holds_resources(row) for row in rows[uuid]):
                stale.append(uuid)
        elif every_cell_answered and claimed_since[uuid] is not None \
                and claimed_since[uuid] <= oldest_kept:
            stale.append(uuid)
    return stale


def heal(context):
    """Release the stale consumers' allocations; returns their uuids."""
    stale = stale_consumers(context)
    for uuid in stale:
        removed = ledger.release(context, uuid)
        LOG.info('Ledger healing released %d allocation(s) of %s, which no instance '
                 'needs any more', removed, uuid)
    return stale
