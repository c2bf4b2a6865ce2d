"""scatter_gather: one answer per cell, whatever each cell does."""
import threading

from nova_common import cells_scatter
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
