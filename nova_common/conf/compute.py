"""[compute] options of the compute service."""
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


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
