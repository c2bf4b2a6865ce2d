"""The virt driver interface every hypervisor driver implements, and how
the compute service loads one."""
import stevedore

from nova_common import exception

NAMESPACE = 'nova.virt.drivers'


class ComputeDriver:
    """What the compute manager needs from a hypervisor.

    Resource figures are plain dicts so that they go over RPC as they are.
    """

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

    def spawn(self, context, instance, image_meta):
        """Create and start the guest of ``instance`` on ``instance['node']``;
        raise on failure after cleaning up what was made."""
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
