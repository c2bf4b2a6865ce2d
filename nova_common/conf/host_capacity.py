"""[DEFAULT] options on how much of a compute node the scheduler may hand
out: the amounts kept for the host itself and the overcommit ratios.

They keep Nova's names and place ([DEFAULT]) so existing nova.conf files
work. A ratio a compute node reports itself wins over these; a node that
reports none gets ``<resource>_allocation_ratio`` when set, else the
``initial_<resource>_allocation_ratio``.
"""
from oslo_config import cfg

GROUP = None

opts = [
    cfg.FloatOpt('cpu_allocation_ratio', min=0.0,
                 help='Virtual CPUs handed out per physical CPU of a compute node. '
                      'Unset: the node\'s own ratio, else '
                      'initial_cpu_allocation_ratio.'),
    cfg.FloatOpt('ram_allocation_ratio', min=0.0,
                 help='Virtual RAM handed out per MiB of physical RAM. Unset: the '
                      'node\'s own ratio, else initial_ram_allocation_ratio.'),
    cfg.FloatOpt('disk_allocation_ratio', min=0.0,
                 help='Virtual disk handed out per GiB of local disk. Unset: the '
                      'node\'s own ratio, else initial_disk_allocation_ratio.'),
    cfg.FloatOpt('initial_cpu_allocation_ratio', default=4.0, min=0.0,
                 help='CPU allocation ratio of a node that reports none and when '
                      'cpu_allocation_ratio is unset.'),
    cfg.FloatOpt('initial_ram_allocation_ratio', default=1.0, min=0.0,
                 help='RAM allocation ratio of a node that reports none and when '
                      'ram_allocation_ratio is unset.'),
    cfg.FloatOpt('initial_disk_allocation_ratio', default=1.0, min=0.0,
                 help='Disk allocation ratio of a node that reports none and when '
                      'disk_allocation_ratio is unset.'),
    cfg.IntOpt('reserved_host_cpus', default=0, min=0,
               help='Physical CPUs of each compute node kept for the host.'),
    cfg.IntOpt('reserved_host_memory_mb', default=512, min=0,
               help='Memory (MiB) of each compute node kept for the host.'),
    cfg.IntOpt('reserved_host_disk_mb', default=0, min=0,
               help='Local disk (MiB) of each compute node kept for the host; '
                    'rounded up to whole GiB in the ledger.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
