"""A Linux bridge per network on this host (brq<network id[:11]>), joined
to the other hosts by its segment, as Neutron's linuxbridge agent does: a
VXLAN device (vxlan-<vni>) when [network] tunnel_local_ip is set, a VLAN
sub-interface (<interface>.<vlan id>) of the interface [network]
physical_interface_mappings maps the physical network to, or for a flat
network that interface itself; plus the addresses of the network's DHCP
port and the metadata address."""
import hashlib
import ipaddress

from nova_common.conf import CONF

VXLAN_PORT = 4789
METADATA_ADDRESS = '169.254.169.254'
# Longest Linux interface name.
DEVICE_NAME_LENGTH = 15


def vxlan_name(vni):
    return 'vxlan-%d' % vni


def vlan_name(interface, vlan_id):
    """<interface>.<vlan id>, or when that is too long a hashed stand-in
    for the interface's name (as Neutron's agent names them)."""
    suffix = '.%d' % vlan_id
    if len(interface) + len(suffix) <= DEVICE_NAME_LENGTH:
        return interface + suffix
    digest = hashlib.sha1(interface.encode()).hexdigest()
    return digest[:DEVICE_NAME_LENGTH - len(suffix)] + suffix


def physical_interface(physnet):
    """This host's interface of physical network ``physnet``."""
    for entry in CONF.network.physical_interface_mappings:
        name, _sep, interface = entry.partition(':')
        if name == physnet:
            return interface
    raise ValueError('physical network %s has no interface in [network] '
                     'physical_interface_mappings' % physnet)


def segment_device(network):
    """The device joining the network's bridge to other hosts, or None
    (a VXLAN network on a host without tunnel_local_ip: host-local)."""
    segment = network['segmentation']
    if segment['type'] == 'vlan':
        return vlan_name(physical_interface(segment['physical_network']), segment['id'])
    if segment['type'] == 'flat':
        return physical_interface(segment['physical_network'])
    return vxlan_name(segment['id']) if CONF.network.tunnel_local_ip else None


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
    """The network's bridge, up, with its segment's device."""
    runner.run(['sysctl', '-q', '-w'] + list(BR_NETFILTER))
    name = network['bridge']
    if not exists(runner, name):
        runner.run(['ip', 'link', 'add', 'name', name, 'type', 'bridge',
                    'forward_delay', '0', 'stp_state', '0'])
    runner.run(['ip', 'link', 'set', 'dev', name, 'mtu', str(network['mtu']), 'up'])
    segment_type = network['segmentation']['type']
    if segment_type == 'vlan':
        _ensure_vlan(runner, network)
    elif segment_type == 'flat':
        _ensure_flat(runner, network)
    elif CONF.network.tunnel_local_ip:
        _ensure_vxlan(runner, network)
    _detach_stale(runner, network)


def _ensure_vlan(runner, network):
    segment = network['segmentation']
    interface = physical_interface(segment['physical_network'])
    device = vlan_name(interface, segment['id'])
    runner.run(['ip', 'link', 'set', 'dev', interface, 'up'])
    if not exists(runner, device):
        runner.run(['ip', 'link', 'add', 'link', interface, 'name', device, 'type', 'vlan',
                    'id', str(segment['id'])])
    runner.run(['ip', 'link', 'set', 'dev', device, 'master', network['bridge'], 'up'])


def _ensure_flat(runner, network):
    interface = physical_interface(network['segmentation']['physical_network'])
    runner.run(['ip', 'link', 'set', 'dev', interface, 'master', network['bridge'], 'up'])


def _segment_devices_on(runner, bridge_name):
    """Names of the VXLAN, VLAN and mapped physical devices on the bridge."""
    mapped = {entry.partition(':')[2] for entry in CONF.network.physical_interface_mappings}
    found = []
    for line in runner.run(['ip', '-d', '-o', 'link', 'show', 'master', bridge_name],
                           check=False).splitlines():
        fields = line.split(':', 2)
        if len(fields) < 3:
            continue
        name = fields[1].strip().split('@')[0]
        if name in mapped or ' vxlan id ' in line or ' vlan protocol ' in line:
            found.append(name)
    return found


def _detach_stale(runner, network):
    """Take off the bridge a segment device that is not the network's
    (its segment changed: migration api0004 moved a network off a VNI
    another network held), so that it no longer joins the two."""
    expected = segment_device(network)
    for name in _segment_devices_on(runner, network['bridge']):
        if name != expected:
            runner.run(['ip', 'link', 'set', 'dev', name, 'nomaster'], check=False)


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


def _owned_device(network):
    """The segment device that goes with the network's bridge: its VXLAN
    device or VLAN sub-interface; a flat network's interface stays."""
    segment = network['segmentation']
    if segment['type'] == 'vlan':
        try:
            return vlan_name(physical_interface(segment['physical_network']), segment['id'])
        except ValueError:
            return None
    if segment['type'] == 'flat':
        return None
    return vxlan_name(segment['id'])


def remove(runner, network):
    """The network's bridge and its VXLAN device or VLAN sub-interface gone
    (missing ones are fine); a flat network's interface is only released
    from the bridge."""
    for name in (_owned_device(network), network['bridge']):
        if name and exists(runner, name):
            runner.run(['ip', 'link', 'del', 'dev', name])
