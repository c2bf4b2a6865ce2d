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
    cfg.IntOpt('shelved_offload_time', default=0, min=-1,
               help='Seconds a shelved server keeps its guest (and its claim) on its '
                    'host before the compute offloads it (SHELVED_OFFLOADED: guest '
                    'destroyed, host resources freed). 0 offloads at once as part of '
                    'the shelve; -1 never offloads by itself (shelveOffload still '
                    'does). Checked every shelved_poll_interval seconds.'),
    cfg.IntOpt('shelved_poll_interval', default=3600,
               help='Seconds between two runs of the task that offloads the servers '
                    'shelved longer than shelved_offload_time. Zero or a negative value '
                    'disables the task. Read at service start.'),
    cfg.IntOpt('reclaim_instance_interval', default=0,
               help='Deferred delete. Zero or less: deleting a server deletes it at '
                    'once. Greater than zero: deleting a server that has run powers '
                    'its guest off and leaves it SOFT_DELETED (its claim kept, its '
                    'quota freed), where the restore action brings it back; each '
                    'compute reclaims (really deletes) its servers soft-deleted longer '
                    'than this many seconds, checking as often. forceDelete deletes at '
                    'once. Read by nova-api per request and by computes at start.'),
    cfg.BoolOpt('instance_usage_audit', default=False,
                help='Whether each compute records, once per audit period, which of '
                     'its servers existed during the last completed period (the task '
                     'log that os-instance_usage_audit_log reports).'),
    cfg.StrOpt('instance_usage_audit_period', default='month',
               choices=['hour', 'day', 'month', 'year'],
               help='The audit period of instance_usage_audit: the last completed '
                    'hour, day, month or year (UTC).'),
    cfg.IntOpt('resize_confirm_window', default=0, min=0,
               help='Seconds after which a resized or cold-migrated server waiting in '
                    'VERIFY_RESIZE is confirmed automatically by its destination '
                    'compute (checked as often). 0 disables the automatic '
                    'confirmation. Read by computes at start.'),
    cfg.BoolOpt('allow_resize_to_same_host', default=False,
                help='Whether a resize may pick the server\'s own host as its '
                     'destination (the scheduler then considers it like any other). '
                     'A cold migration always goes to another host. Read by the '
                     'super-conductor per request.'),
    cfg.IntOpt('migrate_max_retries', default=-1, min=-1,
               help='How many more destinations a live migration without a named host '
                    'tries when the one the scheduler chose refuses in its checks '
                    '(CPU comparison, block migration): -1 tries every host the '
                    'scheduler finds, 0 none. Read by the super-conductor per '
                    'request.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
    conf.register_opts(default_opts)


def list_opts():
    return {GROUP: opts, 'DEFAULT': default_opts}
