"""A Linux bridge per network on this host (brq<network id[:11]>), with a
VXLAN device (vxlan-<vni>) to the other hosts when [network]
tunnel_local_ip is set, the addresses of the network's DHCP port and the
metadata address."""
import ipaddress

from nova_common.conf import CONF

VXLAN_PORT = 4789
METADATA_ADDRESS = '169.254.169.254'


def vxlan_name(vni):
    return 'vxlan-%d' % vni


def exists(runner, device):
    return runner.succeeds(['ip', 'link', 'show', 'dev', device])


def _interface_of(runner, address):
    """The interface holding ``address`` (the tunnel endpoint)."""
    for line in runner.run(['ip', '-o', 'addr', 'show']).splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[3].split('/')[0] == address:
            return fields[1]
    raise ValueError('no interface holds [network] tunnel_local_ip %s' % address)


# Bridged IP traffic goes through the inet hooks, where the firewall's
# connection tracking is (firewall.py).
BR_NETFILTER = ('net.bridge.bridge-nf-call-iptables=1',
                'net.bridge.bridge-nf-call-ip6tables=1')


def ensure(runner, network):
    """The network's bridge, up, with its VXLAN device when tunnelling."""
    runner.run(['sysctl', '-q', '-w'] + list(BR_NETFILTER))
    name = network['bridge']
    if not exists(runner, name):
        runner.run(['ip', 'link', 'add', 'name', name, 'type', 'bridge',
                    'forward_delay', '0', 'stp_state', '0'])
    runner.run(['ip', 'link', 'set', 'dev', name, 'mtu', str(network['mtu']), 'up'])
    if CONF.network.tunnel_local_ip:
        _ensure_vxlan(runner, network)


def _ensure_vxlan(runner, network):
    segment = network['segmentation']
    device = vxlan_name(segment['id'])
    if not exists(runner, device):
        local = CONF.network.tunnel_local_ip
        runner.run(['ip', 'link', 'add', device, 'type', 'vxlan', 'id', str(segment['id']),
                    'group', CONF.network.vxlan_group, 'dev', _interface_of(runner, local),
                    'local', local, 'dstport', str(VXLAN_PORT)])
    # Its MTU is the kernel's (the underlay's less the VXLAN overhead): a
    # network MTU above it would be refused.
    runner.run(['ip', 'link', 'set', 'dev', device, 'master', network['bridge'], 'up'])


def dhcp_addresses(network):
    """The 'address/prefix' of the DHCP port in each DHCP subnet."""
    return ['%s/%d' % (subnet['dhcp_server'], ipaddress.ip_network(subnet['cidr']).prefixlen)
            for subnet in network['subnets']
            if subnet.get('enable_dhcp') and subnet.get('dhcp_server')]


def set_addresses(runner, network):
    """Give the bridge the DHCP port's addresses (dnsmasq answers from
    them) and the metadata address, 169.254.169.254/32, where the
    network's metadata proxy listens (metadata_proxies.py)."""
    for address in dhcp_addresses(network) + [METADATA_ADDRESS + '/32']:
        runner.run(['ip', 'addr', 'replace', address, 'dev', network['bridge']])


def attach(runner, device, network):
    """Put an existing port device (a tap, or a test's veth end) on the
    network's bridge; libvirt does this itself for its own taps."""
    runner.run(['ip', 'link', 'set', 'dev', device, 'master', network['bridge'], 'up'])


def remove(runner, network):
    """The network's bridge and VXLAN device gone (missing ones are fine)."""
    device = vxlan_name(network['segmentation']['id'])
    for name in (device, network['bridge']):
        if exists(runner, name):
            runner.run(['ip', 'link', 'del', 'dev', name])
