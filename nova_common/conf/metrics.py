"""[metrics] options: the Prometheus exporter every daemon can serve."""
from oslo_config import cfg

GROUP = 'metrics'

opts = [
    cfg.PortOpt('listen_port', default=0,
                help='TCP port on which this daemon serves Prometheus metrics at '
                     '/metrics. 0 (the default) turns metrics off: nothing is '
                     'collected and nothing listens. Daemons that share a config file '
                     '(nova-api, the super-conductor and the scheduler often do) each '
                     'need a port of their own: give each a second --config-file with '
                     'its [metrics] section. A port already in use stops the daemon '
                     'at start-up with a message.'),
    cfg.StrOpt('listen_host', default='127.0.0.1',
               help='Address the metrics port is bound to. The metrics carry no '
                    'secrets but describe the whole cloud (hosts, server counts): '
                    'keep them on loopback, or on a management network that only '
                    'Prometheus reaches. The exporter has no authentication.'),
    cfg.BoolOpt('cloud_metrics', default=True,
                help='Whether nova-api (and nova-allinone) also export the cloud-wide '
                     'gauges computed from the databases at scrape time: servers per '
                     'status, service state per host and binary, ledger usage and '
                     'capacity per host and resource class. Other daemons never do. '
                     'Turn it off on all but one nova-api when several are scraped.'),
    cfg.FloatOpt('cloud_cache_seconds', default=5.0, min=0,
                 help='How long a reading of the cloud-wide gauges is reused: scrapes '
                      'within that time (several Prometheus servers, a dashboard) '
                      'cost no database query.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
