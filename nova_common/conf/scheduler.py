"""[scheduler] options."""
from oslo_config import cfg

GROUP = 'scheduler'

opts = [
    cfg.IntOpt('max_attempts', default=3, min=1,
               help='How many hosts a build is tried on (the first choice plus '
                    'alternates) before the instance goes to ERROR.'),
    cfg.IntOpt('discover_hosts_in_cells_interval', default=-1, min=-1,
               help='Seconds between runs of host discovery in the scheduler; -1 '
                    'turns it off (run "nova-manage cell_v2 discover_hosts").'),
    cfg.IntOpt('periodic_task_interval', default=60, min=1,
               help='Seconds between two runs of the scheduler\'s periodic work: '
                    'refreshing host states (and the ledger inventories) from every '
                    'cell, and healing the ledger.'),
    cfg.IntOpt('host_state_full_refresh_interval', default=300, min=1,
               help='Seconds between two full reloads of the cached host states. In '
                    'between, each refresh reads only the compute nodes and services '
                    'that changed since the previous one.'),
    cfg.FloatOpt('host_state_max_age', default=1.0, min=0,
                 help='Seconds the cached compute nodes and services may be old when '
                      'a scheduling request uses them; an older cache is refreshed '
                      'first (0: refresh for every request). Usage is not bound by it: '
                      'every request reads the usage of the ledger providers whose '
                      'generation moved, and claims atomically, so this only delays '
                      'seeing a new, changed or disabled host.'),
    cfg.IntOpt('allocation_heal_grace_period', default=300, min=0,
               help='Seconds a claim whose consumer is found neither as an instance '
                    'in any cell nor as a build request is left alone before the '
                    'ledger healing frees it (a build may be between the two).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
