"""LibvirtDriver: guests as libvirt domains under QEMU (TCG) or KVM.

Selected with ``[DEFAULT] compute_driver = libvirt``. The work is spread
over small modules: host.py (connection, lifecycle events), resources.py
(what the host reports), imagebackend.py and image_cache.py (disks from
images, the _base cache and its ageing), instance_config.py and config.py
(the domain XML), guest.py (power operations on a domain).

A domain is found by the instance uuid (its libvirt uuid); its name is
[DEFAULT] instance_name_template (``instance-%08x``) of the instance's
database id. Each spawn logs its
timings at INFO ("Spawned instance <uuid> in ... s"), which
bench/guest_boot.py reads to tell libvirt's share from ours.
"""
import contextlib
import os
import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging
from oslo_utils import excutils

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import config_drive
from nova_compute.virt import driver
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import diagnostics
from nova_compute.virt.libvirt import events
from nova_compute.virt.libvirt import guest as libvirt_guest
from nova_compute.virt.libvirt import host as libvirt_host
from nova_compute.virt.libvirt import hotplug
from nova_compute.virt.libvirt import image_cache
from nova_compute.virt.libvirt import imagebackend
from nova_compute.virt.libvirt import instance_config
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import live_migration
from nova_compute.virt.libvirt import live_migration_config_drive
from nova_compute.virt.libvirt import migration
from nova_compute.virt.libvirt import rescue
from nova_compute.virt.libvirt import resources
from nova_compute.virt.libvirt import snapshot

LOG = logging.getLogger(__name__)

# As Nova: the console output is the end of the log, at most this much.
MAX_CONSOLE_BYTES = 100 * 1024
REBOOT_TYPES = ('SOFT', 'HARD')


class LibvirtDriver(driver.ComputeDriver):
    needs_host_networking = True
    supports_attach_interface = True
    supports_tagged_attach_interface = True

    def __init__(self):
        self.host_name = None
        self.dispatcher = events.LifecycleDispatcher()
        self.host = None
        self.image_cache = None
        self.cpu_info = None
        self.numa_topology = None
        self.migrations = None
        self.config_drive_offers = None

    # --- the host ---------------------------------------------------------

    def init_host(self, host):
        self.host_name = host
        os.makedirs(instance_files.base_dir(), exist_ok=True)
        self.image_cache = imagebackend.ImageCache(instance_files.base_dir())
        self.host = libvirt_host.Host(CONF.libvirt.connection_uri, self.dispatcher, host,
                                      instance_files.instances_path())
        self.host.init()
        capabilities = self.host.connection().getCapabilities()
        self._check_virt_type(ET.fromstring(capabilities))
        # The host CPU does not change while we run; libvirt takes a while
        # to describe it.
        self.cpu_info = resources.cpu_info(capabilities)
        self.numa_topology = resources.numa_topology(capabilities)
        self.migrations = migration.Migrations(self.host, self.image_cache, host)
        self.config_drive_offers = live_migration_config_drive.Offers(
            self.migrations.server)

    @staticmethod
    def _check_virt_type(capabilities):
        if CONF.libvirt.virt_type != 'kvm':
            return
        if capabilities.find("guest/arch/domain[@type='kvm']") is None:
            raise exception.ConfigError(
                reason='[libvirt] virt_type is kvm, but %s offers no KVM guests (no '
                       '/dev/kvm?); use virt_type = qemu' % CONF.libvirt.connection_uri)

    def cleanup_host(self, host):
        if self.migrations is not None:
            self.migrations.stop()
        if self.host is not None:
            self.host.close()

    def register_event_listener(self, callback):
        """``callback(instance_uuid, power_state)`` on every lifecycle change
        of a domain, on the driver's event thread."""
        self.dispatcher.add_listener(callback)

    def get_available_nodes(self):
        return [self.host_name]

    def get_available_resource(self, nodename):
        return dict(resources.available_resource(self.host.connection(),
                                                 self.host.nova_domains(), nodename,
                                                 instance_files.instances_path(),
                                                 self.cpu_info),
                    numa_topology=self.numa_topology)

    def get_host_uptime(self):
        return resources.uptime()

    def list_instance_uuids(self):
        return [domain.UUIDString() for domain in self.host.nova_domains()]

    def manage_image_cache(self, context, used_image_ids):
        """Age the _base cache: ``used_image_ids`` are the images of the
        instances on this host (their bases stay)."""
        return image_cache.age(self.image_cache, used_image_ids)

    # --- spawn and destroy --------------------------------------------------

    def spawn(self, context, instance, image_meta, config_drive_metadata=None):
        uuid = instance['uuid']
        started = time.monotonic()
        try:
            properties = instance_config.image_properties(instance, image_meta)
            self._create_files(context, instance, properties)
            if config_drive_metadata:
                config_drive.write_iso(
                    config_drive.files_for(config_drive_metadata),
                    instance_files.path(uuid, instance_files.CONFIG_DRIVE))
            files_ready = time.monotonic()
            guest = instance_config.guest(instance, properties, context)
            xml = config.domain_xml(guest)
            xml_ready = time.monotonic()
            domain = self.host.connection().defineXML(xml)
            defined = time.monotonic()
            libvirt_guest.start(domain)
            running = time.monotonic()
        except Exception:
            with excutils.save_and_reraise_exception():
                LOG.warning('Spawning instance %s failed; removing what was made', uuid)
                self._remove_guest(uuid, quiet=True)
        LOG.info('Spawned instance %s in %.3f s (images %.3f s, xml %.3f s, '
                 'libvirt %.3f s: define %.3f s, start %.3f s)',
                 uuid, running - started, files_ready - started, xml_ready - files_ready,
                 running - xml_ready, defined - xml_ready, running - defined)

    def _create_files(self, context, instance, properties):
        uuid = instance['uuid']
        image_id = instance.get('image_ref')
        if not image_id:
            raise exception.ImageUnacceptable(
                image_id='', reason='the libvirt driver boots servers from images only')
        os.makedirs(instance_files.instance_dir(uuid), exist_ok=True)
        root_gb = instance_config.flavor_of(instance).root_gb
        with self.image_cache.base(context, image_id, imagebackend.ROOT_DISK_FORMATS) as base:
            imagebackend.create_root_disk(
                base, instance_files.path(uuid, instance_files.DISK), root_gb)
        kernel_id, ramdisk_id = instance_config.kernel_and_ramdisk(instance, properties)
        for boot_image_id, name, formats in (
                (kernel_id, instance_files.KERNEL, imagebackend.KERNEL_FORMATS),
                (ramdisk_id, instance_files.RAMDISK, imagebackend.RAMDISK_FORMATS)):
            if boot_image_id:
                with self.image_cache.base(context, boot_image_id, formats) as base:
                    instance_files.link_or_copy(base, instance_files.path(uuid, name))

    def destroy(self, context, instance):
        self._remove_guest(instance['uuid'])

    def _remove_guest(self, uuid, quiet=False):
        """Stop and undefine the domain, remove the instance directory;
        ``quiet``: log failures instead of raising (cleaning up after a
        failure, whose own error matters more)."""
        try:
            domain = self.host.lookup(uuid)
            if domain is not None:
                with _unless_gone():
                    if domain.isActive():
                        libvirt_guest.hard_stop(domain)
                with _unless_gone():
                    libvirt_guest.undefine(domain)
            instance_files.remove_instance_dir(uuid)
        except Exception:
            if not quiet:
                raise
            LOG.exception('Removing the guest of instance %s failed', uuid)
            return
        LOG.info('Removed the guest of instance %s', uuid)

    # --- live migration (live_migration.py) -------------------------------------

    def check_can_live_migrate_destination(self, context, instance, block_migration):
        return live_migration.check_destination(self.host_name, block_migration)

    def cleanup_live_migration_destination_check(self, context, dest_check_data):
        live_migration.remove_marker(dest_check_data)

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        if self.host.lookup(instance['uuid']) is None:
            raise exception.MigrationPreCheckError(
                reason='instance %s has no domain on %s' % (instance['uuid'],
                                                            self.host_name))
        return live_migration.check_source(self.host.connection(), instance,
                                           dest_check_data)

    def check_live_migration_compatibility(self, context, instance, migrate_data):
        live_migration.check_compatibility(self.host.connection(), migrate_data)

    def pre_live_migration(self, context, instance, migrate_data):
        uuid = instance['uuid']
        try:
            if migrate_data.get('is_shared_instance_path'):
                os.makedirs(instance_files.instance_dir(uuid), exist_ok=True)
            else:
                properties = instance_config.image_properties(instance, None)
                self._create_files(context, instance, properties)
                live_migration_config_drive.fetch(instance, migrate_data)
        except Exception:
            with excutils.save_and_reraise_exception():
                self.rollback_live_migration_at_destination(context, instance,
                                                            migrate_data)
        return migrate_data

    def prepare_live_migration_at_source(self, context, instance, migrate_data):
        """The config drive offered to the destination (block migration)."""
        return self.config_drive_offers.offer(instance, migrate_data)

    def rollback_live_migration_at_source(self, context, instance, migrate_data):
        self.config_drive_offers.withdraw(instance['uuid'])

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        live_migration.migrate(self._domain(instance), instance, migrate_data, monitor)

    def post_live_migration(self, context, instance, migrate_data):
        """The domain left with the migration (UNDEFINE_SOURCE); its files
        stay only on a shared instances path."""
        self.config_drive_offers.withdraw(instance['uuid'])
        if not migrate_data.get('is_shared_instance_path'):
            instance_files.remove_instance_dir(instance['uuid'])

    def post_live_migration_at_destination(self, context, instance):
        domain = self._domain(instance)
        if (instance.get('vm_state') == states.ACTIVE
                and libvirt_guest.libvirt_state(domain) == libvirt.VIR_DOMAIN_PAUSED):
            libvirt_guest.unpause(domain)  # paused by force_complete on the source

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        domain = self.host.lookup(instance['uuid'])
        if domain is not None:
            with _unless_gone():
                if domain.isActive():
                    libvirt_guest.hard_stop(domain)
            with _unless_gone():
                libvirt_guest.undefine(domain)
        if not (migrate_data or {}).get('is_shared_instance_path'):
            instance_files.remove_instance_dir(instance['uuid'])

    # --- os-interface (hotplug.py) ------------------------------------------------

    def attach_interface(self, context, instance, vif):
        hotplug.attach(self._domain(instance), instance, vif)

    def detach_interface(self, context, instance, vif):
        hotplug.detach(self._domain(instance), instance, vif)

    # --- power ----------------------------------------------------------------

    def _domain(self, instance):
        domain = self.host.lookup(instance['uuid'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        return domain

    def _domain_or_redefined(self, context, instance):
        """The instance's domain; defined again from the instance when
        libvirt lost it but its disk is still here (as Nova's hard reboot
        regenerates the domain)."""
        domain = self.host.lookup(instance['uuid'])
        if domain is not None:
            return domain
        if not os.path.exists(instance_files.path(instance['uuid'], instance_files.DISK)):
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        LOG.warning('Instance %s has no domain; defining it again', instance['uuid'])
        properties = instance_config.image_properties(instance, None)
        xml = config.domain_xml(instance_config.guest(instance, properties, context))
        return self.host.connection().defineXML(xml)

    def get_power_state(self, instance):
        domain = self.host.lookup(instance['uuid'])
        if domain is None:
            return states.NOSTATE
        try:
            return libvirt_guest.power_state(domain)
        except libvirt.libvirtError as error:
            if error.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return states.NOSTATE
            raise

    def power_off(self, instance, timeout=0):
        clean = libvirt_guest.power_off(self._domain(instance), timeout)
        LOG.info('Instance %s powered off %s', instance['uuid'],
                 'cleanly' if clean else 'by force')

    def power_on(self, context, instance):
        libvirt_guest.start(self._domain_or_redefined(context, instance))

    def reboot(self, context, instance, reboot_type):
        if reboot_type not in REBOOT_TYPES:
            raise exception.InvalidInput(reason='reboot type must be SOFT or HARD, not %r'
                                         % (reboot_type,))
        domain = self._domain_or_redefined(context, instance)
        if reboot_type == 'SOFT':
            if libvirt_guest.clean_shutdown(domain, CONF.libvirt.soft_reboot_wait):
                libvirt_guest.start(domain)
                LOG.info('Instance %s rebooted (soft)', instance['uuid'])
                return
            LOG.warning('Instance %s did not shut down within %d s; rebooting it hard',
                        instance['uuid'], CONF.libvirt.soft_reboot_wait)
        libvirt_guest.discard_managed_save(domain)
        libvirt_guest.power_off(domain, 0)
        libvirt_guest.start(domain)
        LOG.info('Instance %s rebooted (hard)', instance['uuid'])

    def pause(self, instance):
        libvirt_guest.pause(self._domain(instance))

    def unpause(self, instance):
        libvirt_guest.unpause(self._domain(instance))

    def suspend(self, context, instance):
        libvirt_guest.managed_save(self._domain(instance))

    def resume(self, context, instance):
        libvirt_guest.start(self._domain(instance))

    # --- rescue (rescue.py) ----------------------------------------------------

    def rescue(self, context, instance, rescue_image, rescue_password):
        """Boot from ``rescue_image`` with the instance's disk as vdb;
        ``rescue_password`` cannot reach a guest without a config drive
        and is not used."""
        rescue.rescue(self.host.connection(), self._domain(instance), self.image_cache,
                      context, instance, rescue_image)

    def unrescue(self, context, instance):
        rescue.unrescue(self.host.connection(), self._domain(instance), instance)

    # --- resize and cold migration (migration.py) --------------------------------

    def migrate_disk_and_power_off(self, context, instance, dest_host, flavor, timeout=0):
        return self.migrations.migrate_disk_and_power_off(instance, dest_host, timeout)

    def finish_migration(self, context, migration, instance, disk_info, image_meta,
                         resize_instance, power_on):
        self.migrations.finish_migration(context, instance, disk_info, resize_instance,
                                         power_on)

    def confirm_migration(self, context, migration, instance):
        self.migrations.confirm_migration(migration, instance)

    def finish_revert_migration(self, context, instance, migration, power_on):
        self.migrations.finish_revert_migration(context, instance, power_on)

    # --- snapshots (snapshot.py) ------------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        """A flattened qcow2 copy of the root disk, the guest paused while
        it is made, uploaded into ``image_id``."""
        snapshot.snapshot(self.host.lookup(instance['uuid']), context, instance, image_id,
                          update_task_state)

    def get_console_output(self, context, instance):
        """The end of the serial console log (virtlogd writes it), at most
        MAX_CONSOLE_BYTES; the API trims it to the lines asked for."""
        log_path = instance_files.path(instance['uuid'], instance_files.CONSOLE_LOG)
        try:
            with open(log_path, 'rb') as log:
                log.seek(max(0, os.fstat(log.fileno()).st_size - MAX_CONSOLE_BYTES))
                data = log.read(MAX_CONSOLE_BYTES)
        except FileNotFoundError:
            self._domain(instance)
            return ''
        return data.decode('utf-8', errors='replace')

    def get_instance_diagnostics(self, instance):
        return diagnostics.instance_diagnostics(self._domain(instance), instance)

    def get_diagnostics(self, instance):
        return diagnostics.legacy_diagnostics(self._domain(instance))


@contextlib.contextmanager
def _unless_gone():
    """Swallow 'no such domain': the domain went away meanwhile, which is
    what the caller wanted."""
    try:
        yield
    except libvirt.libvirtError as error:
        if error.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
            raise
