"""os-interface through the whole path with the host side on: nova-api
makes the port, the compute reads the server's network_info from its
cell conductor and plumbs the port on the host (bridge, DHCP host entry,
firewall; commands recorded, nothing run) before the driver hot-plugs it,
and unplumbs it after the detach, so the periodic refresh has nothing
left to do."""
import os

import pytest

from nova_compute import vifs
from nova_compute.network import dhcp
from tests.functional.network import helpers
from tests.functional.network import test_interfaces as interfaces_api
from tests.functional.test_power_actions import boot
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.unit import test_interface_plumbing as unit


@pytest.fixture
def host(running, tmp_path, monkeypatch):  # noqa: F811
    """The compute's host side on a recording runner; the fake driver's
    guests use it, as libvirt's do."""
    host = unit.Host(str(tmp_path))
    monkeypatch.setattr(vifs, 'host_networking', lambda: host.networking)
    monkeypatch.setattr(type(running.compute.manager.driver), 'needs_host_networking', True)
    return host


def _dhcp_hosts(host, network_id):
    path = os.path.join(dhcp.network_dir(host.networking.state_path, network_id), 'host')
    with open(path) as handle:
        return handle.read()


def test_attach_and_detach_plumb_the_port_on_the_host(running, host):  # noqa: F811
    network = helpers.network(running, name='net1', token=DEMO)
    helpers.subnet(running, network['id'], cidr='10.42.0.0/24', token=DEMO)
    uuid = boot(running)
    assert host.networking.plugged() == {}
    bridge = 'brq' + network['id'][:11]

    attached = interfaces_api._attach(running, uuid, {
        'net_id': network['id'], 'fixed_ips': [{'ip_address': '10.42.0.50'}]}
    )['interfaceAttachment']

    port_id = attached['port_id']
    tap = ('tap' + port_id)[:14]
    [vif] = host.networking.plugged()[uuid]
    assert (vif['id'], vif['devname'], vif['network']['bridge']) == (port_id, tap, bridge)
    assert bridge in host.runner.devices
    assert '%s,10.42.0.50' % attached['mac_addr'] in _dhcp_hosts(host, network['id'])
    assert tap in host.firewall() and attached['mac_addr'] in host.firewall()
    # The driver got the port with its host side.
    guest_vif = running.compute.manager.driver.guests[uuid]['vifs'][port_id]
    assert guest_vif['devname'] == tap

    running.delete(interfaces_api._url(uuid, port_id), token=DEMO, status=202)

    assert host.networking.plugged()[uuid] == []
    assert bridge not in host.runner.devices
    assert not os.path.exists(dhcp.network_dir(host.networking.state_path, network['id']))
    assert tap not in host.firewall()
