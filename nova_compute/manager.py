"""The compute service: owns this host's hypervisor through a virt driver
and persists everything through its cell conductor (no database access).

The work itself lives in one module per task: build.py, delete.py,
startup.py, power.py, console.py, power_sync.py, rebuild.py, rescue.py;
this class is the RPC endpoint that routes to them.
"""
from concurrent import futures
import threading

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_serialization import jsonutils

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import hooks
from nova_common import manager
from nova_compute import build
from nova_compute import console
from nova_compute import deferred_delete
from nova_compute import delete
from nova_compute import diagnostics
from nova_compute import external_events
from nova_compute import interfaces
from nova_compute import live_migration
from nova_compute import power
from nova_compute import power_sync
from nova_compute import rebuild
from nova_compute import rescue
from nova_compute import resize
from nova_compute import resize_confirm
from nova_compute import rpcapi as compute_rpcapi
from nova_compute import shelve
from nova_compute import snapshot
from nova_compute import startup
from nova_compute import usage_audit
from nova_compute import vifs
from nova_compute.virt import driver as virt_driver
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)

# Seconds between two checks for a completed audit period not audited yet
# (Nova runs the check at its default periodic spacing, 60 s).
USAGE_AUDIT_INTERVAL = 60


class ComputeManager(manager.Manager):
    target = messaging.Target(version='1.12')

    def __init__(self, host, transport=None):
        self.host = host
        self.conductor_api = conductor_rpcapi.ConductorAPI(transport=transport)
        # Resize steps cast the next step to the other compute of the move.
        self.compute_api = compute_rpcapi.ComputeAPI(transport)
        self.driver = None
        self.service_id = None
        # Lifecycle events arrive on a driver thread: they are handled one at
        # a time here, away from it.
        self._event_worker = None
        # nodename -> consecutive failed builds (0 again after a success),
        # reported in the node's stats for the BuildFailureWeigher.
        self._failed_builds = {}
        self._failed_builds_lock = threading.Lock()

    def init_host(self):
        self.driver = virt_driver.load(CONF.compute_driver, self.host)
        hooks.load(hooks.COMPUTE)  # a hook that is not installed stops the start here
        self._event_worker = futures.ThreadPoolExecutor(max_workers=1,
                                                        thread_name_prefix='power-events')
        self.driver.register_event_listener(self._on_lifecycle_event)

    def cleanup_host(self):
        if self._event_worker is not None:
            self._event_worker.shutdown(wait=True, cancel_futures=True)
        if self.driver is not None:
            self.driver.cleanup_host(self.host)

    def service_registered(self, record):
        """First heartbeat answered: the conductor is reachable, so repair
        what a previous run left behind, then report the nodes."""
        self.service_id = record['id']
        context = nova_context.get_admin_context()
        startup.repair(context, self.host, self.driver, self.conductor_api)
        vifs.reconcile(self.driver)
        self.update_available_resource(context)
        self.sync_power_states(context)

    def periodic_tasks(self):
        tasks = [('update_available_resource', self.update_available_resource,
                  lambda: CONF.compute.resource_update_interval)]
        if CONF.sync_power_state_interval > 0:
            tasks.append(('sync_power_states', self.sync_power_states,
                          lambda: CONF.sync_power_state_interval))
        if CONF.shelved_poll_interval > 0:
            tasks.append(('offload_shelved_instances', self.offload_shelved_instances,
                          lambda: CONF.shelved_poll_interval))
        if CONF.image_cache_manager_interval > 0:
            tasks.append(('manage_image_cache', self.manage_image_cache,
                          lambda: CONF.image_cache_manager_interval))
        if CONF.reclaim_instance_interval > 0:
            tasks.append(('reclaim_queued_deletes', self.reclaim_queued_deletes,
                          lambda: CONF.reclaim_instance_interval))
        if CONF.instance_usage_audit:
            tasks.append(('instance_usage_audit', self.instance_usage_audit,
                          lambda: USAGE_AUDIT_INTERVAL))
        if CONF.network.network_info_refresh_interval > 0:
            tasks.append(('refresh_network_info', self.refresh_network_info,
                          lambda: CONF.network.network_info_refresh_interval))
        if CONF.resize_confirm_window > 0:
            tasks.append(('confirm_waiting_resizes', self.confirm_waiting_resizes,
                          lambda: CONF.resize_confirm_window))
        return tasks

    def update_available_resource(self, context):
        """Report every node's capacity and usage to the cell conductor."""
        if self.service_id is None:
            return
        nodes = []
        for nodename in self.driver.get_available_nodes():
            resources = dict(self.driver.get_available_resource(nodename))
            resources['service_id'] = self.service_id
            resources['free_ram_mb'] = resources['memory_mb'] - resources['memory_mb_used']
            resources['free_disk_gb'] = resources['local_gb'] - resources['local_gb_used']
            resources.setdefault('running_vms', 0)
            resources['stats'] = self._node_stats(nodename, resources)
            nodes.append(resources)
        self.conductor_api.compute_node_update(context, self.host, nodes)
        LOG.debug('Reported %d compute node(s) of %s', len(nodes), self.host)

    def _node_stats(self, nodename, resources):
        """The node's stats JSON: the driver's own, its NUMA cells
        (``numa_topology``) and the consecutive ``failed_builds``."""
        stats = resources.get('stats') or {}
        if isinstance(stats, str):
            stats = jsonutils.loads(stats)
        numa_topology = resources.pop('numa_topology', None)
        if numa_topology:
            stats['numa_topology'] = numa_topology
        with self._failed_builds_lock:
            stats['failed_builds'] = self._failed_builds.get(nodename, 0)
        return jsonutils.dumps(stats)

    def build_and_run_instance(self, context, instance, request_spec, alternates):
        built = build.build_and_run(context, self.host, self.driver, self.conductor_api,
                                    instance, request_spec, alternates)
        if built is not None:
            self._count_build(context, instance['node'], built)

    def _count_build(self, context, nodename, succeeded):
        """Count a failed build, or forget the failures after a success;
        a changed count is reported at once, so that the schedulers stop
        favouring a node whose builds fail."""
        with self._failed_builds_lock:
            before = self._failed_builds.get(nodename, 0)
            self._failed_builds[nodename] = 0 if succeeded else before + 1
            changed = self._failed_builds[nodename] != before
        if not changed:
            return
        try:
            self.update_available_resource(context)
        except messaging.MessagingException as error:
            LOG.warning('Could not report the build failures of %s yet: %s', nodename, error)

    def get_host_uptime(self, context):
        return self.driver.get_host_uptime()

    def terminate_instance(self, context, instance):
        delete.terminate(context, self.driver, self.conductor_api, instance)

    # --- power actions (1.2) ------------------------------------------------------

    def _perform(self, context, instance, operation, **arguments):
        power.perform(context, self.host, self.driver, self.conductor_api, instance,
                      operation, **arguments)

    def start_instance(self, context, instance):
        self._perform(context, instance, power.START)

    def stop_instance(self, context, instance, clean_shutdown=True):
        self._perform(context, instance, power.STOP, clean_shutdown=clean_shutdown)

    def reboot_instance(self, context, instance, reboot_type):
        self._perform(context, instance, power.REBOOT, reboot_type=reboot_type)

    def pause_instance(self, context, instance):
        self._perform(context, instance, power.PAUSE)

    def unpause_instance(self, context, instance):
        self._perform(context, instance, power.UNPAUSE)

    def suspend_instance(self, context, instance):
        self._perform(context, instance, power.SUSPEND)

    def resume_instance(self, context, instance):
        self._perform(context, instance, power.RESUME)

    def get_console_output(self, context, instance):
        return console.get_console_output(context, self.driver, instance)

    # --- os-interface (1.9) -------------------------------------------------------

    def attach_interface(self, context, instance, vif):
        interfaces.attach(self.driver, self.conductor_api, context, self.host, instance, vif)

    def detach_interface(self, context, instance, vif):
        interfaces.detach(self.driver, self.conductor_api, context, self.host, instance, vif)

    # --- diagnostics (1.3) ----------------------------------------------------------

    def get_diagnostics(self, context, instance, standard=True):
        return diagnostics.get_diagnostics(self.driver, instance, standard)

    # --- rebuild and rescue (1.4) ----------------------------------------------------

    def rebuild_instance(self, context, instance, image, preserve_ephemeral=False):
        rebuild.rebuild(context, self.host, self.driver, self.conductor_api, instance, image,
                        preserve_ephemeral)

    def evacuate_instance(self, context, instance, image, migration_uuid, node,
                          target_state=None):
        """Rebuild here a server whose host failed (1.8)."""
        arrival = rebuild.Arrival(node=node, migration_uuid=migration_uuid,
                                  stop=target_state == 'stopped')
        rebuild.rebuild(context, self.host, self.driver, self.conductor_api, instance, image,
                        arrival=arrival)
        self._report_usage_change(context)

    def rescue_instance(self, context, instance, rescue_image, rescue_password):
        rescue.rescue(context, self.host, self.driver, self.conductor_api, instance,
                      rescue_image, rescue_password)

    def unrescue_instance(self, context, instance):
        rescue.unrescue(context, self.host, self.driver, self.conductor_api, instance)

    # --- snapshots, backups and shelving (1.4) ---------------------------------------

    def snapshot_instance(self, context, instance, image_id):
        snapshot.snapshot(context, self.host, self.driver, self.conductor_api, instance,
                          image_id)

    def backup_instance(self, context, instance, image_id, backup_type, rotation):
        snapshot.backup(context, self.host, self.driver, self.conductor_api, instance,
                        image_id, backup_type, rotation)

    def shelve_instance(self, context, instance, image_id, clean_shutdown=True):
        if shelve.shelve(context, self.host, self.driver, self.conductor_api, instance,
                         image_id, clean_shutdown):
            self._report_usage_change(context)

    def shelve_offload_instance(self, context, instance, clean_shutdown=True):
        if shelve.shelve_offload(context, self.host, self.driver, self.conductor_api,
                                 instance, clean_shutdown):
            self._report_usage_change(context)

    def unshelve_instance(self, context, instance, image_id=None, request_spec=None):
        if shelve.unshelve(context, self.host, self.driver, self.conductor_api, instance,
                           image_id, request_spec):
            self._report_usage_change(context)

    def offload_shelved_instances(self, context):
        """Offload the servers shelved longer than shelved_offload_time."""
        if self.service_id is None:
            return
        if shelve.offload_expired(context, self.host, self.driver, self.conductor_api):
            self._report_usage_change(context)

    def _report_usage_change(self, context):
        """A guest came or went: report the host's usage now rather than
        at the next periodic report."""
        try:
            self.update_available_resource(context)
        except messaging.MessagingException as error:
            LOG.warning('Could not report the usage of %s yet: %s', self.host, error)

    # --- events from other services (1.5) ---------------------------------------

    def external_instance_event(self, context, instance, event):
        external_events.handle(context, self.host, self.driver, self.conductor_api, instance,
                               event)

    # --- deferred delete (1.6) -------------------------------------------------------

    def soft_delete_instance(self, context, instance):
        self._perform(context, instance, deferred_delete.SOFT_DELETE)

    def restore_instance(self, context, instance):
        self._perform(context, instance, deferred_delete.RESTORE)

    def reclaim_queued_deletes(self, context):
        """Delete this host's servers soft-deleted longer than [DEFAULT]
        reclaim_instance_interval."""
        if self.service_id is None or CONF.reclaim_instance_interval <= 0:
            return
        deferred_delete.reclaim(context, self.host, self.driver, self.conductor_api,
                                CONF.reclaim_instance_interval)

    def instance_usage_audit(self, context):
        """Audit the last completed period once ([DEFAULT]
        instance_usage_audit)."""
        if self.service_id is None or not CONF.instance_usage_audit:
            return
        usage_audit.audit(context, self.host, self.conductor_api)

    # --- resize and cold migration (1.7) -----------------------------------------------

    def _resize_steps(self):
        return resize.Steps(self.host, self.driver, self.conductor_api, self.compute_api)

    def prep_resize(self, context, instance, flavor, migration, node, clean_shutdown=True):
        self._resize_steps().prep_resize(context, instance, flavor, migration, node,
                                         clean_shutdown)

    def resize_instance(self, context, instance, flavor, migration, clean_shutdown=True):
        self._resize_steps().resize_instance(context, instance, flavor, migration,
                                             clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info):
        self._resize_steps().finish_resize(context, instance, migration, disk_info)
        self._report_usage_change(context)

    def confirm_resize(self, context, instance, migration):
        self._resize_steps().confirm_resize(context, instance, migration)
        self._report_usage_change(context)

    def revert_resize(self, context, instance, migration):
        self._resize_steps().revert_resize(context, instance, migration)
        self._report_usage_change(context)

    def finish_revert_resize(self, context, instance, migration, error=None):
        self._resize_steps().finish_revert_resize(context, instance, migration, error)
        self._report_usage_change(context)

    def confirm_waiting_resizes(self, context):
        """Confirm the resizes waiting longer than [DEFAULT]
        resize_confirm_window on this host."""
        if self.service_id is None or CONF.resize_confirm_window <= 0:
            return
        resize_confirm.confirm_waiting(context, self.host, self.conductor_api,
                                       self.compute_api, CONF.resize_confirm_window)

    # --- live migration (1.11) --------------------------------------------------------

    def _live_migration_steps(self):
        return live_migration.Steps(self.host, self.driver, self.conductor_api,
                                    self.compute_api)

    def check_can_live_migrate_destination(self, context, instance, block_migration,
                                           migration, record_events=True):
        return self._live_migration_steps().check_can_live_migrate_destination(
            context, instance, block_migration, migration, record_events)

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        return self.driver.check_can_live_migrate_source(context, instance, dest_check_data)

    def pre_live_migration(self, context, instance, migrate_data, migration,
                           record_events=True):
        return self._live_migration_steps().pre_live_migration(
            context, instance, migrate_data, migration, record_events)

    def live_migration(self, context, instance, migrate_data, migration):
        self._live_migration_steps().live_migration(context, instance, migrate_data,
                                                    migration)
        self._report_usage_change(context)

    def post_live_migration_at_destination(self, context, instance, migration):
        self._live_migration_steps().post_live_migration_at_destination(context, instance,
                                                                        migration)
        self._report_usage_change(context)

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        self._live_migration_steps().rollback_live_migration_at_destination(
            context, instance, migrate_data)

    def live_migration_abort(self, context, instance, migration_id):
        self._live_migration_steps().live_migration_abort(context, instance, migration_id)

    def live_migration_force_complete(self, context, instance, migration_id):
        self._live_migration_steps().live_migration_force_complete(context, instance,
                                                                   migration_id)

    # --- power state sync -----------------------------------------------------------

    def sync_power_states(self, context):
        """Make the records of this host's instances agree with their guests."""
        if self.service_id is None:
            return
        power_sync.sync_all(context, self.host, self.driver, self.conductor_api)

    def refresh_network_info(self, context):
        """Re-plug the servers whose ports changed ([network]
        network_info_refresh_interval)."""
        if self.service_id is None:
            return
        vifs.refresh(context, self.host, self.driver, self.conductor_api)

    def manage_image_cache(self, context):
        """Let the driver age the images cached on this host, keeping those
        its instances were built from."""
        if self.service_id is None:
            return
        instances = self.conductor_api.instances_on_host(context, self.host)
        self.driver.manage_image_cache(
            context, {instance['image_ref'] for instance in instances
                      if instance.get('image_ref')})

    def _on_lifecycle_event(self, instance_uuid, power_state):
        LOG.debug('Guest %s is now %s', instance_uuid,
                  compute_states.POWER_STATE_NAMES.get(power_state))
        try:
            self._event_worker.submit(self._sync_after_event, instance_uuid)
        except RuntimeError:
            LOG.debug('Ignoring the event about guest %s: the service is stopping',
                      instance_uuid)

    def _sync_after_event(self, instance_uuid):
        if self.service_id is None:
            return
        try:
            power_sync.sync_uuid(nova_context.get_admin_context(), self.host, self.driver,
                                 self.conductor_api, instance_uuid)
        except Exception:  # noqa: BLE001 - the periodic sync catches up
            LOG.exception('Power state sync after an event about %s failed', instance_uuid)
