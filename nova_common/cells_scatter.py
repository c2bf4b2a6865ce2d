"""Ask every cell database the same question at once.

``scatter_gather`` runs ``fn(cell_context, cell)`` for every cell and
waits at most ``timeout`` seconds ([cells] cell_timeout by default); a
cell that raised answers with its exception, one that did not answer in
time with a ``CellTimeout``. A list request keeps answering when a cell
is down: ``successes`` drops (and logs) the cells that failed.
``cell_of_host`` finds the one cell a compute host belongs to.

Cells stay independent of each other: each has threads of its own, kept
for the life of the process (a request must not pay for starting
threads), at most [cells] max_queries_per_cell of them; more queries wait
for one of them, within the same timeout. A hung cell database therefore
holds only its own threads, never those of the other cells. A query that
timed out is dropped if it had not started, and a cell that timed out
less than [cells] down_cell_recheck_interval seconds ago answers
CellTimeout at once instead of making every request wait for it. So does
a cell whose database connection failed (refused, or dropped by the
[database] mysql_read_timeout before cell_timeout ran out): each of those
also cost its caller a wait.
"""
from concurrent import futures
import threading
import time

from oslo_db import exception as db_exc
from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells as cells_db
from nova_common import exception

LOG = logging.getLogger(__name__)


class _CellLane:
    """One cell's threads and what is known of its health."""

    def __init__(self, cell_uuid):
        self.executor = futures.ThreadPoolExecutor(
            max_workers=CONF.cells.max_queries_per_cell,
            thread_name_prefix='cell-scatter-%s' % cell_uuid[:8])
        self.down_until = 0.0

    def submit(self, context, cell, fn):
        """A future of ``fn``'s answer, or None when the cell is known to
        be down."""
        if time.monotonic() < self.down_until:
            return None
        return self.executor.submit(nova_context.run_as_current, context, _call_in_cell,
                                    context, cell, fn)

    def timed_out(self, future):
        future.cancel()
        self.mark_down()

    def mark_down(self):
        self.down_until = time.monotonic() + CONF.cells.down_cell_recheck_interval


_lanes_lock = threading.Lock()
_lanes = {}


def _lane(cell_uuid):
    with _lanes_lock:
        lane = _lanes.get(cell_uuid)
        if lane is None:
            lane = _lanes[cell_uuid] = _CellLane(cell_uuid)
        return lane


def reset():
    """Forget every cell's threads and health (tests)."""
    with _lanes_lock:
        _lanes.clear()


def _call_in_cell(context, cell, fn):
    with nova_context.target_cell(context, cell) as cell_context:
        return fn(cell_context, cell)


def scatter_gather(context, cells, fn, timeout=None):
    """{cell uuid: fn's result | the exception it raised | CellTimeout}.
    A cell that does not answer in time is not waited for: its thread
    finishes on its own."""
    if timeout is None:
        timeout = CONF.cells.cell_timeout
    results = {}
    pending = {}
    for cell in cells:
        future = _lane(cell['uuid']).submit(context, cell, fn)
        if future is None:
            results[cell['uuid']] = exception.CellTimeout(uuid=cell['uuid'])
        else:
            pending[cell['uuid']] = future
    if pending:
        futures.wait(pending.values(), timeout=timeout)
    for cell_uuid, future in pending.items():
        if not future.done():
            _lane(cell_uuid).timed_out(future)
            results[cell_uuid] = exception.CellTimeout(uuid=cell_uuid)
        elif future.exception() is not None:
            results[cell_uuid] = future.exception()
            if isinstance(future.exception(), db_exc.DBConnectionError):
                _lane(cell_uuid).mark_down()
        else:
            results[cell_uuid] = future.result()
    return results


def is_failure(result):
    return isinstance(result, BaseException)


def log_skipped(cell, error):
    LOG.warning('Cell %s (%s) did not answer and is left out of the results: %s',
                cell['uuid'], cell.get('name'), error)


def successes(results, cells):
    """[(cell, result)] in the order of ``cells``, leaving out (and logging)
    the cells that failed or timed out."""
    answered = []
    for cell in cells:
        result = results.get(cell['uuid'])
        if is_failure(result):
            log_skipped(cell, result)
            continue
        answered.append((cell, result))
    return answered


# Cell mappings rarely change; every list and quota count needs them.
CELL_CACHE_SECONDS = 10
_cell_cache = {}


def all_cells(context, with_cell0=True):
    """Every cell mapping (cell0 holds the scheduler's and the super
    conductor's service records, no compute nodes). Read at most every
    CELL_CACHE_SECONDS per API database: a new cell is seen within that."""
    key = CONF.api_database.connection
    cached_at, cells = _cell_cache.get(key, (None, None))
    now = time.monotonic()
    if cached_at is None or now - cached_at > CELL_CACHE_SECONDS:
        cells = cells_db.list_cells(context, include_cell0=True)
        _cell_cache[key] = (now, cells)
    if with_cell0:
        return list(cells)
    return [cell for cell in cells if cell['uuid'] != cells_db.CELL0_UUID]


def get_cell(context, cell_uuid):
    """The mapping of cell ``cell_uuid``: from all_cells' cache, or read
    when the cell is newer than the cache (CellMappingNotFound when it is
    not there either)."""
    for cell in all_cells(context):
        if cell['uuid'] == cell_uuid:
            return cell
    return cells_db.get_cell(context, cell_uuid)


def gather(context, fn, with_cell0=True, timeout=None):
    """[(cell, fn's result)] of the cells that answered, in cell order."""
    cells = all_cells(context, with_cell0)
    return successes(scatter_gather(context, cells, fn, timeout), cells)


def cell_of_host(context, host):
    """The cell a compute host is mapped to; HostMappingNotFound when the
    host is not mapped (nova-manage cell_v2 discover_hosts never saw it)."""
    try:
        return cells_db.get_host_cell(context, host)
    except exception.HostNotFound:
        raise exception.HostMappingNotFound(name=host)
