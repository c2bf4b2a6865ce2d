"""Live figures of a running libvirt domain, for the server diagnostics
API: the standard form (microversion 2.48) and the flat one Nova's libvirt
driver answered with before it (cpu0_time, memory, vda_read, ...).

Everything is read from libvirt at the time of the call: virDomainGetInfo,
virDomainGetVcpus, virDomainMemoryStats, virDomainBlockStats and
virDomainInterfaceStats for the disks and interfaces of the live domain
XML. The uptime is counted from the start of the domain's QEMU process
(its pid file, which libvirt writes when it starts the domain); when that
is not readable (a remote libvirtd), from the instance's launched_at, as
Nova counts it.
"""
import os
import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states
from nova_common.conf import CONF
from nova_compute.virt import diagnostics
from nova_compute.virt.libvirt import guest as libvirt_guest

LOG = logging.getLogger(__name__)

# Where libvirtd (qemu:///system) keeps the pid file of each running domain.
QEMU_RUN_DIR = '/run/libvirt/qemu'


def _devices(domain):
    """(disk target names, [(mac, interface target name or None)]) of the
    live domain."""
    root = ET.fromstring(domain.XMLDesc(0))
    disks = [target.get('dev') for target in root.findall('./devices/disk/target')
             if target.get('dev')]
    nics = []
    for interface in root.findall('./devices/interface'):
        mac = interface.find('mac')
        target = interface.find('target')
        nics.append((mac.get('address') if mac is not None else None,
                     target.get('dev') if target is not None else None))
    return disks, nics


def _vcpu_times(domain):
    """[(vcpu id, cpu time in ns)]; the domain's total on vCPU 0 when the
    hypervisor does not give them one by one."""
    try:
        return [(number, cpu_time) for number, _state, cpu_time, _cpu in domain.vcpus()[0]]
    except libvirt.libvirtError as error:
        LOG.debug('No per-vCPU figures for %s: %s', domain.UUIDString(), error)
        return [(0, domain.info()[4])]


def _memory_stats(domain):
    """virDomainMemoryStats (KiB per key), or {} when the hypervisor has none."""
    try:
        return domain.memoryStats()
    except libvirt.libvirtError as error:
        LOG.debug('No memory statistics for %s: %s', domain.UUIDString(), error)
        return {}


def _block_stats(domain, disk):
    """(read requests, read bytes, write requests, write bytes, errors) or None."""
    try:
        return domain.blockStats(disk)
    except libvirt.libvirtError as error:
        LOG.debug('No statistics for disk %s of %s: %s', disk, domain.UUIDString(), error)
        return None


def _interface_stats(domain, device):
    """(rx bytes, rx packets, rx errors, rx drop, tx bytes, tx packets,
    tx errors, tx drop) or None."""
    try:
        return domain.interfaceStats(device)
    except libvirt.libvirtError as error:
        LOG.debug('No statistics for interface %s of %s: %s', device, domain.UUIDString(),
                  error)
        return None


def uptime(domain, instance):
    """Seconds since the domain's QEMU process started."""
    pid_file = os.path.join(QEMU_RUN_DIR, domain.name() + '.pid')
    try:
        return int(time.time() - os.stat(pid_file).st_mtime)
    except OSError:
        launched_at = instance.get('launched_at')
        if not launched_at:
            return None
        return int(timeutils.delta_seconds(
            timeutils.normalize_time(timeutils.parse_isotime(launched_at)),
            timeutils.utcnow()))


def instance_diagnostics(domain, instance):
    """The standard diagnostics dict of ``domain`` (running)."""
    state, max_memory_kib, memory_kib, _vcpus, _cpu_time = domain.info()
    memory = _memory_stats(domain)
    used_kib = memory.get('rss', memory_kib)
    disks, nics = _devices(domain)
    disk_details = []
    for disk in disks:
        stats = _block_stats(domain, disk)
        if stats is not None:
            disk_details.append({'read_requests': stats[0], 'read_bytes': stats[1],
                                 'write_requests': stats[2], 'write_bytes': stats[3],
                                 'errors_count': stats[4]})
    nic_details = []
    for mac, device in nics:
        stats = _interface_stats(domain, device) if device else None
        nic = {'mac_address': mac}
        if stats is not None:
            nic.update(rx_octets=stats[0], rx_packets=stats[1], rx_errors=stats[2],
                       rx_drop=stats[3], tx_octets=stats[4], tx_packets=stats[5],
                       tx_errors=stats[6], tx_drop=stats[7])
        nic_details.append(nic)
    power_state = libvirt_guest.power_state_of(state)
    return diagnostics.build(
        compute_states.POWER_STATE_NAMES.get(power_state, 'pending'), 'libvirt',
        CONF.libvirt.virt_type, 'linux', uptime(domain, instance),
        config_drive=bool(instance.get('config_drive')),
        memory={'maximum': max_memory_kib // 1024, 'used': used_kib // 1024},
        cpus=[{'id': number, 'time': cpu_time, 'utilisation': None}
              for number, cpu_time in _vcpu_times(domain)],
        disks=disk_details, nics=nic_details)


def legacy_diagnostics(domain):
    """The flat dict of Nova's libvirt driver before 2.48."""
    output = {'cpu%d_time' % number: cpu_time for number, cpu_time in _vcpu_times(domain)}
    disks, nics = _devices(domain)
    for disk in disks:
        stats = _block_stats(domain, disk)
        if stats is not None:
            output.update({disk + '_read_req': stats[0], disk + '_read': stats[1],
                           disk + '_write_req': stats[2], disk + '_write': stats[3],
                           disk + '_errors': stats[4]})
    for _mac, device in nics:
        stats = _interface_stats(domain, device) if device else None
        if stats is not None:
            names = ('rx', 'rx_packets', 'rx_errors', 'rx_drop',
                     'tx', 'tx_packets', 'tx_errors', 'tx_drop')
            output.update({'%s_%s' % (device, name): value
                           for name, value in zip(names, stats)})
    output['memory'] = domain.maxMemory()
    output.update({'memory-' + key: value for key, value in _memory_stats(domain).items()})
    return output
