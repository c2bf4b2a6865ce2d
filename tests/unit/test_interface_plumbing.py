"""os-interface's host side (nova_compute/interfaces.py) without a host: a
hot-plugged port is plumbed here (its network's bridge, its DHCP host
entry, its firewall rules) before the driver gives it to the guest, and
unplumbed after the driver took it out; when the driver fails, the host
is left as it was."""
import os

import pytest

from nova_common import exception
from nova_compute import interfaces
from nova_compute import vifs
from nova_compute.network import dhcp
from nova_compute.network import plumbing
from tests.unit import test_host_network as host_network
from tests.unit import test_metadata_proxies as metadata_proxies

INSTANCE = {'uuid': '1b4e28ba-2fa1-41d2-883f-0016d3cca427'}
BUILT = host_network._vif()  # the port the server was built with
HOT = metadata_proxies._other_network_vif()  # on a network new to this host
HOT_BRIDGE = HOT['network']['bridge']


class Conductor:
    """The cell conductor's side: the server's ports, the action events."""

    def __init__(self, network_info):
        self._network_info = network_info
        self.events = []
        self.served_dhcp = []

    def network_info(self, context, instance_uuid, host, serves_dhcp=True):
        assert (instance_uuid, host) == (INSTANCE['uuid'], 'host-a')
        self.served_dhcp.append(serves_dhcp)
        return list(self._network_info)

    def action_event(self, context, instance_uuid, event, phase, host=None, result=None,
                     details=None):
        self.events.append((event, phase, result))


class Driver:
    """Records what the host had plumbed when it was asked to hot-plug."""
    supports_attach_interface = True
    supports_tagged_attach_interface = True
    needs_host_networking = True

    def __init__(self, host, fail=False):
        self.host = host
        self.fail = fail
        self.calls = []

    def _record(self, action, vif):
        self.calls.append((action, vif, self.host.state()))
        if self.fail:
            raise RuntimeError('the guest did not take the device')

    def attach_interface(self, context, instance, vif):
        self._record('attach', vif)

    def detach_interface(self, context, instance, vif):
        self._record('detach', vif)


class Host:
    """This host's plumbing, through a recording runner."""

    def __init__(self, state_path):
        self.runner = host_network.RecordingRunner()
        self.proxy_events = []
        self.networking = plumbing.HostNetworking(
            self.runner, state_path, proxies=metadata_proxies._registry(self.proxy_events))

    def dhcp_hosts(self, vif):
        path = os.path.join(dhcp.network_dir(self.networking.state_path,
                                             vif['network']['id']), 'host')
        if not os.path.exists(path):
            return ''
        with open(path) as handle:
            return handle.read()

    def firewall(self):
        scripts = [data for argv, data in self.runner.commands if argv[0] == 'nft']
        return scripts[-1] if scripts else ''

    def state(self):
        """What serves ``HOT`` here now."""
        return {'plugged': [vif['id'] for vif in
                            self.networking.plugged().get(INSTANCE['uuid'], [])],
                'bridge': HOT_BRIDGE in self.runner.devices,
                'dhcp': HOT['fixed_ips'][0]['ip_address'] in self.dhcp_hosts(HOT),
                'firewall': HOT['devname'] in self.firewall()}


PLUMBED = {'plugged': [BUILT['id'], HOT['id']], 'bridge': True, 'dhcp': True,
           'firewall': True}
UNPLUMBED = {'plugged': [BUILT['id']], 'bridge': False, 'dhcp': False, 'firewall': False}


@pytest.fixture
def host(tmp_path, monkeypatch):
    host = Host(str(tmp_path))
    monkeypatch.setattr(vifs, 'host_networking', lambda: host.networking)
    return host


def _port(vif):
    """The port as nova-api hands it to the compute (network service view)."""
    return {'id': vif['id'], 'mac_address': vif['address'], 'network_id':
            vif['network']['id'], 'fixed_ips': vif['fixed_ips'], 'tag': None}


def test_attach_plumbs_the_port_before_the_guest_gets_it(host):
    host.networking.plug(INSTANCE['uuid'], [BUILT])
    driver = Driver(host)
    conductor = Conductor([BUILT, HOT])
    assert host.state() == UNPLUMBED

    interfaces.attach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))

    [(action, vif, state)] = driver.calls
    assert action == 'attach' and state == PLUMBED
    # The driver gets the host side of the port: its bridge and tap.
    assert (vif['network']['bridge'], vif['devname']) == (HOT_BRIDGE, HOT['devname'])
    assert host.state() == PLUMBED and conductor.served_dhcp == [True]
    assert ('start', HOT['network']['id'], None, HOT_BRIDGE) in host.proxy_events
    assert BUILT['fixed_ips'][0]['ip_address'] in host.dhcp_hosts(BUILT)
    assert conductor.events == [(interfaces.ATTACH_EVENT, 'start', None),
                                (interfaces.ATTACH_EVENT, 'finish', 'Success')]


def test_detach_unplumbs_the_port_once_the_guest_let_it_go(host):
    host.networking.plug(INSTANCE['uuid'], [BUILT, HOT])
    driver = Driver(host)
    conductor = Conductor([BUILT, HOT])

    interfaces.detach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))

    [(action, vif, state)] = driver.calls
    assert action == 'detach' and state == PLUMBED
    assert vif['devname'] == HOT['devname']
    # Its network had no other port here: bridge, dnsmasq and proxy gone.
    assert host.state() == UNPLUMBED
    assert host.runner.ran('ip', 'link', 'del', 'dev', HOT_BRIDGE)
    assert not os.path.exists(dhcp.network_dir(host.networking.state_path,
                                               HOT['network']['id']))
    assert ('stop', HOT['network']['id'], None) in host.proxy_events
    assert BUILT['fixed_ips'][0]['ip_address'] in host.dhcp_hosts(BUILT)
    assert BUILT['devname'] in host.firewall()
    assert conductor.events[-1] == (interfaces.DETACH_EVENT, 'finish', 'Success')


def test_a_failed_hot_plug_leaves_the_host_as_it_was(host):
    host.networking.plug(INSTANCE['uuid'], [BUILT])
    driver = Driver(host, fail=True)
    conductor = Conductor([BUILT, HOT])

    with pytest.raises(exception.InterfaceAttachFailed):
        interfaces.attach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))

    assert driver.calls[0][2] == PLUMBED
    assert host.state() == UNPLUMBED
    assert conductor.events[-1] == (interfaces.ATTACH_EVENT, 'finish', 'Error')


def test_a_failed_hot_unplug_keeps_the_port_plumbed(host):
    host.networking.plug(INSTANCE['uuid'], [BUILT, HOT])
    driver = Driver(host, fail=True)
    conductor = Conductor([BUILT, HOT])

    with pytest.raises(exception.InterfaceDetachFailed):
        interfaces.detach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))

    assert host.state() == PLUMBED
    assert conductor.events[-1] == (interfaces.DETACH_EVENT, 'finish', 'Error')


def test_the_only_port_of_a_server_built_without_one(host):
    """A server booted with no network gets its first port hot-plugged:
    plumbed before, and all of it gone again with its detach."""
    driver = Driver(host)
    conductor = Conductor([HOT])

    interfaces.attach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))
    assert driver.calls[-1][2]['plugged'] == [HOT['id']] and host.state()['bridge']

    interfaces.detach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))
    assert driver.calls[-1][2]['dhcp'] and driver.calls[-1][2]['firewall']
    assert host.state() == {'plugged': [], 'bridge': False, 'dhcp': False,
                            'firewall': False}


def test_nothing_on_the_host_when_the_driver_needs_no_host_side(host, monkeypatch):
    monkeypatch.setattr(Driver, 'needs_host_networking', False)
    driver = Driver(host)

    conductor = Conductor([HOT])

    interfaces.attach(driver, conductor, None, 'host-a', INSTANCE, _port(HOT))

    assert [call[0] for call in driver.calls] == ['attach']
    assert conductor.served_dhcp == [False]
    assert host.runner.commands == [] and host.networking.plugged() == {}
