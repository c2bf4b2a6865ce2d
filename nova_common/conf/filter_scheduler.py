"""[filter_scheduler] options: which filters and weighers the scheduler
runs, and how the weighers lean (spread or stack)."""
from oslo_config import cfg

GROUP = 'filter_scheduler'

opts = [
    cfg.ListOpt('enabled_filters',
                default=['AvailabilityZoneFilter', 'ComputeFilter', 'RamFilter',
                         'CoreFilter', 'DiskFilter', 'ComputeCapabilitiesFilter',
                         'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
                         'ServerGroupAffinityFilter'],
                help='Filters run on every request, in this order, by their name in '
                     'the "nova.scheduler.filters" entry point group. A host must '
                     'pass all of them to be chosen.'),
    cfg.ListOpt('weight_classes', default=['RAMWeigher', 'CPUWeigher', 'DiskWeigher',
                                           'IoOpsWeigher', 'NumInstancesWeigher',
                                           'BuildFailureWeigher', 'ServerGroupSoftAffinityWeigher',
                                           'ServerGroupSoftAntiAffinityWeigher'],
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
    cfg.IntOpt('max_instances_per_host', default=50, min=1,
               help='NumInstancesFilter: hosts with this many instances or more '
                    'take no new one.'),
    cfg.IntOpt('max_io_ops_per_host', default=8, min=1,
               help='IoOpsFilter: hosts with this many I/O-heavy operations under '
                    'way or more (builds, rebuilds, resizes, snapshots, backups, '
                    'rescues, unshelves) take no new instance.'),
    cfg.FloatOpt('io_ops_weight_multiplier', default=-1.0,
                 help='Multiplier of IoOpsWeigher. Negative prefers hosts with fewer '
                      'I/O-heavy operations under way, positive the busier ones.'),
    cfg.FloatOpt('num_instances_weight_multiplier', default=0.0,
                 help='Multiplier of NumInstancesWeigher. Positive prefers hosts with '
                      'more instances (stacking), negative hosts with fewer (spreading), '
                      '0 ignores the instance count.'),
    cfg.FloatOpt('build_failure_weight_multiplier', default=1000000.0,
                 help='Multiplier of BuildFailureWeigher: hosts whose recent builds '
                      'failed (the consecutive failures their compute reports) sink. '
                      'Keep it large enough to outweigh every other weigher; 0 '
                      'ignores build failures.'),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=1.0, min=0.0,
                 help='Multiplier of ServerGroupSoftAffinityWeigher: how strongly a '
                      'soft-affinity group\'s new servers are drawn to the hosts that '
                      'already hold its members. 0 ignores the policy.'),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=1.0, min=0.0,
                 help='Multiplier of ServerGroupSoftAntiAffinityWeigher: how strongly a '
                      'soft-anti-affinity group\'s new servers are kept away from the '
                      'hosts that already hold its members. 0 ignores the policy.'),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help='The host of each instance is picked at random among this many '
                    'best-weighed hosts. 1 always takes the best one; a larger value '
                    'lowers the chance that schedulers running side by side race '
                    'for the same host.'),
    cfg.StrOpt('aggregate_image_properties_isolation_namespace',
               help='AggregateImagePropertiesIsolation compares only the aggregate '
                    'metadata keys that start with this namespace (followed by the '
                    'separator below). Unset: every key is compared.'),
    cfg.StrOpt('aggregate_image_properties_isolation_separator', default='.',
               help='Separator between the namespace and the property name for '
                    'AggregateImagePropertiesIsolation.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
