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
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
