"""[libvirt] options of the libvirt virt driver, and the [DEFAULT] options
Nova keeps there for any driver (instances_path, instance_name_template),
with Nova's names."""
from oslo_config import cfg

GROUP = 'libvirt'

default_opts = [
    cfg.StrOpt('instances_path', default='$state_path/instances',
               help='Where instance files live on a compute host: one directory per '
                    'instance (its root disk overlay, kernel, ramdisk and serial console '
                    'log) and the image cache in the "_base" subdirectory. Its file '
                    'system\'s size is the disk capacity the host reports.'),
    cfg.StrOpt('instance_name_template', default='instance-%08x',
               help='Template of the hypervisor\'s name for a guest, filled with the '
                    'instance\'s database id. Guests are found by their uuid; the name '
                    'only has to be unique on the hypervisor.'),
]

opts = [
    cfg.StrOpt('virt_type', default='kvm', choices=[
        ('kvm', 'Hardware virtualisation through /dev/kvm.'),
        ('qemu', 'QEMU\'s software emulation (TCG): slow, but runs anywhere, for '
                 'tests and nested hosts without KVM.'),
    ], help='Domain type of the guests this host runs.'),
    cfg.StrOpt('connection_uri', default='qemu:///system',
               help='libvirt connection URI of the hypervisor this compute service '
                    'drives.'),
    cfg.IntOpt('soft_reboot_wait', default=120, min=1,
               help='Seconds a soft reboot waits for the guest to power off after '
                    'the ACPI request before it falls back to a hard reboot.'),
    cfg.StrOpt('kernel_cmdline', default='root=/dev/vda console=ttyS0',
               help='Kernel command line of a guest booted from a kernel image '
                    '(kernel_id) whose image has no "os_command_line" property.'),
    cfg.BoolOpt('remove_unused_base_images', default=True,
                help='Whether the image cache periodic task deletes cached base '
                     'images no instance on this host uses.'),
    cfg.IntOpt('remove_unused_original_minimum_age_seconds', default=86400, min=0,
               help='A cached base image is deleted only once it has not been used '
                    'for at least this many seconds.'),
    cfg.StrOpt('image_cache_subdirectory_name', default='_base',
               help='Subdirectory of instances_path holding the cached base images.'),
    cfg.StrOpt('snapshots_directory', default='$instances_path/snapshots',
               help='Where a snapshot\'s flattened copy of a root disk is written before '
                    'it is uploaded to the image service (removed once uploaded).'),
    cfg.StrOpt('disk_transfer_address',
               help='Address this compute\'s disk transfer server listens on and '
                    'other computes fetch a resized or cold-migrated guest\'s disks '
                    'from (HTTP on a port chosen at random, one secret path per '
                    'move). Unset: the address of the route towards other hosts.'),
    cfg.StrOpt('live_migration_uri', default='qemu+tcp://%s/system',
               help='The libvirt URI of a live migration\'s destination; %s is the '
                    'destination\'s live_migration_inbound_addr (or host name).'),
    cfg.StrOpt('live_migration_inbound_addr',
               help='Address other hosts send live migrations (libvirt and the '
                    'migration stream) to this host at; unset: the host name.'),
    cfg.IntOpt('live_migration_completion_timeout', default=800, min=0,
               help='Seconds a live migration may run before the source compute '
                    'aborts it (the server stays on its source); 0: never. Nova '
                    'scales this per GiB of data moved; here it is the whole limit.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {'DEFAULT': default_opts, GROUP: opts}
