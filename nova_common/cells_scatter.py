"""Ask every cell database the same question at once.

``scatter_gather`` runs ``fn(cell_context, cell)`` for every cell on a
pool of threads kept for the life of the process (a request must not pay
for starting threads) and waits at most ``timeout`` seconds; a cell that raised answers with its
exception, one that did not answer in time with a ``CellTimeout``. A list
request keeps answering when a cell is down: ``successes`` drops (and
logs) the cells that failed. ``cell_of_host`` finds the one cell a
compute host belongs to.
"""
from concurrent import futures
import time

from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells as cells_db
from nova_common import exception

LOG = logging.getLogger(__name__)

# Seconds a cell has to answer (Nova's CELL_TIMEOUT).
CELL_TIMEOUT = 60


def _call_in_cell(context, cell, fn):
    with nova_context.target_cell(context, cell) as cell_context:
        return fn(cell_context, cell)


# Enough threads that a few hung cells cannot starve the others.
_EXECUTOR = futures.ThreadPoolExecutor(max_workers=32, thread_name_prefix='cell-scatter')


def scatter_gather(context, cells, fn, timeout=CELL_TIMEOUT):
    """{cell uuid: fn's result | the exception it raised | CellTimeout}.
    A cell that does not answer in time is not waited for: its thread
    finishes on its own."""
    pending = {cell['uuid']: _EXECUTOR.submit(_call_in_cell, context, cell, fn)
               for cell in cells}
    if pending:
        futures.wait(pending.values(), timeout=timeout)
    results = {}
    for cell_uuid, future in pending.items():
        if not future.done():
            results[cell_uuid] = exception.CellTimeout(uuid=cell_uuid)
        elif future.exception() is not None:
            results[cell_uuid] = future.exception()
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


def gather(context, fn, with_cell0=True, timeout=CELL_TIMEOUT):
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
