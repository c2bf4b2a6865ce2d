"""os-interface on libvirt: a port's <interface type='bridge'> (its
network's bridge, its MAC, its tap device, as the guest's definition gives
it at spawn) attached to or detached from the domain, live when the guest
runs and in its persistent definition always. Only a port the compute
knows the host side of (an entry of the server's network_info) can be
plugged: anything else is AttachInterfaceNotSupported, as Nova answers
what a driver cannot do."""
import libvirt

from nova_common import exception
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import taps


def _xml(instance, vif):
    network = vif.get('network') or {}
    if not network.get('bridge') or not vif.get('devname') or not vif.get('address'):
        raise exception.AttachInterfaceNotSupported(instance_uuid=instance['uuid'])
    return config.interface_xml(taps.interface(vif))


def _flags(domain):
    flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG
    if domain.isActive():
        flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
    return flags


def attach(domain, instance, vif):
    flags = _flags(domain)
    domain.attachDeviceFlags(_xml(instance, vif), flags)
    if flags & libvirt.VIR_DOMAIN_AFFECT_LIVE:
        taps.adopt(domain, [vif])


def detach(domain, instance, vif):
    domain.detachDeviceFlags(_xml(instance, vif), _flags(domain))
