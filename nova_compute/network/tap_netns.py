"""Guests' taps moved from the namespace libvirtd made them in into the
namespace of the host side ([network] host_netns), onto their bridges.

libvirtd makes a guest's tap in its own network namespace, when the guest
starts or an interface is hot-plugged, and needs it there until the start
is over. Where libvirtd runs in this process's namespace but the bridges,
dnsmasq and the firewall live in another one (the all-in-one's guest
network namespace), the compute moves each tap afterwards ([network]
move_taps_to_netns). QEMU keeps its open file of a moved tap; when QEMU
closes it, the kernel removes the tap in whatever namespace it is.
"""
import re

from nova_compute.network import bridge
from nova_compute.network import runner as runner_lib

_PROC_NETNS = re.compile(r'^/proc/(\d+)/ns/net$')


def ip_netns_argument(namespace):
    """What ``ip link set ... netns`` takes for ``namespace``: a /run/netns
    name, or the pid of a /proc/<pid>/ns/net path."""
    match = _PROC_NETNS.match(namespace)
    if match:
        return match.group(1)
    if '/' in namespace:
        raise ValueError('cannot move devices into namespace %s: give a /run/netns name '
                         'or /proc/<pid>/ns/net' % namespace)
    return namespace


def adopt(target, vifs, local=None):
    """Move the taps of ``vifs`` that are in this process's namespace
    (``local``: a runner of it) into the namespace of the runner
    ``target`` and put each on its network's bridge there. Taps that are
    not here (moved already, or no guest runs) are left alone. Returns the
    names of the taps moved."""
    local = local or runner_lib.default()
    moved = []
    for vif in vifs:
        device = vif['devname']
        if not bridge.exists(local, device):
            continue
        local.run(['ip', 'link', 'set', 'dev', device, 'netns',
                   ip_netns_argument(target.namespace)])
        bridge.attach(target, device, vif['network'])
        moved.append(device)
    return moved
