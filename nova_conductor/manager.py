"""The conductor's RPC endpoint. It routes to small modules:
persistence.py (work done for computes in this cell), tasks/build.py
(the super-conductor's boot orchestration), tasks/reschedule.py,
tasks/rebuild.py (the rebuild's check of the host against a new image), and
runs tasks/lost_builds.py's and tasks/lost_evacuations.py's periodic checks."""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common.conf import CONF
from nova_common import exception
from nova_common import manager
from nova_conductor import evacuations
from nova_conductor import ledger_access
from nova_conductor import migration_records
from nova_conductor import move_steps
from nova_conductor import network_info as host_network_info
from nova_conductor import persistence
from nova_conductor import port_bindings
from nova_conductor import usage_audit
from nova_conductor.tasks import build
from nova_conductor.tasks import evacuate
from nova_conductor.tasks import live_migrate
from nova_conductor.tasks import lost_builds
from nova_conductor.tasks import lost_evacuations
from nova_conductor.tasks import migrate
from nova_conductor.tasks import rebuild
from nova_conductor.tasks import reschedule
from nova_conductor.tasks import unshelve
from nova_scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

# Answers a compute expects and handles (the instance was deleted meanwhile,
# or another action changed its state first): logged at debug level by
# oslo.messaging, not as server errors.
_INSTANCE_RACES = messaging.expected_exceptions(exception.InstanceNotFound,
                                                exception.InstanceInvalidState)
_MIGRATION_RACES = messaging.expected_exceptions(exception.MigrationNotFound)


class ConductorManager(manager.Manager):
    target = messaging.Target(version='1.13')

    def __init__(self):
        self._scheduler_api = None

    @property
    def scheduler_api(self):
        if self._scheduler_api is None:
            self._scheduler_api = scheduler_rpcapi.SchedulerAPI()
        return self._scheduler_api

    def periodic_tasks(self):
        def interval():
            return CONF.conductor.lost_build_check_interval
        return [('bury_lost_build_requests', lost_builds.bury_lost_build_requests, interval),
                ('end_overdue_builds', lost_builds.end_overdue_builds, interval),
                ('end_lost_unshelves', lost_builds.end_lost_unshelves, interval),
                ('end_lost_evacuations', lost_evacuations.end_lost_evacuations, interval)]

    def service_report(self, context, host, binary, topic, version):
        return persistence.service_report(context, host, binary, topic, version)

    def compute_node_update(self, context, host, nodes):
        return persistence.compute_node_update(context, host, nodes)

    def schedule_and_build_instances(self, context, instance_uuids, request_spec):
        build.schedule_and_build_instances(context, self.scheduler_api, instance_uuids,
                                           request_spec)

    def rebuild_instance(self, context, cell_uuid, instance, image, image_changed,
                         preserve_ephemeral, rollback):
        rebuild.rebuild_instance(context, self.scheduler_api, cell_uuid, instance, image,
                                 image_changed, preserve_ephemeral, rollback)

    def unshelve_instance(self, context, cell_uuid, instance, request_spec):
        unshelve.unshelve_instance(context, self.scheduler_api, cell_uuid, instance,
                                   request_spec)

    @_INSTANCE_RACES
    def instance_update(self, context, uuid, values, expected, record_event=None):
        LOG.debug('Updating instance %s: %s', uuid, ', '.join(sorted(values)) or 'no change')
        instance = persistence.instance_update(context, uuid, values, expected, record_event)
        port_bindings.follow_host(context, uuid, values)
        return instance

    @_INSTANCE_RACES
    def instance_destroy(self, context, uuid):
        return persistence.instance_destroy(context, uuid)

    @_INSTANCE_RACES
    def instance_fault_create(self, context, uuid, code, message, details=None, host=None):
        persistence.instance_fault_create(context, uuid, code, message, details, host)

    @_INSTANCE_RACES
    def action_event(self, context, uuid, event, phase, host=None, result=None, details=None):
        persistence.action_event(context, uuid, event, phase, host, result, details)

    @_INSTANCE_RACES
    def instance_get(self, context, uuid):
        return persistence.instance_get(context, uuid)

    def instances_on_host(self, context, host):
        return persistence.instances_on_host(context, host)

    def release_allocations(self, context, consumer_id):
        return ledger_access.release(context, consumer_id)

    def reschedule(self, context, instance, request_spec, alternates, reason):
        reschedule.reschedule(context, instance, request_spec, alternates, reason)

    def usage_audit_begin(self, context, host, period_beginning, period_ending):
        return usage_audit.begin(context, host, period_beginning, period_ending)

    def usage_audit_end(self, context, host, period_beginning, period_ending, errors,
                        message):
        usage_audit.end(context, host, period_beginning, period_ending, errors, message)

    # --- 1.7: resize and cold migration -----------------------------------------

    def migrate_server(self, context, cell_uuid, instance, flavor, host=None,
                       clean_shutdown=True):
        migrate.migrate_server(context, self.scheduler_api, cell_uuid, instance, flavor,
                               host, clean_shutdown)

    @_MIGRATION_RACES
    def migration_update(self, context, migration_id, values, expected_status=None):
        return migration_records.update(context, migration_id, values, expected_status)

    def move_allocations(self, context, source_consumer, target_consumer):
        return ledger_access.move(context, source_consumer, target_consumer)

    def migrations_in_progress(self, context, instance_uuid):
        return migration_records.in_progress(context, instance_uuid)

    def migrations_unconfirmed(self, context, host, confirm_window):
        return migration_records.unconfirmed(context, host, confirm_window)

    # --- 1.8: evacuation -------------------------------------------------------

    def evacuate_instance(self, context, cell_uuid, instance, migration_uuid, host=None,
                          force=False, target_state=None):
        evacuate.evacuate_instance(context, self.scheduler_api, cell_uuid, instance,
                                   migration_uuid, host, force, target_state)

    def evacuations_from_host(self, context, host):
        return evacuations.done_from_host(context, host)

    def finish_evacuation(self, context, migration_uuid, status):
        return evacuations.finish(context, migration_uuid, status)

    # --- 1.10: the host side of networking ----------------------------------------

    def network_info(self, context, instance_uuid, host, serves_dhcp=True):
        return host_network_info.network_info(context, instance_uuid, host, serves_dhcp)

    # --- 1.11: live migration ------------------------------------------------------

    def live_migrate_instance(self, context, cell_uuid, instance, migration_id, host=None,
                              block_migration='auto', force=False):
        live_migrate.live_migrate_instance(context, self.scheduler_api, cell_uuid, instance,
                                           migration_id, host, block_migration, force)

    # --- 1.12: a move's step in one call ---------------------------------------------

    @_INSTANCE_RACES
    def move_step(self, context, migration_id, migration_values=None, instance_uuid=None,
                  values=None, expected=None, events=None, fault=None, claim=None,
                  needs_migration=False):
        return move_steps.write(context, migration_id, migration_values, instance_uuid,
                                values, expected, events, fault, claim, needs_migration)

    # --- 1.13: the refresh of the host side of networking --------------------------

    def changed_network_info(self, context, host, fingerprints, serves_dhcp=True):
        return host_network_info.changed_network_info(context, host, fingerprints,
                                                      serves_dhcp)
