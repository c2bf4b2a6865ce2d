"""scatter_gather: one answer per cell, whatever each cell does, and a
hung cell never holds up the others."""
from concurrent import futures
import threading
import time

from nova_common import cells_scatter
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import exception

CELLS = [{'uuid': 'cell-%d' % n, 'name': 'cell%d' % n,
          'database_connection': 'sqlite:///cell%d.db' % n} for n in range(3)]


def test_each_cell_answers_in_its_own_targeted_context():
    results = cells_scatter.scatter_gather(
        nova_context.get_admin_context(), CELLS,
        lambda ctx, cell: (ctx.cell_uuid, cell['name']), timeout=5)
    assert results == {'cell-0': ('cell-0', 'cell0'), 'cell-1': ('cell-1', 'cell1'),
                       'cell-2': ('cell-2', 'cell2')}


def test_failures_and_timeouts_are_answers_too():
    release = threading.Event()

    def ask(ctx, cell):
        if cell['uuid'] == 'cell-1':
            raise ValueError('database gone')
        if cell['uuid'] == 'cell-2':
            release.wait(10)
        return 'ok'

    try:
        results = cells_scatter.scatter_gather(nova_context.get_admin_context(), CELLS, ask,
                                               timeout=0.2)
    finally:
        release.set()
    assert results['cell-0'] == 'ok'
    assert isinstance(results['cell-1'], ValueError)
    assert isinstance(results['cell-2'], exception.CellTimeout)
    assert [cell['uuid'] for cell, _ in cells_scatter.successes(results, CELLS)] == ['cell-0']


def test_no_cells_no_answers():
    assert cells_scatter.scatter_gather(nova_context.get_admin_context(), [],
                                        lambda ctx, cell: 1) == {}


def test_a_hung_cell_never_starves_the_others():
    """One cell's database hangs and is asked every time: over many
    requests at once (more than any shared pool would hold) the other
    cells always answer, and every request ends within one bounded wait;
    once marked down, the hung cell costs no wait at all."""
    CONF.set_override('cell_timeout', 0.2, group='cells')
    CONF.set_override('max_queries_per_cell', 4, group='cells')
    CONF.set_override('down_cell_recheck_interval', 0, group='cells')
    hung = threading.Event()

    def ask(ctx, cell):
        if cell['uuid'] == 'cell-1':
            hung.wait(30)
        return 'ok'

    def one_request():
        started = time.monotonic()
        results = cells_scatter.scatter_gather(nova_context.get_admin_context(), CELLS, ask)
        return time.monotonic() - started, results

    try:
        with futures.ThreadPoolExecutor(max_workers=20) as callers:
            answers = [answer for _ in range(3)
                       for answer in callers.map(lambda _: one_request(), range(20))]
        CONF.set_override('down_cell_recheck_interval', 60, group='cells')
        answers.append(one_request())
        marked_down = one_request()
    finally:
        hung.set()
    assert len(answers) == 61
    for elapsed, results in answers + [marked_down]:
        assert results['cell-0'] == results['cell-2'] == 'ok'
        assert isinstance(results['cell-1'], exception.CellTimeout)
        assert elapsed < 2.0, 'one bounded wait (0.2 s), whatever the load'
    assert marked_down[0] < 0.5, 'a cell marked down is not waited for'


def test_a_cell_that_timed_out_is_asked_again_after_the_recheck_interval():
    CONF.set_override('cell_timeout', 0.1, group='cells')
    CONF.set_override('down_cell_recheck_interval', 0.3, group='cells')
    slow = threading.Event()

    def ask(ctx, cell):
        if not slow.is_set():
            time.sleep(0.5)
        return cell['name']

    first = cells_scatter.scatter_gather(nova_context.get_admin_context(), CELLS[:1], ask)
    assert isinstance(first['cell-0'], exception.CellTimeout)
    slow.set()
    skipped = cells_scatter.scatter_gather(nova_context.get_admin_context(), CELLS[:1], ask)
    assert isinstance(skipped['cell-0'], exception.CellTimeout), 'still marked down'
    time.sleep(0.5)
    again = cells_scatter.scatter_gather(nova_context.get_admin_context(), CELLS[:1], ask)
    assert again == {'cell-0': 'cell0'}


def test_a_cell_whose_database_connection_failed_is_marked_down():
    """A connection refused, or dropped by the read timeout before
    cell_timeout ran out, cost a wait too: the cell is not asked again
    until the recheck interval has passed. Other errors do not mark it."""
    from oslo_db import exception as db_exc
    CONF.set_override('cell_timeout', 5, group='cells')
    CONF.set_override('down_cell_recheck_interval', 60, group='cells')
    asked = []

    def ask(ctx, cell):
        asked.append(cell['uuid'])
        if cell['uuid'] == 'cell-1':
            raise db_exc.DBConnectionError('Lost connection to MySQL server during query')
        if cell['uuid'] == 'cell-2':
            raise ValueError('not a connection error')
        return 'ok'

    context = nova_context.get_admin_context()
    first = cells_scatter.scatter_gather(context, CELLS, ask)
    assert isinstance(first['cell-1'], db_exc.DBConnectionError)
    second = cells_scatter.scatter_gather(context, CELLS, ask)
    assert isinstance(second['cell-1'], exception.CellTimeout), 'marked down'
    assert isinstance(second['cell-2'], ValueError), 'asked again'
    assert asked.count('cell-1') == 1 and asked.count('cell-2') == 2
