"""An in-memory virt driver: capacity from [fake_driver], no real guests.

Used by functional tests and the scale benchmark; one compute service can
report many fake nodes so that a test has dozens of hosts.

Guests have a power state that the power operations move, and a console
log with one line per event ("fake console: booted <uuid>", ...). Every
power state change is reported to the event listener, as libvirt's
lifecycle events are; ``simulate_guest_shutdown`` makes a guest stop by
itself. [fake_driver] fail_operations makes chosen operations fail.
"""
import threading
import time

from oslo_serialization import jsonutils

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import driver

_START = time.time()


class FakeDriver(driver.ComputeDriver):
    def __init__(self):
        self.host = None
        self._lock = threading.Lock()
        # uuid -> {'node', 'power_state', 'memory_mb', 'vcpus', 'root_gb',
        #          'console': [lines]}
        self.guests = {}
        self._listeners = []

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
            'numa_topology': self.numa_topology(),
            'stats': jsonutils.dumps({'vgpus': CONF.fake_driver.vgpus}),
        }

    @staticmethod
    def numa_topology():
        """[fake_driver] numa_nodes cells sharing the node's vCPUs and memory
        evenly, or None."""
        count = CONF.fake_driver.numa_nodes
        if not count:
            return None
        cells, first_cpu = [], 0
        for index in range(count):
            cpus = CONF.fake_driver.vcpus // count + (index < CONF.fake_driver.vcpus % count)
            memory_mb = (CONF.fake_driver.memory_mb // count
                         + (index < CONF.fake_driver.memory_mb % count))
            cells.append({'id': index, 'cpus': list(range(first_cpu, first_cpu + cpus)),
                          'memory_mb': memory_mb})
            first_cpu += cpus
        return {'cells': cells}

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
                'root_gb': flavor.get('root_gb', 0),
                'console': ['fake console: booted %s' % instance['uuid']]}

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

    # --- power operations ------------------------------------------------------

    def _change(self, operation, instance, power_state, line, allowed_from=None):
        """Move the guest to ``power_state`` (logging ``line`` on its
        console) and tell the listeners; InstanceNotFound without a guest,
        InstanceInvalidState when it is not in one of ``allowed_from``."""
        uuid = instance['uuid']
        self._maybe_fail(operation)
        with self._lock:
            guest = self.guests.get(uuid)
            if guest is None:
                raise exception.InstanceNotFound(instance_id=uuid)
            if allowed_from is not None and guest['power_state'] not in allowed_from:
                raise exception.InstanceInvalidState(
                    action=operation, instance_uuid=uuid, attr='power_state',
                    state=compute_states.POWER_STATE_NAMES.get(guest['power_state']))
            changed = guest['power_state'] != power_state
            guest['power_state'] = power_state
            guest['console'].append('fake console: %s' % line)
        if changed:
            self._notify(uuid, power_state)

    def _maybe_fail(self, operation):
        if operation in CONF.fake_driver.fail_operations:
            raise exception.NovaException('Injected %s failure' % operation)

    def power_off(self, instance, timeout=0):
        self._change('power_off', instance, compute_states.SHUTDOWN,
                     'powered off (%s)' % ('clean' if timeout else 'hard'))

    def power_on(self, context, instance):
        self._change('power_on', instance, compute_states.RUNNING, 'powered on')

    def reboot(self, context, instance, reboot_type):
        self._change('reboot', instance, compute_states.RUNNING,
                     'rebooted (%s)' % reboot_type)

    def pause(self, instance):
        self._change('pause', instance, compute_states.POWER_PAUSED, 'paused',
                     allowed_from=(compute_states.RUNNING,))

    def unpause(self, instance):
        self._change('unpause', instance, compute_states.RUNNING, 'unpaused',
                     allowed_from=(compute_states.POWER_PAUSED,))

    def suspend(self, context, instance):
        self._change('suspend', instance, compute_states.POWER_SUSPENDED, 'suspended',
                     allowed_from=(compute_states.RUNNING, compute_states.POWER_PAUSED))

    def resume(self, context, instance):
        self._change('resume', instance, compute_states.RUNNING, 'resumed',
                     allowed_from=(compute_states.POWER_SUSPENDED,))

    def get_console_output(self, context, instance):
        self._maybe_fail('get_console_output')
        with self._lock:
            guest = self.guests.get(instance['uuid'])
            if guest is None:
                raise exception.InstanceNotFound(instance_id=instance['uuid'])
            return ''.join(line + '\n' for line in guest['console'])

    # --- events ----------------------------------------------------------------

    def register_event_listener(self, callback):
        with self._lock:
            self._listeners.append(callback)

    def _notify(self, uuid, power_state):
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            callback(uuid, power_state)

    def simulate_guest_shutdown(self, uuid, send_event=True):
        """The guest powers itself off (as a guest OS running ``poweroff``
        does); listeners hear of it unless ``send_event`` is False, which
        leaves the change for the periodic sync to find."""
        with self._lock:
            guest = self.guests[uuid]
            guest['power_state'] = compute_states.SHUTDOWN
            guest['console'].append('fake console: shut down by the guest')
        if send_event:
            self._notify(uuid, compute_states.SHUTDOWN)
