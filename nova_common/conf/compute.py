"""[compute] options of the compute service, and the [DEFAULT] ones Nova
keeps there for computes (power state sync, clean shutdown)."""
from oslo_config import cfg

GROUP = 'compute'

opts = [
    cfg.IntOpt('resource_update_interval', default=60, min=1,
               help='Seconds between two reports of this host\'s compute nodes '
                    '(capacity and usage) to its cell conductor.'),
    cfg.IntOpt('conductor_wait_timeout', default=30, min=1,
               help='Seconds a compute waits for its cell conductor to answer '
                    'a persistence call before it logs and retries later.'),
]

default_opts = [
    cfg.IntOpt('sync_power_state_interval', default=600,
               help='Seconds between two runs of the task that compares the power '
                    'state of every guest on this host with the database and fixes '
                    'the record (a guest that shut down by itself shows SHUTOFF). '
                    'Zero or a negative value disables the task; hypervisor events '
                    'still sync power states promptly. Read at service start.'),
    cfg.IntOpt('image_cache_manager_interval', default=2400,
               help='Seconds between two runs of the task that ages the image cache '
                    'of this host (drivers with a cache, such as libvirt\'s _base). '
                    'Zero or a negative value disables the task. Read at service '
                    'start.'),
    cfg.IntOpt('shutdown_timeout', default=60, min=0,
               help='Seconds a clean shutdown (ACPI power button) of a guest may take '
                    'before the guest is stopped hard. Zero stops it hard at once.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
    conf.register_opts(default_opts)


def list_opts():
    return {GROUP: opts, 'DEFAULT': default_opts}
