"""[cells] options: how a question asked of every cell database at once
waits for the cells that are slow or down."""
from oslo_config import cfg

GROUP = 'cells'

opts = [
    cfg.FloatOpt('cell_timeout', default=30, min=0.1,
                 help='Seconds a cell has to answer a query asked of every cell '
                      '(server lists, quota counts, host states). A cell that does '
                      'not answer in time is left out of the answer (or reported '
                      'as down, as the request asks).'),
    cfg.IntOpt('max_queries_per_cell', default=8, min=1,
               help='Threads one process keeps for the queries of one cell (read '
                    'when the process first asks the cell); more queries wait for '
                    'one of them, within cell_timeout. A hung cell database holds '
                    'at most this many threads, never those of the other cells.'),
    cfg.FloatOpt('down_cell_recheck_interval', default=10, min=0,
                 help='Seconds a cell that did not answer in time is answered for '
                      'as down without being asked; the next query after that asks '
                      'it again.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
