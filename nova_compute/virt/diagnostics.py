"""The standard diagnostics of a guest (microversion 2.48), as a plain dict
so that it crosses RPC as it is: what each virt driver's
``get_instance_diagnostics`` returns.

Memory is in MiB, CPU time in nanoseconds, disk and NIC counters are the
hypervisor's totals since the guest started; a figure the hypervisor does
not give is None.
"""

CPU_FIELDS = ('id', 'time', 'utilisation')
DISK_FIELDS = ('read_bytes', 'read_requests', 'write_bytes', 'write_requests', 'errors_count')
NIC_FIELDS = ('mac_address', 'rx_octets', 'rx_errors', 'rx_drop', 'rx_packets', 'rx_rate',
              'tx_octets', 'tx_errors', 'tx_drop', 'tx_packets', 'tx_rate')
MEMORY_FIELDS = ('maximum', 'used')
SCALAR_FIELDS = ('state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime', 'config_drive',
                 'num_cpus', 'num_nics', 'num_disks')
LIST_FIELDS = {'cpu_details': CPU_FIELDS, 'disk_details': DISK_FIELDS,
               'nic_details': NIC_FIELDS}


def _only(fields, values):
    return {field: values.get(field) for field in fields}


def build(state, driver, hypervisor, hypervisor_os, uptime, config_drive=False,
          memory=None, cpus=(), disks=(), nics=()):
    """The diagnostics dict; ``memory`` has ``maximum``/``used``, each of
    ``cpus``, ``disks``, ``nics`` a dict with (some of) the fields above."""
    return {
        'state': state, 'driver': driver, 'hypervisor': hypervisor,
        'hypervisor_os': hypervisor_os, 'uptime': uptime, 'config_drive': config_drive,
        'num_cpus': len(cpus), 'num_disks': len(disks), 'num_nics': len(nics),
        'memory_details': _only(MEMORY_FIELDS, memory or {}),
        'cpu_details': [_only(CPU_FIELDS, cpu) for cpu in cpus],
        'disk_details': [_only(DISK_FIELDS, disk) for disk in disks],
        'nic_details': [_only(NIC_FIELDS, nic) for nic in nics],
    }
