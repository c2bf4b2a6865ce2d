"""Client side of the compute RPC API. A compute listens on its cell's
transport with its host name as the server name, so every call names the
transport of the instance's cell and the host.

Version history:

    1.0 - Initial version: the compute service, with no RPC methods yet.
    1.1 - build_and_run_instance, terminate_instance, get_host_uptime.
    1.2 - Power actions (casts): start_instance, stop_instance,
          reboot_instance, pause_instance, unpause_instance,
          suspend_instance, resume_instance; get_console_output (call).
    1.3 - get_diagnostics (call).
    1.4 - The image side of a server's life: snapshot_instance,
          backup_instance, rebuild_instance, rescue_instance,
          unrescue_instance, shelve_instance, shelve_offload_instance,
          unshelve_instance.
    1.5 - external_instance_event.
    1.6 - soft_delete_instance, restore_instance.
    1.7 - Resize and cold migration (casts): prep_resize, resize_instance,
          finish_resize, confirm_resize, revert_resize, finish_revert_resize.
    1.8 - evacuate_instance (cast): rebuild a server of a failed host here.
    1.9 - os-interface (calls): attach_interface, detach_interface.
    1.11 - Live migration: check_can_live_migrate_destination,
           check_can_live_migrate_source, pre_live_migration,
           post_live_migration_at_destination (calls); live_migration,
           rollback_live_migration_at_destination, live_migration_abort,
           live_migration_force_complete (casts).
    1.12 - check_can_live_migrate_destination and pre_live_migration take
           record_events: False when the caller records the step's action
           events with its own writes (the destination then records only
           a failure).
"""
from nova_common import rpc

# A short answer is expected: a compute that does not reply in this many
# seconds is treated as unavailable.
SHORT_CALL_TIMEOUT = 10
# A hot-plug waits for the guest (QEMU answers a device_add at once, a
# device_del when the guest lets the device go).
INTERFACE_CALL_TIMEOUT = 60
# The checks before a live migration ask libvirt and the other host.
LIVE_MIGRATION_CHECK_TIMEOUT = 60
# A destination getting ready for a live migration may fetch an image and
# create disks; its post step starts the guest's bookkeeping there.
LIVE_MIGRATION_STEP_TIMEOUT = 300

TOPIC = 'compute'
VERSION = '1.12'


class ComputeAPI:
    def __init__(self, transport):
        self.client = rpc.get_client(TOPIC, VERSION, transport=transport)

    @classmethod
    def for_cell(cls, cell):
        """The client for computes of ``cell`` (a cell mapping dict)."""
        return cls(rpc.get_transport(cell['transport_url']))

    def build_and_run_instance(self, context, host, instance, request_spec, alternates):
        """Spawn ``instance`` on ``host`` (its node is instance['node']);
        ``alternates`` are unclaimed Selections for a reschedule."""
        self.client.prepare(server=host, version='1.1').cast(
            context, 'build_and_run_instance', instance=instance,
            request_spec=request_spec, alternates=alternates)

    def get_host_uptime(self, context, host):
        """The host's ``uptime`` line."""
        return self.client.prepare(server=host, version='1.1',
                                   timeout=SHORT_CALL_TIMEOUT).call(context, 'get_host_uptime')

    def terminate_instance(self, context, host, instance):
        self.client.prepare(server=host, version='1.1').cast(
            context, 'terminate_instance', instance=instance)

    # --- 1.2: power actions and the console ----------------------------------------

    def _cast_12(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.2').cast(context, method, **kwargs)

    def start_instance(self, context, host, instance):
        self._cast_12(context, host, 'start_instance', instance=instance)

    def stop_instance(self, context, host, instance, clean_shutdown=True):
        """``clean_shutdown``: give the guest [DEFAULT] shutdown_timeout
        seconds to power itself off before stopping it hard."""
        self._cast_12(context, host, 'stop_instance', instance=instance,
                      clean_shutdown=clean_shutdown)

    def reboot_instance(self, context, host, instance, reboot_type):
        """``reboot_type``: 'SOFT' or 'HARD'."""
        self._cast_12(context, host, 'reboot_instance', instance=instance,
                      reboot_type=reboot_type)

    def pause_instance(self, context, host, instance):
        self._cast_12(context, host, 'pause_instance', instance=instance)

    def unpause_instance(self, context, host, instance):
        self._cast_12(context, host, 'unpause_instance', instance=instance)

    def suspend_instance(self, context, host, instance):
        self._cast_12(context, host, 'suspend_instance', instance=instance)

    def resume_instance(self, context, host, instance):
        self._cast_12(context, host, 'resume_instance', instance=instance)

    def get_console_output(self, context, host, instance):
        """The guest's whole serial console log (str)."""
        return self.client.prepare(server=host, version='1.2',
                                   timeout=SHORT_CALL_TIMEOUT).call(
            context, 'get_console_output', instance=instance)

    # --- 1.3: diagnostics --------------------------------------------------------------

    def get_diagnostics(self, context, host, instance, standard=True):
        """The running guest's live figures: the 2.48 standard form
        (``standard``) or the driver's own flat dict (before 2.48)."""
        return self.client.prepare(server=host, version='1.3',
                                   timeout=SHORT_CALL_TIMEOUT).call(
            context, 'get_diagnostics', instance=instance, standard=standard)

    # --- 1.4: snapshots, backups and shelving (casts) ---------------------------

    def _cast_14(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.4').cast(context, method, **kwargs)

    def snapshot_instance(self, context, host, instance, image_id):
        """Upload the root disk into the queued image ``image_id``."""
        self._cast_14(context, host, 'snapshot_instance', instance=instance,
                      image_id=image_id)

    def backup_instance(self, context, host, instance, image_id, backup_type, rotation):
        """A snapshot into ``image_id``, then the oldest backups of
        ``backup_type`` beyond ``rotation`` deleted."""
        self._cast_14(context, host, 'backup_instance', instance=instance, image_id=image_id,
                      backup_type=backup_type, rotation=rotation)

    def shelve_instance(self, context, host, instance, image_id, clean_shutdown=True):
        """Snapshot into ``image_id``, power off, SHELVED (offloaded at once
        when [DEFAULT] shelved_offload_time is 0)."""
        self._cast_14(context, host, 'shelve_instance', instance=instance, image_id=image_id,
                      clean_shutdown=clean_shutdown)

    def shelve_offload_instance(self, context, host, instance, clean_shutdown=True):
        """Destroy the shelved guest and free its claim: SHELVED_OFFLOADED."""
        self._cast_14(context, host, 'shelve_offload_instance', instance=instance,
                      clean_shutdown=clean_shutdown)

    def unshelve_instance(self, context, host, instance, image_id=None, request_spec=None):
        """Power the shelved guest on again, or (offloaded; ``image_id`` the
        shelve snapshot) spawn it from the snapshot on the node the
        scheduler chose (instance['node'])."""
        self._cast_14(context, host, 'unshelve_instance', instance=instance,
                      image_id=image_id, request_spec=request_spec)

    # --- 1.4: rebuild, rescue and unrescue (casts) ------------------------------

    def rebuild_instance(self, context, host, instance, image, preserve_ephemeral=False):
        """Recreate the guest from ``image`` (the image dict the API read)
        on the same host; the record already names the new image."""
        self._cast_14(context, host, 'rebuild_instance', instance=instance, image=image,
                      preserve_ephemeral=preserve_ephemeral)

    def rescue_instance(self, context, host, instance, rescue_image, rescue_password):
        """Boot from ``rescue_image`` (an image dict) with the server's own
        disk attached second."""
        self._cast_14(context, host, 'rescue_instance', instance=instance,
                      rescue_image=rescue_image, rescue_password=rescue_password)

    def unrescue_instance(self, context, host, instance):
        self._cast_14(context, host, 'unrescue_instance', instance=instance)

    # --- 1.5: events from other services (cast) ---------------------------------

    def external_instance_event(self, context, host, instance, event):
        """An event about ``instance`` from another service (os-server-
        external-events): {'name', 'tag', 'status', 'data'}."""
        self.client.prepare(server=host, version='1.5').cast(
            context, 'external_instance_event', instance=instance, event=event)

    # --- 1.6: deferred delete (casts) -------------------------------------------

    def soft_delete_instance(self, context, host, instance):
        """Power the guest off and write SOFT_DELETED (the API set
        task_state soft-deleting)."""
        self.client.prepare(server=host, version='1.6').cast(
            context, 'soft_delete_instance', instance=instance)

    def restore_instance(self, context, host, instance):
        """Power the soft-deleted guest on again and write ACTIVE."""
        self.client.prepare(server=host, version='1.6').cast(
            context, 'restore_instance', instance=instance)

    # --- 1.7: resize and cold migration (casts) ---------------------------------

    def _cast_17(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.7').cast(context, method, **kwargs)

    def prep_resize(self, context, host, instance, flavor, migration, node,
                    clean_shutdown=True):
        """On the destination ``host`` (node ``node``, claimed already):
        get ready for ``instance`` and ask its source to send it."""
        self._cast_17(context, host, 'prep_resize', instance=instance, flavor=flavor,
                      migration=migration, node=node, clean_shutdown=clean_shutdown)

    def resize_instance(self, context, host, instance, flavor, migration,
                        clean_shutdown=True):
        """On the source ``host``: power the guest off and send its disks."""
        self._cast_17(context, host, 'resize_instance', instance=instance, flavor=flavor,
                      migration=migration, clean_shutdown=clean_shutdown)

    def finish_resize(self, context, host, instance, migration, disk_info):
        """On the destination ``host``: start the guest with the new flavor."""
        self._cast_17(context, host, 'finish_resize', instance=instance,
                      migration=migration, disk_info=disk_info)

    def confirm_resize(self, context, host, instance, migration):
        """On the source ``host``: remove what the guest left there."""
        self._cast_17(context, host, 'confirm_resize', instance=instance,
                      migration=migration)

    def revert_resize(self, context, host, instance, migration):
        """On the destination ``host``: remove the resized guest."""
        self._cast_17(context, host, 'revert_resize', instance=instance,
                      migration=migration)

    def finish_revert_resize(self, context, host, instance, migration, error=None):
        """On the source ``host``: start the guest again as it was;
        ``error`` (a failed step's message) ends the migration in error."""
        self._cast_17(context, host, 'finish_revert_resize', instance=instance,
                      migration=migration, error=error)

    # --- 1.8: evacuation (cast) --------------------------------------------------

    def evacuate_instance(self, context, host, instance, image, migration_uuid, node,
                          target_state=None):
        """Rebuild ``instance``, whose host failed, here on ``node``
        (claimed already) from ``image``; ``target_state`` 'stopped' (2.95)
        leaves it SHUTOFF."""
        self.client.prepare(server=host, version='1.8').cast(
            context, 'evacuate_instance', instance=instance, image=image,
            migration_uuid=migration_uuid, node=node, target_state=target_state)

    # --- 1.9: os-interface (calls) ---------------------------------------------

    def attach_interface(self, context, host, instance, vif):
        """Hot-plug the port ``vif`` (bound to ``host`` already) into the
        guest; AttachInterfaceNotSupported, InterfaceAttachFailed."""
        return self.client.prepare(server=host, version='1.9',
                                   timeout=INTERFACE_CALL_TIMEOUT).call(
            context, 'attach_interface', instance=instance, vif=vif)

    def detach_interface(self, context, host, instance, vif):
        """Take the port ``vif`` out of the guest; InterfaceDetachFailed."""
        return self.client.prepare(server=host, version='1.9',
                                   timeout=INTERFACE_CALL_TIMEOUT).call(
            context, 'detach_interface', instance=instance, vif=vif)

    # --- 1.11: live migration --------------------------------------------------------

    def _call_111(self, context, host, method, timeout, **kwargs):
        return self.client.prepare(server=host, version='1.11', timeout=timeout).call(
            context, method, **kwargs)

    def _call_step(self, context, host, method, timeout, record_events, **kwargs):
        """A live-migration step that records its own events (1.11), or
        whose caller records them (``record_events`` False, 1.12)."""
        if record_events:
            return self._call_111(context, host, method, timeout, **kwargs)
        return self.client.prepare(server=host, version='1.12', timeout=timeout).call(
            context, method, record_events=False, **kwargs)

    def _cast_111(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.11').cast(context, method, **kwargs)

    def check_can_live_migrate_destination(self, context, host, instance, block_migration,
                                           migration, record_events=True):
        """Can ``instance`` come live to ``host``? Its migrate_data (a dict);
        MigrationPreCheckError (Invalid) when it cannot. ``record_events``
        False (1.12): the caller records the check's start and success."""
        return self._call_step(context, host, 'check_can_live_migrate_destination',
                               LIVE_MIGRATION_CHECK_TIMEOUT, record_events, instance=instance,
                               block_migration=block_migration, migration=migration)

    def check_can_live_migrate_source(self, context, host, instance, dest_check_data):
        return self._call_111(context, host, 'check_can_live_migrate_source',
                              LIVE_MIGRATION_CHECK_TIMEOUT, instance=instance,
                              dest_check_data=dest_check_data)

    def pre_live_migration(self, context, host, instance, migrate_data, migration,
                           record_events=True):
        """``record_events`` False (1.12): the caller records the step's
        start and success."""
        return self._call_step(context, host, 'pre_live_migration',
                               LIVE_MIGRATION_STEP_TIMEOUT, record_events, instance=instance,
                               migrate_data=migrate_data, migration=migration)

    def post_live_migration_at_destination(self, context, host, instance, migration):
        return self._call_111(context, host, 'post_live_migration_at_destination',
                              LIVE_MIGRATION_STEP_TIMEOUT, instance=instance,
                              migration=migration)

    def live_migration(self, context, host, instance, migrate_data, migration):
        """The source ``host`` sends ``instance`` live to
        migration['dest_compute']."""
        self._cast_111(context, host, 'live_migration', instance=instance,
                       migrate_data=migrate_data, migration=migration)

    def rollback_live_migration_at_destination(self, context, host, instance, migrate_data):
        self._cast_111(context, host, 'rollback_live_migration_at_destination',
                       instance=instance, migrate_data=migrate_data)

    def live_migration_abort(self, context, host, instance, migration_id):
        self._cast_111(context, host, 'live_migration_abort', instance=instance,
                       migration_id=migration_id)

    def live_migration_force_complete(self, context, host, instance, migration_id):
        self._cast_111(context, host, 'live_migration_force_complete', instance=instance,
                       migration_id=migration_id)
