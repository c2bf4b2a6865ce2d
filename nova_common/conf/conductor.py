"""[conductor] options: how the conductors end builds and evacuations that were lost."""
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
                    'instance_build_timeout (cell conductors). The same check '
                    'ends the lost and superseded evacuations of its cell.'),
    cfg.IntOpt('evacuation_timeout', default=600, min=0,
               help='Seconds an evacuating server may stay in a rebuild task '
                    'state on its failed host with neither it nor its '
                    'evacuation record written (the cast to the conductor or '
                    'to the destination was lost, or the destination compute '
                    'died). An older one is ended by its cell conductor: the '
                    'server goes to ERROR with a fault, the migration to '
                    '`error`, the destination\'s part of its claim is freed, '
                    'and it can be evacuated again. 0 turns this off. Keep it '
                    'well above the longest rebuild (image download included).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
