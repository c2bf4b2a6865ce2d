"""[network] move_taps_to_netns without a host: the guests' interfaces
become bare taps (<interface type='ethernet'>), the taps libvirtd made in
this namespace are moved into host_netns and put on their bridges, and the
all-in-one's namespace helpers (its name, dnsmasq's user)."""
import os
import re
import xml.etree.ElementTree as ET

import libvirt
import pytest

from nova_common.cmd import allinone_netns
from nova_common.conf import CONF
from nova_compute.network import dhcp
from nova_compute.network import tap_netns
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import hotplug
from nova_compute.virt.libvirt import taps
from tests.unit import test_host_network as host_network

VIF = {'id': 'p1', 'address': 'fa:16:3e:00:00:01', 'devname': 'tapp1',
       'network': {'id': 'n1', 'bridge': 'brqnet1', 'mtu': 1450}}


@pytest.fixture
def moving():
    CONF.set_override('host_netns', 'nova-aio-12345678', group='network')
    CONF.set_override('move_taps_to_netns', True, group='network')
    yield
    CONF.clear_override('host_netns', group='network')
    CONF.clear_override('move_taps_to_netns', group='network')


class Domain:
    uuid = '1b4e28ba-2fa1-41d2-883f-0016d3cca427'

    def __init__(self):
        self.attached = []

    def UUIDString(self):
        return self.uuid

    def isActive(self):
        return True

    def attachDeviceFlags(self, xml, flags):
        self.attached.append((xml, flags))


def _interface_element(interface):
    return ET.fromstring(config.interface_xml(interface))


def test_a_port_is_a_bridge_interface_unless_taps_are_moved():
    element = _interface_element(taps.interface(VIF))
    assert element.get('type') == 'bridge'
    assert element.find('source').get('bridge') == 'brqnet1'


def test_a_moved_port_is_a_bare_tap_with_its_mac_name_and_mtu(moving):
    element = _interface_element(taps.interface(VIF))
    assert element.get('type') == 'ethernet'
    assert element.find('source') is None
    assert element.find('target').get('dev') == 'tapp1'
    assert element.find('mac').get('address') == 'fa:16:3e:00:00:01'
    assert element.find('mtu').get('size') == '1450'


def test_the_namespace_argument_of_ip_link_set():
    assert tap_netns.ip_netns_argument('nova-aio-12345678') == 'nova-aio-12345678'
    assert tap_netns.ip_netns_argument('/proc/4242/ns/net') == '4242'
    with pytest.raises(ValueError):
        tap_netns.ip_netns_argument('/var/run/other/ns')


def test_taps_here_are_moved_onto_their_bridges_and_others_left_alone():
    local, target = host_network.RecordingRunner(), host_network.RecordingRunner()
    target.namespace = 'nova-aio-12345678'
    local.devices.add('tapp1')
    other = dict(VIF, devname='tapp2')
    assert tap_netns.adopt(target, [VIF, other], local=local) == ['tapp1']
    assert local.ran('ip', 'link', 'set') == [
        ['ip', 'link', 'set', 'dev', 'tapp1', 'netns', 'nova-aio-12345678']]
    assert target.ran('ip', 'link', 'set') == [
        ['ip', 'link', 'set', 'dev', 'tapp1', 'master', 'brqnet1', 'up']]


def test_nothing_is_moved_unless_configured():
    assert taps.adopt(Domain()) == []


def test_a_start_moves_the_taps_plugged_for_the_domain(moving, monkeypatch):
    calls = []
    monkeypatch.setattr(taps.vifs_lib, 'plugged_network_info',
                        lambda uuid: [VIF] if uuid == Domain.uuid else None)
    monkeypatch.setattr(tap_netns, 'adopt',
                        lambda target, vifs: calls.append((target.namespace, vifs)) or [])
    taps.adopt(Domain())
    assert calls == [('nova-aio-12345678', [VIF])]


def test_a_hot_plugged_tap_is_moved_after_the_live_attach(moving, monkeypatch):
    calls = []
    monkeypatch.setattr(tap_netns, 'adopt',
                        lambda target, vifs: calls.append([v['devname'] for v in vifs]) or [])
    domain = Domain()
    hotplug.attach(domain, {'uuid': Domain.uuid}, VIF)
    [(xml, flags)] = domain.attached
    assert ET.fromstring(xml).get('type') == 'ethernet'
    assert flags & libvirt.VIR_DOMAIN_AFFECT_LIVE
    assert calls == [['tapp1']]


def test_dnsmasq_runs_as_the_configured_user(tmp_path):
    network = host_network._network()
    assert not [arg for arg in dhcp.command(network, str(tmp_path))
                if arg.startswith('--user')]
    CONF.set_override('dnsmasq_user', 'root', group='network')
    try:
        assert '--user=root' in dhcp.command(network, str(tmp_path))
    finally:
        CONF.clear_override('dnsmasq_user', group='network')


def test_the_allinone_namespace_is_named_after_its_data_dir(tmp_path):
    first = allinone_netns.name_for(str(tmp_path / 'a'))
    assert first == allinone_netns.name_for(str(tmp_path / 'a' / '..' / 'a'))
    assert first != allinone_netns.name_for(str(tmp_path / 'b'))
    assert re.fullmatch(r'nova-aio-[0-9a-f]{8}', first)


def test_a_data_dir_under_a_closed_directory_is_closed_to_others(tmp_path):
    closed = tmp_path / 'closed'
    (closed / 'data').mkdir(parents=True)
    os.chmod(tmp_path, 0o755)
    os.chmod(closed, 0o700)
    assert allinone_netns.closed_to_others(str(closed / 'data' / 'networking'))
    os.chmod(closed, 0o755)
    # tmp_path's own parents (pytest's base directory) may be closed too.
    expected = any(not os.stat(parent).st_mode & 0o001
                   for parent in [str(tmp_path)] + [str(p) for p in tmp_path.parents])
    assert allinone_netns.closed_to_others(str(closed / 'data')) == expected
