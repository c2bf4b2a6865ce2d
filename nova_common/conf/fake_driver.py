"""[fake_driver] options: the in-memory virt driver used by tests and
scale benchmarks."""
from oslo_config import cfg

GROUP = 'fake_driver'

opts = [
    cfg.IntOpt('nodes', default=1, min=1,
               help='How many compute nodes one fake compute service reports. '
                    'Node names are "<host>" for one node, else "<host>-node<N>".'),
    cfg.IntOpt('vcpus', default=8, min=1, help='vCPUs of each fake node.'),
    cfg.IntOpt('memory_mb', default=16384, min=1, help='Memory (MiB) of each fake node.'),
    cfg.IntOpt('local_gb', default=200, min=1, help='Disk (GiB) of each fake node.'),
    cfg.IntOpt('vgpus', default=0, min=0,
               help='Virtual GPUs (resource class VGPU) of each fake node; 0 reports '
                    'none. Flavors ask for them with the extra spec resources:VGPU=<n>.'),
    cfg.IntOpt('numa_nodes', default=0, min=0,
               help='NUMA cells each fake node reports, its vCPUs and memory split '
                    'evenly over them (the first cells take any remainder); 0 '
                    'reports no NUMA topology.'),
    cfg.FloatOpt('spawn_seconds', default=0.0, min=0.0,
                 help='How long a fake spawn takes, to mimic a hypervisor.'),
    cfg.ListOpt('fail_spawn_on_nodes', default=[],
                help='Nodes on which every spawn fails (to exercise rescheduling).'),
    cfg.ListOpt('fail_operations', default=[],
                help='Guest operations that always fail (power_off, power_on, reboot, '
                     'pause, unpause, suspend, resume, get_console_output, rescue, '
                     'unrescue, snapshot, check_can_live_migrate_destination, '
                     'check_can_live_migrate_source, pre_live_migration, live_migration, '
                     'post_live_migration_at_destination; '
                     'snapshot_upload fails half-way through the upload), to exercise '
                     'how the compute service recovers.'),
    cfg.FloatOpt('live_migration_seconds', default=0.0, min=0.0,
                 help='How long a fake live migration runs (it can be aborted or '
                      'forced to complete meanwhile).'),
    cfg.FloatOpt('pre_live_migration_seconds', default=0.0, min=0.0,
                 help='How long a fake destination takes to get ready for a live '
                      'migration (pre_live_migration; the migration is "preparing" '
                      'meanwhile).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
