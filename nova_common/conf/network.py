"""[network] options: the built-in network service (a Neutron v2.0 API
subset that nova-api serves under /network) and its quotas."""
from oslo_config import cfg

GROUP = 'network'

opts = [
    cfg.StrOpt('backend', default='builtin', choices=[
        ('builtin', 'nova-api serves the built-in network service (the '
                    'Networking v2.0 API) under /network, over the API database.'),
        ('neutron', 'A separate Neutron serves networking; nova-api does not '
                    'serve /network.'),
    ], help='Which network service this deployment uses.'),
    cfg.StrOpt('base_mac', default='fa:16:3e:00:00:00',
               help='Port MAC addresses are generated from this base: the first '
                    'three octets are kept, the others are random (as Neutron).'),
    cfg.IntOpt('default_mtu', default=1500, min=68,
               help='MTU of a network created without one.'),
    cfg.IntOpt('allocation_retries', default=20, min=1,
               help='How many times a port create (or update) is tried again when '
                    'another request took the address or MAC it picked first.'),
    cfg.IntOpt('pagination_max_limit', default=1000, min=1,
               help='Most items one page of a list holds, whatever "limit" asks.'),
    cfg.IntOpt('quota_network', default=100, min=-1,
               help='Networks a project may own (-1: no limit).'),
    cfg.IntOpt('quota_subnet', default=100, min=-1,
               help='Subnets a project may own (-1: no limit).'),
    cfg.IntOpt('quota_port', default=500, min=-1,
               help='Ports a project may own (-1: no limit).'),
    cfg.IntOpt('quota_security_group', default=10, min=-1,
               help='Security groups a project may own (-1: no limit).'),
    cfg.IntOpt('quota_security_group_rule', default=100, min=-1,
               help='Security group rules a project may own (-1: no limit).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
