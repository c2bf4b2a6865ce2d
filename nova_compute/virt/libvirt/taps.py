"""How the libvirt driver connects a port's tap: libvirtd puts it on the
network's bridge itself (``<interface type='bridge'>``), or, with
[network] move_taps_to_netns, makes a bare tap (``<interface
type='ethernet'>``) that the compute moves into [network] host_netns and
onto the bridge once the guest has started or the interface is
hot-plugged (nova_compute/network/tap_netns.py). Every start of a domain
goes through guest.start, which calls ``adopt``."""
from nova_common.conf import CONF
from nova_compute.network import runner as runner_lib
from nova_compute.network import tap_netns
from nova_compute import vifs as vifs_lib
from nova_compute.virt.libvirt import config


def moved():
    """Whether taps are moved into [network] host_netns."""
    return bool(CONF.network.move_taps_to_netns and CONF.network.host_netns)


def interface(vif):
    """The config.Interface of a port (an entry of network_info)."""
    network = vif['network']
    common = dict(mac=vif['address'], target_dev=vif['devname'], mtu=network.get('mtu'))
    if moved():
        return config.Interface(kind='ethernet', **common)
    return config.Interface(kind='bridge', source=network['bridge'], **common)


def adopt(domain, vifs=None):
    """Move the domain's taps that libvirtd has just made (``vifs``, by
    default every port plugged on this host for it) into [network]
    host_netns, onto their bridges. Returns the taps moved."""
    if not moved():
        return []
    if vifs is None:
        vifs = vifs_lib.plugged_network_info(domain.UUIDString()) or []
    return tap_netns.adopt(runner_lib.Runner(CONF.network.host_netns), vifs)
