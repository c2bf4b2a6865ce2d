"""The host side of networking without a host: the nftables script, the
dnsmasq files and command line, the commands plugging and unplugging run
(through a recording runner), and the libvirt interfaces of network_info."""
import os
import xml.etree.ElementTree as ET

import oslo_messaging as messaging
import pytest

from nova_common.conf import CONF
from nova_common import exception
from nova_common.network import model
from nova_compute.network import dhcp
from nova_compute.network import firewall
from nova_compute.network import plumbing
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import instance_config

NETWORK_ID = '5e0c6a2b-7d7e-4a53-9a2c-1f2e3d4c5b6a'
GROUP = 'a1a1a1a1-0000-4000-8000-000000000001'


def _network(**changes):
    network = {'id': NETWORK_ID, 'label': 'net1', 'mtu': 1450, 'bridge': 'brq5e0c6a2b-7d',
               'segmentation': {'type': 'vxlan', 'id': 4242},
               'subnets': [{'id': 'sub-1', 'cidr': '10.42.0.0/24', 'version': 4,
                            'gateway': '10.42.0.1', 'dns': ['10.0.0.53'],
                            'enable_dhcp': True, 'dhcp_server': '10.42.0.2'}]}
    network.update(changes)
    return network


def _vif(port_id='11112222-3333-4444-5555-666677778888', mac='fa:16:3e:00:00:0a',
         address='10.42.0.10', rules=(), members=(), **changes):
    vif = {'id': port_id, 'address': mac, 'devname': ('tap' + port_id)[:14],
           'hostname': 'host-' + address.replace('.', '-'), 'port_security_enabled': True,
           'fixed_ips': [{'subnet_id': 'sub-1', 'ip_address': address}],
           'network': _network(), 'security_groups': [{'id': GROUP, 'rules': list(rules)}],
           'remote_groups': {GROUP: list(members)} if members else {}}
    vif.update(changes)
    return vif


def _rule(direction='ingress', ethertype='IPv4', protocol=None, low=None, high=None,
          prefix=None, group=None):
    return {'direction': direction, 'ethertype': ethertype, 'protocol': protocol,
            'port_range_min': low, 'port_range_max': high, 'remote_ip_prefix': prefix,
            'remote_group_id': group}


@pytest.mark.parametrize('rule, statement', [
    (_rule(direction='egress'), 'meta nfproto ipv4 return'),
    (_rule(protocol='tcp', low=22, high=22, prefix='192.0.2.0/24'),
     'meta nfproto ipv4 ip saddr 192.0.2.0/24 meta l4proto tcp th dport 22 return'),
    (_rule(protocol='udp', low=1000, high=2000),
     'meta nfproto ipv4 meta l4proto udp th dport 1000-2000 return'),
    (_rule(protocol='icmp', low=8, high=0),
     'meta nfproto ipv4 meta l4proto icmp icmp type 8 icmp code 0 return'),
    (_rule(protocol='icmp'), 'meta nfproto ipv4 meta l4proto icmp return'),
    (_rule(ethertype='IPv6', protocol='ipv6-icmp', group=GROUP),
     'meta nfproto ipv6 ip6 saddr @sg-%s-v6 meta l4proto ipv6-icmp return' % GROUP),
    (_rule(direction='egress', protocol='47', prefix='198.51.100.7/32'),
     'meta nfproto ipv4 ip daddr 198.51.100.7/32 meta l4proto 47 return'),
])
def test_security_group_rules_become_nft_statements(rule, statement):
    assert firewall.rule_statement(rule) == statement


def test_ruleset_without_ports_only_removes_the_tables():
    script = firewall.ruleset([], table='t1')
    assert script.splitlines() == ['table bridge t1 {}', 'delete table bridge t1',
                                   'table inet t1 {}', 'delete table inet t1']


def test_ruleset_of_a_port_pins_its_mac_and_addresses_and_its_groups():
    vif = _vif(rules=[_rule(group=GROUP), _rule(direction='egress')],
               members=['10.42.0.10', '10.42.0.11'])
    script = firewall.ruleset([vif], table='t1')
    tap = vif['devname']
    # Replaced atomically: removed first, in the same script.
    assert script.index('delete table bridge t1') < script.index('table bridge t1 {\n')
    assert 'ether saddr != fa:16:3e:00:00:0a drop' in script
    assert 'ether type arp arp saddr ip != { 10.42.0.10 } drop' in script
    assert 'ether type ip ip saddr != { 10.42.0.10 } drop' in script
    assert 'ip saddr 0.0.0.0 udp sport 68 udp dport 67 meta mark set 0x1 return' in script
    assert 'iifname "%s" jump spoof-%s' % (tap, tap) in script
    assert 'oifname "%s" meta mark set meta mark | 0x10000' % tap in script
    assert 'meta mark & 0xffff == 0x1 jump egress-%s' % tap in script
    assert 'meta mark & 0xffff0000 == 0x10000 jump ingress-%s' % tap in script
    assert 'elements = { 10.42.0.10, 10.42.0.11 }' in script
    assert 'ct state established,related accept' in script
    ingress = script.split('chain ingress-%s {' % tap)[1].split('\n  }')[0]
    assert 'ip saddr @sg-%s-v4 return' % GROUP in ingress
    assert ingress.strip().splitlines()[-1].strip() == 'drop'
    assert 'iifname { "brq5e0c6a2b-7d" } udp dport 67 accept' in script
    assert 'iifname { "brq5e0c6a2b-7d" } drop' in script


def test_port_security_off_gets_no_chains():
    open_vif = _vif(port_security_enabled=False)
    script = firewall.ruleset([open_vif], table='t1')
    assert 'spoof-' not in script and 'egress-' not in script
    # Its bridge still keeps guests off the host.
    assert 'iifname { "brq5e0c6a2b-7d" } drop' in script


def test_dhcp_files_and_command_line(tmp_path):
    network = _network()
    vifs = [_vif(), _vif(port_id='99998888-3333-4444-5555-666677778888',
                         mac='fa:16:3e:00:00:0b', address='10.42.0.11')]
    assert dhcp.host_lines(network, vifs) == [
        'fa:16:3e:00:00:0a,10.42.0.10,host-10-42-0-10',
        'fa:16:3e:00:00:0b,10.42.0.11,host-10-42-0-11']
    routes = '169.254.169.254/32,10.42.0.2,0.0.0.0/0,10.42.0.1'
    assert dhcp.opts_lines(network) == [
        'tag:subnet-sub-1,option:router,10.42.0.1',
        'tag:subnet-sub-1,option:classless-static-route,' + routes,
        'tag:subnet-sub-1,249,' + routes,
        'tag:subnet-sub-1,option:dns-server,10.0.0.53',
        'tag:subnet-sub-1,option:mtu,1450']
    argv = dhcp.command(network, str(tmp_path))
    assert '--dhcp-range=set:subnet-sub-1,10.42.0.0,static,255.255.255.0,%ds' % (
        CONF.network.dhcp_lease_duration) in argv
    assert '--interface=brq5e0c6a2b-7d' in argv and '--bind-interfaces' in argv
    assert '--dhcp-hostsfile=%s' % os.path.join(str(tmp_path), 'host') in argv
    no_dhcp = _network(subnets=[dict(_network()['subnets'][0], enable_dhcp=False)])
    assert dhcp.command(no_dhcp, str(tmp_path)) is None
    no_gateway = _network(subnets=[dict(_network()['subnets'][0], gateway=None, dns=[])])
    # Without a gateway only the metadata route, via the DHCP port.
    assert dhcp.opts_lines(no_gateway) == [
        'tag:subnet-sub-1,option:router',
        'tag:subnet-sub-1,option:classless-static-route,169.254.169.254/32,10.42.0.2',
        'tag:subnet-sub-1,249,169.254.169.254/32,10.42.0.2',
        'tag:subnet-sub-1,option:mtu,1450']


class RecordingRunner:
    """Runs nothing: records the commands; devices 'exist' once added."""

    def __init__(self):
        self.commands = []
        self.devices = set()

    def run(self, argv, check=True, input=None):
        self.commands.append((list(argv), input))
        if argv[:3] == ['ip', 'link', 'add']:
            self.devices.add(argv[4] if argv[3] == 'name' else argv[3])
        if argv[:4] == ['ip', 'link', 'del', 'dev']:
            self.devices.discard(argv[4])
        return ''

    def succeeds(self, argv):
        return argv[-1] in self.devices

    def ran(self, *prefix):
        return [argv for argv, _input in self.commands if argv[:len(prefix)] == list(prefix)]


def test_plug_and_unplug_commands(tmp_path):
    runner = RecordingRunner()
    networking = plumbing.HostNetworking(runner, str(tmp_path))
    first, second = _vif(), _vif(port_id='99998888-3333-4444-5555-666677778888',
                                 mac='fa:16:3e:00:00:0b', address='10.42.0.11')
    networking.plug('vm-1', [first])
    networking.plug('vm-2', [second])
    assert runner.ran('ip', 'link', 'add', 'name', 'brq5e0c6a2b-7d', 'type', 'bridge')
    assert len(runner.ran('ip', 'link', 'add')) == 1  # the bridge once, no VXLAN
    assert runner.ran('ip', 'addr', 'replace', '10.42.0.2/24', 'dev', 'brq5e0c6a2b-7d')
    assert runner.ran('sysctl')
    assert runner.ran(CONF.network.dnsmasq_path)  # not running here: started
    hosts = open(os.path.join(dhcp.network_dir(str(tmp_path), NETWORK_ID), 'host')).read()
    assert '10.42.0.10' in hosts and '10.42.0.11' in hosts
    assert set(networking.plugged()) == {'vm-1', 'vm-2'}

    networking.unplug('vm-1')
    hosts = open(os.path.join(dhcp.network_dir(str(tmp_path), NETWORK_ID), 'host')).read()
    assert '10.42.0.10' not in hosts and '10.42.0.11' in hosts
    assert not runner.ran('ip', 'link', 'del', 'dev', 'brq5e0c6a2b-7d')
    last_script = [data for argv, data in runner.commands if argv[0] == 'nft'][-1]
    assert first['devname'] not in last_script and second['devname'] in last_script

    networking.unplug('vm-2')
    networking.unplug('vm-2')  # idempotent
    assert runner.ran('ip', 'link', 'del', 'dev', 'brq5e0c6a2b-7d')
    assert not os.path.exists(dhcp.network_dir(str(tmp_path), NETWORK_ID))
    last_script = [data for argv, data in runner.commands if argv[0] == 'nft'][-1]
    assert last_script == firewall.ruleset([])
    assert networking.plugged() == {}


def test_plugging_nothing_runs_nothing(tmp_path):
    runner = RecordingRunner()
    plumbing.HostNetworking(runner, str(tmp_path)).plug('vm-1', [])
    assert runner.commands == []


def test_tunnelled_network_gets_a_vxlan_device(tmp_path):
    CONF.set_override('tunnel_local_ip', '192.0.2.1', group='network')
    runner = RecordingRunner()
    runner.run = _with_address(runner.run)
    try:
        plumbing.HostNetworking(runner, str(tmp_path)).plug('vm-1', [_vif()])
    finally:
        CONF.clear_override('tunnel_local_ip', group='network')
    [vxlan] = [argv for argv in runner.ran('ip', 'link', 'add') if 'vxlan' in argv]
    assert vxlan == ['ip', 'link', 'add', 'vxlan-4242', 'type', 'vxlan', 'id', '4242',
                     'group', CONF.network.vxlan_group, 'dev', 'eth1', 'local', '192.0.2.1',
                     'dstport', '4789']
    assert runner.ran('ip', 'link', 'set', 'dev', 'vxlan-4242', 'master', 'brq5e0c6a2b-7d')


def _with_address(run):
    def wrapped(argv, check=True, input=None):
        run(argv, check, input)
        if argv == ['ip', '-o', 'addr', 'show']:
            return '3: eth1    inet 192.0.2.1/24 brd 192.0.2.255 scope global eth1\n'
        return ''
    return wrapped


def test_libvirt_guest_gets_a_bridge_interface_per_port(tmp_path):
    CONF.set_override('instances_path', str(tmp_path / 'instances'))
    instance = {'id': 7, 'uuid': '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
                'flavor': {'name': 'm1', 'memory_mb': 64, 'vcpus': 1},
                'network_info': [_vif()]}
    guest = instance_config.guest(instance, {})
    assert guest.interfaces == (config.Interface(
        kind='bridge', source='brq5e0c6a2b-7d', mac='fa:16:3e:00:00:0a',
        target_dev='tap11112222-33', mtu=1450),)
    element = ET.fromstring(config.domain_xml(guest)).find('devices/interface')
    assert element.get('type') == 'bridge'
    assert element.find('source').get('bridge') == 'brq5e0c6a2b-7d'
    assert element.find('mac').get('address') == 'fa:16:3e:00:00:0a'
    assert element.find('target').get('dev') == 'tap11112222-33'
    assert element.find('model').get('type') == 'virtio'
    assert element.find('mtu').get('size') == '1450'


def test_libvirt_guest_keeps_the_interfaces_plugged_on_this_host(tmp_path):
    CONF.set_override('instances_path', str(tmp_path / 'instances'))
    CONF.set_override('host_state_path', str(tmp_path / 'net'), group='network')
    try:
        plumbing.HostNetworking(RecordingRunner()).plug('1b4e28ba-2fa1-41d2-883f-0016d3cca427',
                                                       [_vif()])
        guest = instance_config.guest({'id': 7, 'uuid': '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
                                       'flavor': {'name': 'm1', 'memory_mb': 64,
                                                  'vcpus': 1}}, {})
    finally:
        CONF.clear_override('host_state_path', group='network')
    assert [interface.target_dev for interface in guest.interfaces] == ['tap11112222-33']


def test_bad_interface_target_is_refused():
    guest = config.Guest(name='instance-1', uuid='1b4e28ba-2fa1-41d2-883f-0016d3cca427',
                         display_name='', flavor=config.Flavor(name='', memory_mb=64, vcpus=1),
                         owner=config.Owner(user_id='', project_id=''),
                         console_log='/tmp/console.log',
                         interfaces=(config.Interface(kind='bridge', source='br0',
                                                      target_dev='tap/../../x'),))
    with pytest.raises(exception.InvalidInput):
        config.domain_xml(guest)


class _Driver:
    needs_host_networking = True


class _OldConductor:
    """A conductor before 1.13: network_info per server only; every
    server's ports are ``answer`` (or it raises ``answer``)."""

    def __init__(self, answer):
        self.answer = answer
        self.asked = []

    def network_info(self, context, instance_uuid, host, serves_dhcp=True):
        self.asked.append(('network_info', instance_uuid))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def changed_network_info(self, context, host, fingerprints, serves_dhcp=True):
        raise messaging.UnsupportedVersion('1.13')


class _Conductor(_OldConductor):
    """changed_network_info compared as nova_conductor/network_info.py
    does, over the same ``answer``."""

    def changed_network_info(self, context, host, fingerprints, serves_dhcp=True):
        self.asked.append(('changed_network_info', sorted(fingerprints)))
        if isinstance(self.answer, Exception):
            raise self.answer
        return {uuid: self.answer for uuid, digest in fingerprints.items()
                if self.answer and model.fingerprint(self.answer) != digest}


def test_refresh_replugs_servers_whose_ports_changed(tmp_path, monkeypatch):
    from nova_compute import vifs
    runner = RecordingRunner()
    networking = plumbing.HostNetworking(runner, str(tmp_path))
    monkeypatch.setattr(vifs, 'host_networking', lambda: networking)
    plugged = _vif(rules=[_rule(group=GROUP)], members=['10.42.0.10'])
    networking.plug('vm-1', [plugged])
    grown = _vif(rules=[_rule(group=GROUP)], members=['10.42.0.10', '10.42.0.77'])

    for unchanged in ([plugged], [], RuntimeError('conductor away')):
        before = len(runner.commands)
        conductor = _Conductor(unchanged)
        vifs.refresh(None, 'host-a', _Driver(), conductor)
        assert len(runner.commands) == before
        assert conductor.asked == [('changed_network_info', ['vm-1'])]
    vifs.refresh(None, 'host-a', _Driver(), _Conductor([grown]))
    assert networking.plugged()['vm-1'] == [grown]
    last_script = [data for argv, data in runner.commands if argv[0] == 'nft'][-1]
    assert 'elements = { 10.42.0.10, 10.42.0.77 }' in last_script
    # A server unplugged meanwhile (deleted) is not plugged again.
    networking.unplug('vm-1')
    vifs.refresh(None, 'host-a', _Driver(), _Conductor([grown]))
    assert networking.plugged() == {}


@pytest.mark.parametrize('conductor_class', [_Conductor, _OldConductor])
def test_refresh_asks_once_a_period_or_per_server_of_an_older_conductor(
        tmp_path, monkeypatch, conductor_class):
    from nova_compute import vifs
    runner = RecordingRunner()
    networking = plumbing.HostNetworking(runner, str(tmp_path))
    monkeypatch.setattr(vifs, 'host_networking', lambda: networking)
    plugged = _vif(rules=[_rule(group=GROUP)], members=['10.42.0.10'])
    for uuid in ('vm-1', 'vm-2', 'vm-3'):
        networking.plug(uuid, [plugged])
    grown = _vif(rules=[_rule(group=GROUP)], members=['10.42.0.10', '10.42.0.77'])
    conductor = conductor_class([grown])
    vifs.refresh(None, 'host-a', _Driver(), conductor)
    assert networking.plugged() == {'vm-1': [grown], 'vm-2': [grown], 'vm-3': [grown]}
    assert conductor.asked == (
        [('changed_network_info', ['vm-1', 'vm-2', 'vm-3'])] if conductor_class is _Conductor
        else [('network_info', uuid) for uuid in ('vm-1', 'vm-2', 'vm-3')])
