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
    # Get-me-a-network (POST /servers with "networks": "auto").
    cfg.StrOpt('auto_allocate_subnet_pool', default='10.128.0.0/16',
               help='IPv4 range the subnets of networks made for "networks": "auto" '
                    'are carved from (one subnet of auto_allocate_prefixlen per '
                    'project, the lowest not used by another auto-allocated network). '
                    'Empty: no network is made; a project without one gets 400.'),
    cfg.IntOpt('auto_allocate_prefixlen', default=24, min=8, max=30,
               help='Prefix length of each auto-allocated subnet.'),
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
    # The host side: what nova-compute builds for its servers' ports.
    cfg.BoolOpt('plug_vifs', default=True,
                help='Whether nova-compute plumbs its servers\' ports on this host '
                     '(a Linux bridge per network, dnsmasq for DHCP, nftables rules). '
                     'Off: guests get their interfaces and MACs but nothing on the host '
                     'serves them (hosts without root, unit tests).'),
    cfg.StrOpt('host_state_path', default='$state_path/networking',
               help='Directory where nova-compute keeps what it plumbed for each '
                    'server (to unplug it later, and to rebuild DHCP host files and the '
                    'firewall) and the dnsmasq files and pid files of each network.'),
    cfg.StrOpt('host_netns',
               help='Network namespace the host plumbing runs its commands in: a name '
                    'under /run/netns (ip netns exec) or the path of a namespace file '
                    'such as /proc/<pid>/ns/net (nsenter). For when the guests\' taps '
                    'are not in nova-compute\'s own namespace (test hosts on one '
                    'machine, whose libvirtd and guests live in a namespace each). '
                    'Unset: nova-compute\'s namespace.'),
    cfg.StrOpt('tunnel_local_ip',
               help='This host\'s address for VXLAN tunnels between hosts. When set, '
                    'each network\'s bridge gets a VXLAN device (its VNI derived from '
                    'the network id) on the interface holding this address; unset, '
                    'bridges are local to this host (a flat network on one host).'),
    cfg.IntOpt('network_info_refresh_interval', default=60, min=0,
               help='Seconds between two readings of the ports of the servers plumbed '
                    'on this host, which re-plug those that changed (security group '
                    'rules, members of remote groups on other hosts); 0: never.'),
    cfg.StrOpt('vxlan_group', default='239.1.1.1',
               help='Multicast group the VXLAN devices use to flood broadcasts and '
                    'unknown destinations to the other hosts.'),
    cfg.StrOpt('firewall_table', default='nova_lite',
               help='Name of the nftables tables (families bridge and inet) holding '
                    'this host\'s anti-spoofing and security group rules; replaced as a '
                    'whole whenever a port comes or goes.'),
    cfg.StrOpt('dnsmasq_path', default='dnsmasq',
               help='The dnsmasq executable serving DHCP for each network.'),
    cfg.IntOpt('dhcp_lease_duration', default=86400, min=120,
               help='DHCP lease time in seconds.'),
    cfg.StrOpt('dhcp_domain', default='openstacklocal',
               help='Domain dnsmasq gives guests with their host names.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
