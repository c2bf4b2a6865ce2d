"""An in-memory virt driver: capacity from [fake_driver], no real guests.

Used by functional tests and the scale benchmark; one compute service can
report many fake nodes so that a test has dozens of hosts.

Guests have a power state that the power operations move, and a console
log with one line per event ("fake console: booted <uuid>", ...). Every
power state change is reported to the event listener, as libvirt's
lifecycle events are; ``simulate_guest_shutdown`` makes a guest stop by
itself. [fake_driver] fail_operations makes chosen operations fail.
Each guest records the ``image_ref`` it was spawned from (a rebuild
spawns it again) and, while rescued, its ``rescue_image_ref``.
"""
import io
import threading
import time

from oslo_serialization import jsonutils

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import config_drive
from nova_compute.virt import diagnostics
from nova_compute.virt import driver
from nova_compute.virt import image_upload

_START = time.time()


class FakeDriver(driver.ComputeDriver):
    supports_attach_interface = True
    supports_tagged_attach_interface = True

    def __init__(self):
        self.host = None
        self._lock = threading.Lock()
        # uuid -> {'node', 'power_state', 'memory_mb', 'vcpus', 'root_gb',
        #          'started_at' (time.time() of its last start), 'console': [lines]}
        self.guests = {}
        self._listeners = []
        # image id -> the bytes a snapshot uploaded into it.
        self.uploaded_images = {}
        # uuid -> the guest as it was before it moved away (until confirmed).
        self.resize_sources = {}
        # uuid -> the guest arriving by live migration (until it is here for good).
        self.incoming = {}

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

    def spawn(self, context, instance, image_meta, config_drive_metadata=None):
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
                'root_gb': flavor.get('root_gb', 0), 'started_at': time.time(),
                'image_ref': instance.get('image_ref'),
                'console': ['fake console: booted %s' % instance['uuid']],
                # The NICs the guest would have: (MAC, tap device, bridge) per port.
                'interfaces': _interfaces(instance),
                # The config drive's files ({path: bytes}), as the guest would read them.
                'config_drive': (config_drive.files_for(config_drive_metadata)
                                 if config_drive_metadata else None)}

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
            if power_state == compute_states.RUNNING and (
                    changed or operation == 'reboot'):
                guest['started_at'] = time.time()
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

    # --- rescue ---------------------------------------------------------------

    def rescue(self, context, instance, rescue_image, rescue_password):
        """The guest runs from ``rescue_image`` (kept in the guest's
        ``rescue_image_ref``; its own ``image_ref`` stays)."""
        self._maybe_fail('rescue')
        with self._lock:
            guest = self._guest(instance)
            guest['rescue_image_ref'] = rescue_image['id']
            changed = guest['power_state'] != compute_states.RUNNING
            guest['power_state'] = compute_states.RUNNING
            guest['console'].append('fake console: rescued from image %s' % rescue_image['id'])
        if changed:
            self._notify(instance['uuid'], compute_states.RUNNING)

    def unrescue(self, context, instance):
        self._maybe_fail('unrescue')
        with self._lock:
            guest = self._guest(instance)
            if guest.pop('rescue_image_ref', None) is None:
                raise exception.InstanceInvalidState(
                    action='unrescue', instance_uuid=instance['uuid'], attr='guest',
                    state='not rescued')
            guest['console'].append('fake console: unrescued')

    def _guest(self, instance):
        """The guest of ``instance``; the caller holds the lock."""
        guest = self.guests.get(instance['uuid'])
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        return guest

    def get_console_output(self, context, instance):
        self._maybe_fail('get_console_output')
        with self._lock:
            guest = self.guests.get(instance['uuid'])
            if guest is None:
                raise exception.InstanceNotFound(instance_id=instance['uuid'])
            return ''.join(line + '\n' for line in guest['console'])

    # --- diagnostics -----------------------------------------------------------

    def _guest_copy(self, instance):
        with self._lock:
            return dict(self._guest(instance))

    def get_instance_diagnostics(self, instance):
        """Plausible figures that grow with the guest's uptime: 1% of a
        vCPU busy, half the memory used, one disk (vda), no NIC (the fake
        driver plugs none)."""
        self._maybe_fail('get_diagnostics')
        guest = self._guest_copy(instance)
        uptime = int(time.time() - guest['started_at'])
        cpu_time = _fake_cpu_time(guest)
        cpus = [{'id': index, 'time': cpu_time, 'utilisation': 1}
                for index in range(guest['vcpus'])]
        disk = _fake_disk(guest)
        return diagnostics.build(
            'running', 'fake', 'fake', 'linux', uptime,
            memory={'maximum': guest['memory_mb'], 'used': guest['memory_mb'] // 2},
            cpus=cpus, disks=[{'read_bytes': disk['read'], 'read_requests': disk['read_req'],
                               'write_bytes': disk['write'],
                               'write_requests': disk['write_req'], 'errors_count': 0}])

    def get_diagnostics(self, instance):
        """The same figures in the libvirt driver's flat form."""
        self._maybe_fail('get_diagnostics')
        guest = self._guest_copy(instance)
        output = {'cpu%d_time' % index: _fake_cpu_time(guest)
                  for index in range(guest['vcpus'])}
        output['memory'] = guest['memory_mb'] * 1024
        output.update({'vda_' + key: value for key, value in _fake_disk(guest).items()})
        output['vda_errors'] = 0
        return output

    # --- snapshots ---------------------------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload a few bytes naming the guest and its image as its root
        disk (kept in ``uploaded_images``). [fake_driver] fail_operations
        ``snapshot`` fails before the upload, ``snapshot_upload`` half-way
        through it."""
        uuid = instance['uuid']
        self._maybe_fail('snapshot')
        with self._lock:
            if uuid not in self.guests:
                raise exception.InstanceNotFound(instance_id=uuid)
        update_task_state(compute_states.IMAGE_PENDING_UPLOAD)
        data = ('fake disk of %s from image %s\n' % (uuid, instance.get('image_ref'))).encode()
        update_task_state(compute_states.IMAGE_UPLOADING,
                          expected_state=compute_states.IMAGE_PENDING_UPLOAD)
        stream = io.BytesIO(data)
        if 'snapshot_upload' in CONF.fake_driver.fail_operations:
            stream = _BreakingStream(data)
        image_upload.upload(context, image_id, stream, 'raw')
        with self._lock:
            self.uploaded_images[image_id] = data

    # --- resize and cold migration ------------------------------------------------
    # [fake_driver] fail_operations names the step to fail: prepare_migration_target,
    # migrate_disk_and_power_off, finish_migration, confirm_migration,
    # finish_revert_migration.

    def prepare_migration_target(self, context, instance, migration):
        self._maybe_fail('prepare_migration_target')

    def migrate_disk_and_power_off(self, context, instance, dest_host, flavor, timeout=0):
        """Power the guest off and keep a copy of it (``resize_sources``)
        for a revert."""
        self._maybe_fail('migrate_disk_and_power_off')
        self._change('migrate_disk_and_power_off', instance, compute_states.SHUTDOWN,
                     'powered off to move to %s' % dest_host)
        with self._lock:
            self.resize_sources[instance['uuid']] = dict(self._guest(instance))
        return {'source_host': self.host}

    def finish_migration(self, context, migration, instance, disk_info, image_meta,
                         resize_instance, power_on):
        self._maybe_fail('finish_migration')
        flavor = instance.get('flavor') or {}
        with self._lock:
            self.guests[instance['uuid']] = {
                'node': instance['node'],
                'power_state': compute_states.RUNNING if power_on else compute_states.SHUTDOWN,
                'memory_mb': flavor.get('memory_mb', 0), 'vcpus': flavor.get('vcpus', 0),
                'root_gb': flavor.get('root_gb', 0), 'started_at': time.time(),
                'image_ref': instance.get('image_ref'),
                'console': ['fake console: arrived from %s' % disk_info.get('source_host')],
                'interfaces': _interfaces(instance)}

    def confirm_migration(self, context, migration, instance):
        self._maybe_fail('confirm_migration')
        with self._lock:
            self.resize_sources.pop(instance['uuid'], None)
            if migration['source_compute'] != migration['dest_compute']:
                self.guests.pop(instance['uuid'], None)

    def finish_revert_migration(self, context, instance, migration, power_on):
        self._maybe_fail('finish_revert_migration')
        with self._lock:
            guest = self.resize_sources.pop(instance['uuid'], None)
            if guest is None:
                raise exception.InstanceNotFound(instance_id=instance['uuid'])
            guest['power_state'] = (compute_states.RUNNING if power_on
                                    else compute_states.SHUTDOWN)
            if 'network_info' in instance:
                guest['interfaces'] = _interfaces(instance)
            guest['console'].append('fake console: back after a reverted move')
            self.guests[instance['uuid']] = guest
        if power_on:
            self._notify(instance['uuid'], compute_states.RUNNING)

    # --- live migration -------------------------------------------------------------
    # The guest's description travels in migrate_data (the drivers of the two hosts
    # share nothing); [fake_driver] live_migration_seconds is how long it takes.
    # fail_operations may name check_can_live_migrate_destination,
    # check_can_live_migrate_source, pre_live_migration, live_migration,
    # post_live_migration_at_destination.

    def _refuse_if_failing(self, operation):
        if operation in CONF.fake_driver.fail_operations:
            raise exception.MigrationPreCheckError(reason='Injected %s failure' % operation)

    def check_can_live_migrate_destination(self, context, instance, block_migration):
        self._refuse_if_failing('check_can_live_migrate_destination')
        # Fake hosts share no instances directory: "auto" means a block migration.
        return {'block_migration': True if block_migration == 'auto' else block_migration}

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        self._refuse_if_failing('check_can_live_migrate_source')
        with self._lock:
            guest = self.guests.get(instance['uuid'])
            if guest is None:
                raise exception.MigrationPreCheckError(
                    reason='instance %s has no guest on %s' % (instance['uuid'], self.host))
            travelling = {key: value for key, value in guest.items()
                          if key != 'config_drive'}
        return dict(dest_check_data, source_host=self.host, guest=travelling)

    def pre_live_migration(self, context, instance, migrate_data):
        self._maybe_fail('pre_live_migration')
        if CONF.fake_driver.pre_live_migration_seconds:
            time.sleep(CONF.fake_driver.pre_live_migration_seconds)
        guest = dict(migrate_data['guest'], node=migrate_data.get('dest_node'))
        with self._lock:
            self.incoming[instance['uuid']] = guest
        return migrate_data

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        self._maybe_fail('live_migration')
        memory = (migrate_data['guest'].get('memory_mb') or 0) * 1024 * 1024
        started = time.monotonic()
        while True:
            if monitor.should_abort():
                raise monitor.aborted()
            share = min(1.0, (time.monotonic() - started)
                        / max(CONF.fake_driver.live_migration_seconds, 1e-6))
            if monitor.should_force_complete():
                share = 1.0
            monitor.report(memory_total_bytes=memory,
                           memory_processed_bytes=int(memory * share),
                           memory_remaining_bytes=memory - int(memory * share),
                           disk_total_bytes=0, disk_processed_bytes=0,
                           disk_remaining_bytes=0)
            if share >= 1.0:
                # As libvirt undefines the source domain (UNDEFINE_SOURCE)
                # when the migration completes: gone from here before the
                # destination takes the instance over.
                with self._lock:
                    self.guests.pop(instance['uuid'], None)
                return
            time.sleep(0.02)

    def post_live_migration(self, context, instance, migrate_data):
        """Nothing is left here: the guest left when its migration
        completed (live_migration)."""

    def post_live_migration_at_destination(self, context, instance):
        self._maybe_fail('post_live_migration_at_destination')
        with self._lock:
            # It keeps the power state it had on its source (running or paused).
            guest = self.incoming.pop(instance['uuid'])
            guest['console'] = list(guest['console']) + [
                'fake console: still running after a live migration']
            self.guests[instance['uuid']] = guest

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        with self._lock:
            self.incoming.pop(instance['uuid'], None)

    # --- os-interface --------------------------------------------------------------
    # A guest's hot-plugged ports: guest['vifs'] {port id: vif}; [fake_driver]
    # fail_operations may name attach_interface or detach_interface.

    def attach_interface(self, context, instance, vif):
        self._maybe_fail('attach_interface')
        with self._lock:
            self._guest(instance).setdefault('vifs', {})[vif['id']] = dict(vif)

    def detach_interface(self, context, instance, vif):
        self._maybe_fail('detach_interface')
        with self._lock:
            self._guest(instance).setdefault('vifs', {}).pop(vif['id'], None)

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


def _interfaces(instance):
    """The NICs a guest of ``instance`` has: (MAC, tap device, bridge)
    per port of its ``network_info`` (what the compute plugged for it)."""
    return [(vif['address'], vif['devname'], vif['network']['bridge'])
            for vif in instance.get('network_info') or []]


def _fake_cpu_time(guest):
    """Nanoseconds of CPU time of each vCPU: 1% busy since the start."""
    return int((time.time() - guest['started_at']) * 1e7)


def _fake_disk(guest):
    """Disk counters: 4 KiB reads and writes, some every second."""
    seconds = int(time.time() - guest['started_at']) + 1
    return {'read_req': 10 * seconds, 'read': 40960 * seconds,
            'write_req': 2 * seconds, 'write': 8192 * seconds}


class _BreakingStream:
    """A file object that gives the first half of ``data`` and then fails,
    as a connection that drops during an upload."""

    def __init__(self, data):
        self.data = data
        self.sent = False

    def read(self, size=-1):
        if self.sent:
            raise OSError('Injected failure half-way through the upload')
        self.sent = True
        return self.data[:len(self.data) // 2]
