"""[hooks] options: which hook plugins run, in which order, and how long
the services wait for them (nova_common/hooks.py)."""
from oslo_config import cfg

GROUP = 'hooks'

opts = [
    cfg.ListOpt('compute_hooks', default=[],
                help='Names of "nova.compute.hooks" entry points that nova-compute runs '
                     'around builds, deletes and power actions, in this order. A name '
                     'that is not installed stops nova-compute at start-up. Empty (the '
                     'default): no hook runs and no hook thread is started.'),
    cfg.ListOpt('api_hooks', default=[],
                help='Names of "nova.api.hooks" entry points that nova-api runs before '
                     'it creates servers, in this order; a hook may refuse the request '
                     '(400 or 403 with its message). A name that is not installed stops '
                     'nova-api at start-up.'),
    cfg.FloatOpt('timeout', default=5.0, min=0.01,
                 help='Seconds a service waits for the hooks of one hook point. Hooks '
                      'still running then are logged and left to finish on their own: '
                      'the operation goes on (a create hook that has not answered does '
                      'not refuse the request).'),
    cfg.IntOpt('max_workers', default=4, min=1,
               help='Threads that run hooks in each service. Hook points that find '
                    'every thread busy and four calls per thread already waiting are '
                    'skipped (and logged) rather than queued without end behind hooks '
                    'that hang.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
