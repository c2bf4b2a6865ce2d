"""[conductor] options: how the conductors end builds that were lost."""
from oslo_config import cfg

GROUP = 'conductor'

opts = [
    cfg.IntOpt('build_request_timeout', default=300, min=0,
               help='Seconds a build request may wait for a super-conductor to '
                    'place its server in a cell. An older one was lost (its cast, '
                    'or the conductor that took it, died): a super-conductor puts '
                    'the server in cell0 in ERROR with a fault and frees its '
                    'claim. 0 turns this off. Keep it well above the time '
                    'scheduling takes under load.'),
    cfg.IntOpt('lost_build_check_interval', default=60, min=1,
               help='Seconds between two checks for lost builds: build requests '
                    'older than build_request_timeout (super-conductors) and '
                    'instances in BUILD longer than [DEFAULT] '
                    'instance_build_timeout (cell conductors).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
