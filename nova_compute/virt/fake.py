"""An in-memory virt driver: capacity from [fake_driver], no real guests.

Used by functional tests and the scale benchmark; one compute service can
report many fake nodes so that a test has dozens of hosts.
"""
import time

from nova_common.conf import CONF
from nova_compute.virt import driver

_START = time.time()


class FakeDriver(driver.ComputeDriver):
    def __init__(self):
        self.host = None

    def init_host(self, host):
        self.host = host

    def get_available_nodes(self):
        if CONF.fake_driver.nodes == 1:
            return [self.host]
        return ['%s-node%d' % (self.host, index) for index in range(1, CONF.fake_driver.nodes + 1)]

    def get_available_resource(self, nodename):
        return {
            'hypervisor_hostname': nodename,
            'hypervisor_type': 'fake',
            'hypervisor_version': 1000,
            'cpu_info': '{"arch": "x86_64", "model": "fake", "vendor": "fake"}',
            'vcpus': CONF.fake_driver.vcpus,
            'memory_mb': CONF.fake_driver.memory_mb,
            'local_gb': CONF.fake_driver.local_gb,
            'vcpus_used': 0,
            'memory_mb_used': 0,
            'local_gb_used': 0,
            'host_ip': '127.0.0.1',
        }

    def get_host_uptime(self):
        minutes = int(time.time() - _START) // 60
        return ' %s up %d min,  0 users,  load average: 0.00, 0.00, 0.00' % (
            time.strftime('%H:%M:%S'), minutes)
