"""The virt driver interface every hypervisor driver implements, and how
the compute service loads one."""
import stevedore

from nova_common import exception

NAMESPACE = 'nova.virt.drivers'


class ComputeDriver:
    """What the compute manager needs from a hypervisor.

    Resource figures are plain dicts so that they go over RPC as they are.
    """

    # Whether attach_interface / detach_interface work, and whether an
    # attached interface may carry a device tag (os-interface, 2.49).
    supports_attach_interface = False
    supports_tagged_attach_interface = False
    # Whether the guests' NICs need the host side of networking (bridges,
    # DHCP, firewall: nova_compute/network); drivers whose guests are not
    # real (the fake driver) leave the host alone.
    needs_host_networking = False

    def init_host(self, host):
        """Connect to the hypervisor; raise if it cannot be used."""

    def cleanup_host(self, host):
        """Release connections on service stop."""

    def get_available_nodes(self):
        """Names of the compute nodes this driver manages on this host."""
        raise NotImplementedError()

    def get_available_resource(self, nodename):
        """Capacity and usage of ``nodename``: vcpus, memory_mb, local_gb,
        vcpus_used, memory_mb_used, local_gb_used, hypervisor_type,
        hypervisor_version, hypervisor_hostname, cpu_info, host_ip; and
        numa_topology ({'cells': [{'id', 'cpus': [ids], 'memory_mb'}]}) when
        the node has NUMA cells to report."""
        raise NotImplementedError()

    def get_host_uptime(self):
        """The host's uptime line (as ``uptime`` prints it)."""
        raise NotImplementedError()

    def spawn(self, context, instance, image_meta, config_drive_metadata=None):
        """Create and start the guest of ``instance`` on ``instance['node']``;
        raise on failure after cleaning up what was made. With
        ``config_drive_metadata`` (a nova_metadata source), give the guest
        a config drive made from it (virt/config_drive.py)."""
        raise NotImplementedError()

    def destroy(self, context, instance):
        """Stop and remove the guest and its disks; a missing guest is fine."""
        raise NotImplementedError()

    def list_instance_uuids(self):
        """uuids of the guests that exist on this host."""
        raise NotImplementedError()

    def get_power_state(self, instance):
        """The guest's power state (nova_common.compute_states numbers)."""
        raise NotImplementedError()

    def power_off(self, instance, timeout=0):
        """Stop the guest. ``timeout`` > 0: a clean shutdown (ACPI power
        button) waiting up to that many seconds, then a hard stop; 0: a hard
        stop at once. A guest that is off already is fine."""
        raise NotImplementedError()

    def power_on(self, context, instance):
        """Start the stopped guest; a running guest is fine."""
        raise NotImplementedError()

    def reboot(self, context, instance, reboot_type):
        """Reboot the guest: 'SOFT' asks it through ACPI (and falls back to
        'HARD' when it does not come back in time), 'HARD' resets it, and
        starts it whatever state it was in."""
        raise NotImplementedError()

    def pause(self, instance):
        """Freeze the running guest in memory."""
        raise NotImplementedError()

    def unpause(self, instance):
        """Let the paused guest run again."""
        raise NotImplementedError()

    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it."""
        raise NotImplementedError()

    def resume(self, context, instance):
        """Start the suspended guest from its saved memory."""
        raise NotImplementedError()

    def get_console_output(self, context, instance):
        """The guest's whole serial console log (str); the API keeps the
        last lines a caller asks for."""
        raise NotImplementedError()

    def get_instance_diagnostics(self, instance):
        """The running guest's live figures in the standard form
        (``nova_compute.virt.diagnostics.build``), for microversion 2.48+."""
        raise NotImplementedError()

    def get_diagnostics(self, instance):
        """The running guest's live figures as the driver names them
        (libvirt: cpu0_time, memory, vda_read, ...), before 2.48."""
        raise NotImplementedError()

    def rescue(self, context, instance, rescue_image, rescue_password):
        """Boot the guest from ``rescue_image`` (an image dict: id,
        disk_format, properties) with its own root disk attached second,
        keeping what unrescue needs to boot it as before; on failure, leave
        the guest as it was. ``rescue_password`` is the password the user
        asked for (drivers without a way to hand it to the guest ignore it)."""
        raise NotImplementedError()

    def unrescue(self, context, instance):
        """Boot the rescued guest from its own disk again and remove the
        rescue disk."""
        raise NotImplementedError()

    def snapshot(self, context, instance, image_id, update_task_state):
        """Copy the guest's root disk consistently and upload it into the
        queued image ``image_id`` (its disk and container formats set to
        what is uploaded). Call ``update_task_state(IMAGE_PENDING_UPLOAD)``
        once the copy is being made and ``update_task_state(
        IMAGE_UPLOADING, expected_state=IMAGE_PENDING_UPLOAD)`` before the
        upload; either raises when a delete took over. Leave no temporary
        file behind."""
        raise NotImplementedError()

    # --- resize and cold migration ---------------------------------------------
    # The source keeps what it needs to start the guest again as it was until
    # the move is confirmed (confirm_migration) or reverted
    # (finish_revert_migration); the destination's guest is removed by
    # destroy on a revert.

    def prepare_migration_target(self, context, instance, migration):
        """On the destination, before the source sends anything: get
        ready to receive ``instance``. Drivers with nothing to prepare do
        nothing."""

    def migrate_disk_and_power_off(self, context, instance, dest_host, flavor, timeout=0):
        """On the source: power the guest off (cleanly within ``timeout``
        seconds) and make its disks available to ``dest_host`` (this host
        when the resize stays), keeping a copy to go back to. Returns the
        disk information finish_migration gets (JSON-serialisable)."""
        raise NotImplementedError()

    def finish_migration(self, context, migration, instance, disk_info, image_meta,
                         resize_instance, power_on):
        """On the destination: the guest of ``instance`` (its flavor the
        new one; ``resize_instance`` when it changed) from the disks the
        source sent, grown to the new flavor's sizes and started when
        ``power_on``. On failure, leave nothing behind here."""
        raise NotImplementedError()

    def confirm_migration(self, context, migration, instance):
        """On the source: remove what it kept of the moved guest."""
        raise NotImplementedError()

    def finish_revert_migration(self, context, instance, migration, power_on):
        """On the source: the guest as it was before the move, started
        when ``power_on``."""
        raise NotImplementedError()

    # --- live migration (nova_compute/live_migration.py) ---------------------------

    def check_can_live_migrate_destination(self, context, instance, block_migration):
        """On the destination: can ``instance`` come here live? A dict of
        what the source needs (with the decided ``block_migration``);
        MigrationPreCheckError when not."""
        raise NotImplementedError()

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        """On the source: ``dest_check_data`` completed; MigrationPreCheckError
        when the guest cannot leave this way."""
        raise NotImplementedError()

    def check_live_migration_compatibility(self, context, instance, migrate_data):
        """On the destination, with the source's answer: MigrationPreCheckError
        when the two cannot work together (CPU); nothing to check by default."""

    def cleanup_live_migration_destination_check(self, context, dest_check_data):
        """On the destination: remove what its check left (whatever the outcome)."""

    def prepare_live_migration_at_source(self, context, instance, migrate_data):
        """On the source, before the destination's pre_live_migration:
        the migrate_data with what the destination is to fetch from here
        (libvirt: its config drive); unchanged by default."""
        return migrate_data

    def pre_live_migration(self, context, instance, migrate_data):
        """On the destination: directory, backing files and (block
        migration) empty disks ready; the migrate_data to give the source."""
        raise NotImplementedError()

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        """On the source: move the running guest to ``dest``; blocks until
        done; honours ``monitor`` (virt/live_migration_monitor.py): raises
        its ``aborted()`` when it should abort, completes sooner when
        forced, reports progress."""
        raise NotImplementedError()

    def post_live_migration(self, context, instance, migrate_data):
        """On the source, the guest gone: remove what it left here."""
        raise NotImplementedError()

    def post_live_migration_at_destination(self, context, instance):
        """On the destination, the guest arrived: make it this host's."""
        raise NotImplementedError()

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        """On the destination: remove what pre_live_migration made."""
        raise NotImplementedError()

    def rollback_live_migration_at_source(self, context, instance, migrate_data):
        """On the source, the migration failed or cancelled: undo what
        prepare_live_migration_at_source did; nothing by default."""

    def attach_interface(self, context, instance, vif):
        """Hot-plug the port ``vif`` (the network service's port dict, with
        its device ``tag``) into the guest of ``instance``."""
        raise NotImplementedError()

    def detach_interface(self, context, instance, vif):
        """Take the port ``vif`` out of the guest of ``instance``."""
        raise NotImplementedError()

    def manage_image_cache(self, context, used_image_ids):
        """Age the driver's cache of images, keeping ``used_image_ids``
        (the images of this host's instances). Drivers without a cache
        do nothing."""

    def register_event_listener(self, callback):
        """Have ``callback(instance_uuid, power_state)`` called, from a
        thread of the driver's, whenever a guest's power state changes by
        itself or by an operation. Drivers without such events do nothing;
        the periodic power state sync then catches up."""


def load(name, host):
    """The driver registered under ``name`` in the nova.virt.drivers group."""
    try:
        manager = stevedore.DriverManager(NAMESPACE, name, invoke_on_load=True)
    except (RuntimeError, stevedore.exception.NoMatches) as error:
        raise exception.ConfigError(reason='cannot load compute_driver %r: %s' % (name, error))
    driver = manager.driver
    driver.init_host(host)
    return driver
