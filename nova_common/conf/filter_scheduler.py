"""[filter_scheduler] options: which filters and weighers the scheduler
runs, and how the weighers lean (spread or stack)."""
from oslo_config import cfg

GROUP = 'filter_scheduler'

opts = [
    cfg.ListOpt('enabled_filters',
                default=['AvailabilityZoneFilter', 'ComputeFilter', 'RamFilter',
                         'CoreFilter', 'DiskFilter', 'ComputeCapabilitiesFilter',
                         'ImagePropertiesFilter'],
                help='Filters run on every request, in this order, by their name in '
                     'the "nova.scheduler.filters" entry point group. A host must '
                     'pass all of them to be chosen.'),
    cfg.ListOpt('weight_classes', default=['RAMWeigher', 'CPUWeigher', 'DiskWeigher'],
                help='Weighers that rank the hosts that passed the filters, by their '
                     'name in the "nova.scheduler.weighers" entry point group.'),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help='Multiplier of the free RAM weigher. Positive spreads instances '
                      'over hosts (most free RAM first), negative stacks them (least '
                      'free RAM first), 0 ignores free RAM.'),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help='Multiplier of the free vCPU weigher. Positive spreads, negative '
                      'stacks, 0 ignores free vCPUs.'),
    cfg.FloatOpt('disk_weight_multiplier', default=1.0,
                 help='Multiplier of the free disk weigher. Positive spreads, negative '
                      'stacks, 0 ignores free disk.'),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help='The host of each instance is picked at random among this many '
                    'best-weighed hosts. 1 always takes the best one; a larger value '
                    'lowers the chance that schedulers running side by side race '
                    'for the same host.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
