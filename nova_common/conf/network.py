"""[network] options: the built-in network service (a Neutron v2.0 API
subset that nova-api serves under /network) and its quotas."""
from oslo_config import cfg
from oslo_config import types

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
    # Network segments, as Neutron's ML2 type drivers allocate them.
    cfg.ListOpt('tenant_network_types', default=['vxlan'],
                item_type=types.String(choices=['vxlan', 'vlan']),
                help='Network types of the segments given to networks created without '
                     'provider attributes (Neutron\'s [ml2] tenant_network_types), in '
                     'order: the first type with a free segment is used; none free: the '
                     'create answers 503 NoNetworkAvailable. Empty: every network needs '
                     'an admin\'s provider attributes.'),
    cfg.ListOpt('vni_ranges', default=['1:16777215'],
                item_type=types.String(regex=r'^\s*\d+\s*:\s*\d+\s*$'),
                help='<vni_min>:<vni_max> ranges of VXLAN network identifiers given to '
                     'tenant networks (Neutron\'s [ml2_type_vxlan] vni_ranges). An '
                     'admin may pick any VNI from 1 to 16777215.'),
    cfg.ListOpt('network_vlan_ranges', default=[],
                item_type=types.String(regex=r'^[^:\s]+(:\d+:\d+)?$'),
                help='<physical_network>[:<vlan_min>:<vlan_max>] entries naming the '
                     'physical networks VLAN networks may use and the VLAN ids given to '
                     'tenant networks on each (Neutron\'s [ml2_type_vlan] '
                     'network_vlan_ranges), e.g. physnet1:100:199. A physical network '
                     'without a range is for admins\' VLAN networks only.'),
    cfg.ListOpt('flat_networks', default=['*'],
                help='Physical networks flat (untagged) networks may use, at most one '
                     'network each (Neutron\'s [ml2_type_flat] flat_networks); * allows '
                     'any name, empty allows none. Only admins create flat networks.'),
    cfg.ListOpt('physical_interface_mappings', default=[],
                item_type=types.String(regex=r'^[^:\s]+:[^:\s]+$'),
                help='<physical_network>:<interface> pairs of this compute host '
                     '(Neutron\'s [linux_bridge] physical_interface_mappings), e.g. '
                     'physnet1:eth1: a VLAN network\'s bridge gets a VLAN sub-interface '
                     'of that interface (<interface>.<vlan id>), a flat network\'s bridge '
                     'the interface itself. A port on a VLAN or flat network whose '
                     'physical network is not mapped here fails to plug.'),
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
    cfg.BoolOpt('move_taps_to_netns', default=False,
                help='Whether nova-compute moves its guests\' tap devices into '
                     '[network] host_netns once libvirtd has made them, and puts each '
                     'on its network\'s bridge there: for a libvirtd that runs in '
                     'nova-compute\'s namespace while the host side lives in '
                     'host_netns (the all-in-one\'s guest network namespace). The '
                     'guests then get <interface type=\'ethernet\'> (libvirt looks up '
                     'no bridge), and the taps are moved after every start of a guest '
                     'and every interface hot-plug; QEMU keeps using a moved tap, and '
                     'the kernel removes it when QEMU closes it. Off: libvirtd makes '
                     'the taps where the bridges are (<interface type=\'bridge\'>).'),
    cfg.StrOpt('tunnel_local_ip',
               help='This host\'s address for VXLAN tunnels between hosts. When set, '
                    'each VXLAN network\'s bridge gets a VXLAN device (the network\'s '
                    'VNI, its provider:segmentation_id) on the interface holding this '
                    'address; unset, VXLAN networks\' bridges are local to this host.'),
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
    cfg.StrOpt('dnsmasq_user',
               help='User dnsmasq runs as once started (its --user). Unset: '
                    'dnsmasq\'s own unprivileged default, which must be able to read '
                    'the files under [network] host_state_path (it rereads them when '
                    'ports come and go). The all-in-one sets its own user when its '
                    'data directory is closed to others (under /root, say).'),
    cfg.IntOpt('dhcp_lease_duration', default=86400, min=120,
               help='DHCP lease time in seconds.'),
    cfg.StrOpt('dhcp_domain', default='openstacklocal',
               help='Domain dnsmasq gives guests with their host names.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
