"""os-interface on libvirt: the <interface> a port hot-plugs as, live only
when the guest runs, and a port without its host side refused (400)."""
import xml.etree.ElementTree as ET

import libvirt
import pytest

from nova_common import exception
from nova_compute.virt.libvirt import hotplug

VIF = {'id': 'p1', 'address': 'fa:16:3e:00:00:01', 'devname': 'tapp1',
       'network': {'bridge': 'brqnet1', 'mtu': 1450}}


class FakeDomain:
    def __init__(self, active):
        self.active = active
        self.calls = []

    def isActive(self):
        return self.active

    def attachDeviceFlags(self, xml, flags):
        self.calls.append(('attach', xml, flags))

    def detachDeviceFlags(self, xml, flags):
        self.calls.append(('detach', xml, flags))


def test_a_running_guest_gets_the_port_live_and_in_its_definition():
    domain = FakeDomain(active=True)
    hotplug.attach(domain, {'uuid': 'u1'}, VIF)
    [(call, xml, flags)] = domain.calls
    assert call == 'attach'
    assert flags == libvirt.VIR_DOMAIN_AFFECT_CONFIG | libvirt.VIR_DOMAIN_AFFECT_LIVE
    element = ET.fromstring(xml)
    assert element.tag == 'interface' and element.get('type') == 'bridge'
    assert element.find('source').get('bridge') == 'brqnet1'
    assert element.find('mac').get('address') == 'fa:16:3e:00:00:01'
    assert element.find('target').get('dev') == 'tapp1'
    assert element.find('mtu').get('size') == '1450'


def test_a_stopped_guest_changes_only_its_definition():
    domain = FakeDomain(active=False)
    hotplug.detach(domain, {'uuid': 'u1'}, VIF)
    assert [(call, flags) for call, _xml, flags in domain.calls] == [
        ('detach', libvirt.VIR_DOMAIN_AFFECT_CONFIG)]


@pytest.mark.parametrize('vif', [
    {'id': 'p1', 'mac_address': 'fa:16:3e:00:00:01'},
    dict(VIF, network={}),
    dict(VIF, address='not-a-mac'),
])
def test_a_port_without_its_host_side_is_refused(vif):
    domain = FakeDomain(active=True)
    with pytest.raises((exception.AttachInterfaceNotSupported, exception.InvalidInput)):
        hotplug.attach(domain, {'uuid': 'u1'}, vif)
    assert domain.calls == []
