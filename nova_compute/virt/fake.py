"""An in-memory virt driver: capacity from [fake_driver], no real guests.

Used by functional tests and the scale benchmark; one compute service can
report many fake nodes so that a test has dozens of hosts.
"""
import threading
import time

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import driver

_START = time.time()


class FakeDriver(driver.ComputeDriver):
    def __init__(self):
        self.host = None
        self._lock = threading.Lock()
        # uuid -> {'node', 'power_state', 'memory_mb', 'vcpus', 'root_gb'}
        self.guests = {}

    def init_host(self, host):
        self.host = host

    def get_available_nodes(self):
        if CONF.fake_driver.nodes == 1:
            return [self.host]
        return ['%s-node%d' % (self.host, index) for index in range(1, CONF.fake_driver.nodes + 1)]

    def get_available_resource(self, nodename):
        with self._lock:
            on_node = [g for g in self.guests.values() if g['node'] == nodename]
        return {
            'hypervisor_hostname': nodename,
            'hypervisor_type': 'fake',
            'hypervisor_version': 1000,
            'cpu_info': '{"arch": "x86_64", "model": "fake", "vendor": "fake"}',
            'vcpus': CONF.fake_driver.vcpus,
            'memory_mb': CONF.fake_driver.memory_mb,
            'local_gb': CONF.fake_driver.local_gb,
            'vcpus_used': sum(g['vcpus'] for g in on_node),
            'memory_mb_used': sum(g['memory_mb'] for g in on_node),
            'local_gb_used': sum(g['root_gb'] for g in on_node),
            'running_vms': len(on_node),
            'host_ip': '127.0.0.1',
        }

    def get_host_uptime(self):
        minutes = int(time.time() - _START) // 60
        return ' %s up %d min,  0 users,  load average: 0.00, 0.00, 0.00' % (
            time.strftime('%H:%M:%S'), minutes)

    def spawn(self, context, instance, image_meta):
        if CONF.fake_driver.spawn_seconds:
            time.sleep(CONF.fake_driver.spawn_seconds)
        if instance['node'] in CONF.fake_driver.fail_spawn_on_nodes:
            raise exception.NovaException(
                'Injected spawn failure on node %s' % instance['node'])
        flavor = instance.get('flavor') or {}
        with self._lock:
            self.guests[instance['uuid']] = {
                'node': instance['node'], 'power_state': compute_states.RUNNING,
                'memory_mb': flavor.get('memory_mb', 0), 'vcpus': flavor.get('vcpus', 0),
                'root_gb': flavor.get('root_gb', 0)}

    def destroy(self, context, instance):
        with self._lock:
            self.guests.pop(instance['uuid'], None)

    def list_instance_uuids(self):
        with self._lock:
            return list(self.guests)

    def get_power_state(self, instance):
        with self._lock:
            guest = self.guests.get(instance['uuid'])
        return guest['power_state'] if guest else compute_states.NOSTATE
