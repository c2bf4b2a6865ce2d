"""nftables for the ports plumbed on this host: anti-spoofing and security
group rules, in two tables named [network] firewall_table.

The ``bridge`` table sees frames as the bridges switch them: it drops
what a port sends from a MAC or an address not its own (ARP included;
DHCP client traffic from 0.0.0.0 allowed), and marks each packet with the
port it came from (low 16 bits of the packet mark) and the port the
bridge sends it to (high 16 bits). This kernel has no connection
tracking in the bridge family, so the stateful part is in the ``inet``
table, which sees bridged IP traffic through br_netfilter
(net.bridge.bridge-nf-call-iptables, set by bridge.py): established and
related packets pass, a packet from a port passes its ``egress-<tap>``
chain (the egress rules of the port's groups), a packet to a port its
``ingress-<tap>`` chain (the ingress rules; a remote group is a set of
its members' addresses); everything else is dropped. Guests reach the
host itself only for DHCP and the metadata proxy (HOST_SERVICES).

Both tables are written whole from every port plumbed here and replaced
in one ``nft -f`` transaction: a port that goes takes all its rules with
it, no packet sees half a ruleset, and connection tracking entries (which
live outside the tables) keep established connections through it.
"""
import ipaddress

from nova_common.conf import CONF
from nova_compute.network import bridge

ICMP = {'icmp': 'icmp', '1': 'icmp'}
ICMPV6 = {'icmpv6': 'icmpv6', 'ipv6-icmp': 'icmpv6', '58': 'icmpv6'}
PORTS = {'tcp': 'tcp', '6': 'tcp', 'udp': 'udp', '17': 'udp', 'sctp': 'sctp', '132': 'sctp',
         'dccp': 'dccp', '33': 'dccp', 'udplite': 'udplite', '136': 'udplite'}
FAMILY = {'IPv4': ('ip', 'ipv4', 4), 'IPv6': ('ip6', 'ipv6', 6)}
# What a guest may reach on the host itself (its bridge's addresses): DHCP,
# and the network's metadata proxy on 169.254.169.254 (its port is
# [metadata] proxy_listen_port).
HOST_SERVICES = ('udp dport 67 accept',
                 'ip daddr %(metadata_address)s tcp dport %(metadata_port)d accept')
ND_TYPES = '{ nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert }'
# The bridge table marks before br_netfilter hands the packet to the inet
# hooks (its pre-routing hook runs at priority 0, its forward one at -1).
MARK_PRIORITY_PREROUTING = -300
MARK_PRIORITY_FORWARD = -2
MAX_PORTS = 0xffff


def set_name(group_id, version):
    return 'sg-%s-v%d' % (group_id, version)


def _addresses(vif, version):
    return [fixed['ip_address'] for fixed in vif['fixed_ips']
            if ipaddress.ip_address(fixed['ip_address']).version == version]


def _elements(addresses):
    return '{ %s }' % ', '.join(addresses)


def _protocol_match(rule):
    protocol = rule.get('protocol')
    if protocol in (None, '', 'any', '0'):
        return []
    protocol = str(protocol).lower()
    low, high = rule.get('port_range_min'), rule.get('port_range_max')
    if protocol in ICMP or protocol in ICMPV6:
        name = ICMP.get(protocol) or ICMPV6.get(protocol)
        match = ['meta l4proto %s' % ('icmp' if name == 'icmp' else 'ipv6-icmp')]
        if low is not None:
            match.append('%s type %d' % (name, low))
            if high is not None:
                match.append('%s code %d' % (name, high))
        return match
    if protocol in PORTS:
        match = ['meta l4proto %s' % PORTS[protocol]]
        if low is not None:
            match.append('th dport %d' % low if high in (None, low)
                         else 'th dport %d-%d' % (low, high))
        return match
    return ['meta l4proto %d' % int(protocol)]


def rule_statement(rule):
    """One security group rule as an nft statement of the inet table
    (``return``: allowed, on to the next check)."""
    family, nfproto, version = FAMILY[rule.get('ethertype') or 'IPv4']
    direction = 'saddr' if rule['direction'] == 'ingress' else 'daddr'
    match = ['meta nfproto %s' % nfproto]
    if rule.get('remote_group_id'):
        match.append('%s %s @%s' % (family, direction,
                                    set_name(rule['remote_group_id'], version)))
    elif rule.get('remote_ip_prefix'):
        match.append('%s %s %s' % (family, direction, rule['remote_ip_prefix']))
    match += _protocol_match(rule)
    return ' '.join(match + ['return'])


def _rules(vif, direction):
    return [rule_statement(rule) for group in vif['security_groups']
            for rule in group['rules'] if rule['direction'] == direction]


def _spoof_chain(vif, index):
    """Bridge table: what the port may send at all; marks it as its own."""
    mac = vif['address']
    v4, v6 = _addresses(vif, 4), _addresses(vif, 6)
    mark = 'meta mark set %#x' % index
    lines = ['ether saddr != %s drop' % mac,
             'ether type arp arp saddr ether != %s drop' % mac,
             'ether type arp arp saddr ip != %s drop' % _elements(v4 or ['0.0.0.0']),
             'ether type ip udp sport 67 drop',
             'ether type ip ip saddr 0.0.0.0 udp sport 68 udp dport 67 %s return' % mark,
             'ether type ip ip saddr != %s drop' % _elements(v4 or ['0.0.0.0']),
             'ether type ip6 ip6 saddr != %s drop' % _elements(v6 + ['fe80::/10', '::']),
             mark]
    return 'spoof-' + vif['devname'], lines


def _egress_chain(vif):
    lines = ['udp sport 68 udp dport 67 return',
             'meta nfproto ipv6 icmpv6 type %s return' % ND_TYPES]
    return 'egress-' + vif['devname'], lines + _rules(vif, 'egress') + ['drop']


def _ingress_chain(vif):
    lines = ['udp sport 67 udp dport 68 return',
             'meta nfproto ipv6 icmpv6 type %s return' % ND_TYPES]
    return 'ingress-' + vif['devname'], lines + _rules(vif, 'ingress') + ['drop']


def _sets(vifs):
    members = {}
    for vif in vifs:
        for group_id, addresses in vif.get('remote_groups', {}).items():
            for version in (4, 6):
                members.setdefault((group_id, version), set())
            for address in addresses:
                members[(group_id, ipaddress.ip_address(address).version)].add(address)
    return members


def host_services():
    """HOST_SERVICES as nft statements."""
    values = {'metadata_address': bridge.METADATA_ADDRESS,
              'metadata_port': CONF.metadata.proxy_listen_port}
    return [service % values for service in HOST_SERVICES]


def _chain_text(name, lines, hook=None, priority=0):
    body = ['  chain %s {' % name]
    if hook:
        body.append('    type filter hook %s priority %d; policy accept;' % (hook, priority))
    body += ['    %s' % line for line in lines]
    body.append('  }')
    return body


def _bridge_table(table, guarded):
    body = ['table bridge %s {' % table]
    prerouting, forward = [], []
    for index, vif in enumerate(guarded, start=1):
        tap = vif['devname']
        prerouting.append('iifname "%s" jump spoof-%s' % (tap, tap))
        forward.append('oifname "%s" meta mark set meta mark | %#x' % (tap, index << 16))
        body += _chain_text(*_spoof_chain(vif, index))
    body += _chain_text('prerouting', prerouting, 'prerouting', MARK_PRIORITY_PREROUTING)
    body += _chain_text('forward', forward, 'forward', MARK_PRIORITY_FORWARD)
    body.append('}')
    return body


def _inet_table(table, guarded, bridges):
    body = ['table inet %s {' % table]
    for (group_id, version), addresses in sorted(_sets(guarded).items()):
        body.append('  set %s {' % set_name(group_id, version))
        body.append('    type %s;' % ('ipv4_addr' if version == 4 else 'ipv6_addr'))
        if addresses:
            body.append('    elements = %s' % _elements(sorted(addresses)))
        body.append('  }')
    forward = ['ct state established,related accept']
    host = ['iifname %s ct state established,related accept' % bridges]
    for index, vif in enumerate(guarded, start=1):
        tap = vif['devname']
        forward.append('meta mark & 0xffff == %#x jump egress-%s' % (index, tap))
        forward.append('meta mark & 0xffff0000 == %#x jump ingress-%s' % (index << 16, tap))
        host.append('meta mark & 0xffff == %#x jump egress-%s' % (index, tap))
        body += _chain_text(*_egress_chain(vif))
        body += _chain_text(*_ingress_chain(vif))
    host += ['iifname %s %s' % (bridges, service) for service in host_services()]
    host.append('iifname %s drop' % bridges)
    body += _chain_text('forward', forward, 'forward')
    body += _chain_text('input', host, 'input')
    body.append('}')
    return body


def ruleset(vifs, table=None):
    """The nft script that replaces this host's tables with the rules of
    ``vifs`` (every port plumbed here), or removes them when none is left."""
    table = table or CONF.network.firewall_table
    script = ['table bridge %s {}' % table, 'delete table bridge %s' % table,
              'table inet %s {}' % table, 'delete table inet %s' % table]
    if not vifs:
        return '\n'.join(script) + '\n'
    guarded = [vif for vif in vifs if vif.get('port_security_enabled', True)]
    if len(guarded) > MAX_PORTS:
        raise ValueError('more than %d ports on one host' % MAX_PORTS)
    bridges = _elements('"%s"' % name for name in
                        sorted({vif['network']['bridge'] for vif in vifs}))
    script += _bridge_table(table, guarded) + _inet_table(table, guarded, bridges)
    return '\n'.join(script) + '\n'


def apply(runner, vifs):
    runner.run(['nft', '-f', '-'], input=ruleset(vifs))
