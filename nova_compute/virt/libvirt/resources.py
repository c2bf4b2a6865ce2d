"""What this host has and uses, as the compute node record wants it: vCPUs
and memory from libvirt, disk from the file system of instances_path,
hypervisor identity and the host CPU description (cpu_info JSON)."""
import os
import socket
import subprocess
import xml.etree.ElementTree as ET

import libvirt
from oslo_serialization import jsonutils


GiB = 1024 ** 3


def cpu_info(capabilities_xml):
    """Nova's cpu_info JSON of the host CPU described in the capabilities."""
    cpu = ET.fromstring(capabilities_xml).find('host/cpu')
    if cpu is None:
        return jsonutils.dumps({})
    topology = cpu.find('topology')
    info = {
        'arch': cpu.findtext('arch'),
        'model': cpu.findtext('model'),
        'vendor': cpu.findtext('vendor'),
        'topology': {key: int(topology.get(key)) for key in ('sockets', 'cores', 'threads')
                     if topology is not None and topology.get(key)},
        'features': sorted(feature.get('name') for feature in cpu.findall('feature')),
    }
    return jsonutils.dumps(info)


def numa_topology(capabilities_xml):
    """The host's NUMA cells from the capabilities ({'cells': [{'id', 'cpus':
    [cpu ids], 'memory_mb'}]}), or None when libvirt describes none."""
    cells = ET.fromstring(capabilities_xml).findall('host/topology/cells/cell')
    if not cells:
        return None
    return {'cells': [
        {'id': int(cell.get('id')),
         'cpus': sorted(int(cpu.get('id')) for cpu in cell.findall('cpus/cpu')),
         # Capabilities give a cell's memory in KiB.
         'memory_mb': int(cell.findtext('memory') or 0) // 1024}
        for cell in cells]}


def memory_mb(conn, running_guests):
    """(total, used) MiB of host memory, used being what is neither free
    nor page cache. Where libvirt has no memory statistics (its test
    driver), the node's memory and what the running guests were given."""
    try:
        stats = conn.getMemoryStats(libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS)
    except libvirt.libvirtError:
        total_mb = conn.getInfo()[1]
        return total_mb, sum(info[2] for info in running_guests) // 1024
    available_kib = stats.get('free', 0) + stats.get('buffers', 0) + stats.get('cached', 0)
    return stats['total'] // 1024, max(0, stats['total'] - available_kib) // 1024


def disk_gb(path):
    """(total, used) GiB of the file system holding ``path``."""
    stat = os.statvfs(path)
    total = stat.f_frsize * stat.f_blocks
    free = stat.f_frsize * stat.f_bavail
    return total // GiB, (total - free) // GiB


def available_resource(conn, domains, nodename, instances_path, host_cpu_info):
    """The node's capacity and usage; ``domains`` are this service's
    guests, ``host_cpu_info`` the cpu_info JSON."""
    running = [info for info in _infos(domains) if info[0] != libvirt.VIR_DOMAIN_SHUTOFF]
    total_mb, used_mb = memory_mb(conn, running)
    local_gb, local_gb_used = disk_gb(instances_path)
    return {
        'hypervisor_hostname': nodename,
        'hypervisor_type': conn.getType(),
        'hypervisor_version': conn.getVersion(),
        'cpu_info': host_cpu_info,
        'vcpus': conn.getInfo()[2],
        'memory_mb': total_mb,
        'local_gb': local_gb,
        'vcpus_used': sum(info[3] for info in running),
        'memory_mb_used': used_mb,
        'local_gb_used': local_gb_used,
        'running_vms': len(running),
        'host_ip': host_ip(),
    }


def _infos(domains):
    """``virDomain.info()`` ([state, max memory KiB, memory KiB, vCPUs, CPU
    time]) of each domain that still exists."""
    infos = []
    for domain in domains:
        try:
            infos.append(domain.info())
        except libvirt.libvirtError as error:
            if error.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                raise
    return infos


def host_ip():
    """The address other hosts reach this one at: the source address of a
    route towards a public address (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(('192.0.2.1', 9))
            return probe.getsockname()[0]
        except OSError:
            return '127.0.0.1'


def uptime():
    """The host's ``uptime`` line."""
    return subprocess.run(['uptime'], capture_output=True, text=True, check=True,
                          env={'LANG': 'C', 'PATH': os.environ.get('PATH', '/usr/bin:/bin')}
                          ).stdout.rstrip('\n')
