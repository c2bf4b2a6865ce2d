"""Client side of the conductor RPC API.

Two audiences share the topic: the API calls the super-conductor on the
API-level transport (schedule_and_build_instances), computes call their
cell conductor on the cell's transport (everything else).

Version history:

    1.0 - service_report, compute_node_update: persistence for computes,
          which have no database credentials of their own.
    1.1 - schedule_and_build_instances (API -> super-conductor);
          instance_update, instance_destroy, instance_fault_create,
          action_event, instances_on_host, release_allocations, reschedule
          (compute -> cell conductor).
    1.2 - instance_update takes record_event: an instance action event
          written in the update's transaction (one call instead of two).
    1.3 - instance_get.
    1.4 - rebuild_instance (API -> super-conductor).
    1.5 - unshelve_instance (API -> super-conductor); instance_update
          takes system_metadata items in values.
    1.6 - usage_audit_begin, usage_audit_end (compute -> cell conductor).
    1.7 - migrate_server (API -> super-conductor: resize, cold migration);
          migration_update, move_allocations, migrations_unconfirmed,
          migrations_in_progress (compute -> cell conductor).
    1.8 - evacuate_instance (API -> super-conductor); evacuations_from_host,
          finish_evacuation (compute -> cell conductor).
    1.10 - network_info (compute -> cell conductor): the ports of an
           instance as its host plumbs them (nova_common/network/model.py).
    1.11 - live_migrate_instance (API -> super-conductor).
    1.12 - move_step (compute -> cell conductor): a move's ledger change,
           migration update, fault and instance update with its action
           events in one call instead of two to four.
    1.13 - changed_network_info (compute -> cell conductor): of the ports a
           host plugged, given by fingerprint, the network_info of those
           that changed, in one call per refresh instead of one per server.
"""
from nova_common.conf import CONF
from nova_common import rpc

TOPIC = 'conductor'
VERSION = '1.13'


class ConductorAPI:
    def __init__(self, transport=None, timeout=None):
        self.client = rpc.get_client(TOPIC, VERSION, transport=transport,
                                     timeout=timeout or CONF.compute.conductor_wait_timeout)

    def _call(self, context, method, **kwargs):
        return self.client.prepare(version='1.1').call(context, method, **kwargs)

    def service_report(self, context, host, binary, topic, version, timeout=None):
        """Create the service record if needed and beat its heart; returns it.
        ``timeout``, when given, overrides the client's for this one call."""
        options = {'timeout': timeout} if timeout is not None else {}
        return self.client.prepare(version='1.0', **options).call(
            context, 'service_report', host=host, binary=binary, topic=topic,
            version=version)

    def compute_node_update(self, context, host, nodes):
        """Create or update ``host``'s compute nodes; returns their records."""
        return self.client.prepare(version='1.0').call(
            context, 'compute_node_update', host=host, nodes=nodes)

    def schedule_and_build_instances(self, context, instance_uuids, request_spec):
        self.client.prepare(version='1.1').cast(
            context, 'schedule_and_build_instances', instance_uuids=instance_uuids,
            request_spec=request_spec)

    def rebuild_instance(self, context, cell_uuid, instance, image, image_changed,
                         preserve_ephemeral, rollback):
        """Check the host against a changed image, then have the compute
        rebuild ``instance`` from ``image``; ``rollback`` holds the image
        fields the record had, written back when the host does not fit."""
        self.client.prepare(version='1.4').cast(
            context, 'rebuild_instance', cell_uuid=cell_uuid, instance=instance, image=image,
            image_changed=image_changed, preserve_ephemeral=preserve_ephemeral,
            rollback=rollback)

    def unshelve_instance(self, context, cell_uuid, instance, request_spec):
        """Schedule the offloaded ``instance`` of cell ``cell_uuid`` anew
        (``request_spec`` its spec with the shelve image and the zone or
        host asked for) and have the chosen compute spawn it (1.5)."""
        self.client.prepare(version='1.5').cast(
            context, 'unshelve_instance', cell_uuid=cell_uuid, instance=instance,
            request_spec=request_spec)

    def instance_update(self, context, uuid, values, expected=None, record_event=None):
        """The updated instance. ``record_event``: action_event's keyword
        arguments (event, phase, host, result, details), recorded only if
        the update happens (1.2)."""
        if 'system_metadata' in values:
            return self.client.prepare(version='1.5').call(
                context, 'instance_update', uuid=uuid, values=values,
                expected=expected or {}, record_event=record_event)
        if record_event is None:
            return self._call(context, 'instance_update', uuid=uuid, values=values,
                              expected=expected or {})
        return self.client.prepare(version='1.2').call(
            context, 'instance_update', uuid=uuid, values=values, expected=expected or {},
            record_event=record_event)

    def instance_destroy(self, context, uuid):
        return self._call(context, 'instance_destroy', uuid=uuid)

    def instance_fault_create(self, context, uuid, code, message, details=None, host=None):
        return self._call(context, 'instance_fault_create', uuid=uuid, code=code,
                          message=message, details=details, host=host)

    def action_event(self, context, uuid, event, phase, host=None, result=None, details=None):
        return self._call(context, 'action_event', uuid=uuid, event=event, phase=phase,
                          host=host, result=result, details=details)

    def instance_get(self, context, uuid):
        """The live instance ``uuid`` of this cell; InstanceNotFound (1.3)."""
        return self.client.prepare(version='1.3').call(context, 'instance_get', uuid=uuid)

    def instances_on_host(self, context, host):
        return self._call(context, 'instances_on_host', host=host)

    def release_allocations(self, context, consumer_id):
        return self._call(context, 'release_allocations', consumer_id=consumer_id)

    def reschedule(self, context, instance, request_spec, alternates, reason):
        return self._call(context, 'reschedule', instance=instance,
                          request_spec=request_spec, alternates=alternates, reason=reason)

    # --- 1.6: the instance usage audit ------------------------------------------

    def usage_audit_begin(self, context, host, period_beginning, period_ending):
        """Start ``host``'s audit of the period: the usage records of the
        instances that ran there, or None when it was audited already."""
        return self.client.prepare(version='1.6').call(
            context, 'usage_audit_begin', host=host, period_beginning=period_beginning,
            period_ending=period_ending)

    def usage_audit_end(self, context, host, period_beginning, period_ending, errors,
                        message):
        return self.client.prepare(version='1.6').call(
            context, 'usage_audit_end', host=host, period_beginning=period_beginning,
            period_ending=period_ending, errors=errors, message=message)

    # --- 1.7: resize and cold migration -----------------------------------------

    def migrate_server(self, context, cell_uuid, instance, flavor, host=None,
                       clean_shutdown=True):
        """Move ``instance`` (task_state resize_prep) of cell ``cell_uuid``
        to a host the scheduler picks for ``flavor`` (its own flavor: a
        cold migration), or to ``host``."""
        self.client.prepare(version='1.7').cast(
            context, 'migrate_server', cell_uuid=cell_uuid, instance=instance, flavor=flavor,
            host=host, clean_shutdown=clean_shutdown)

    def migration_update(self, context, migration_id, values, expected_status=None):
        """The updated migration; MigrationNotFound when its status is not
        one of ``expected_status``."""
        return self.client.prepare(version='1.7').call(
            context, 'migration_update', migration_id=migration_id, values=values,
            expected_status=expected_status)

    def move_allocations(self, context, source_consumer, target_consumer):
        """Give ``source_consumer``'s claim to ``target_consumer``, whose
        own claim is freed; the number of allocation rows moved."""
        return self.client.prepare(version='1.7').call(
            context, 'move_allocations', source_consumer=source_consumer,
            target_consumer=target_consumer)

    def migrations_in_progress(self, context, instance_uuid):
        """The migrations of ``instance_uuid`` that are not over."""
        return self.client.prepare(version='1.7').call(
            context, 'migrations_in_progress', instance_uuid=instance_uuid)

    def migrations_unconfirmed(self, context, host, confirm_window):
        """The resizes finished on ``host`` at least ``confirm_window``
        seconds ago and still waiting for a confirmation."""
        return self.client.prepare(version='1.7').call(
            context, 'migrations_unconfirmed', host=host, confirm_window=confirm_window)

    # --- 1.8: evacuation -------------------------------------------------------

    def evacuate_instance(self, context, cell_uuid, instance, migration_uuid, host=None,
                          force=False, target_state=None):
        """Rebuild ``instance`` (task_state rebuilding, its host down) of
        cell ``cell_uuid`` on another host: ``host`` (through the
        scheduler, or straight there with ``force``) or one the scheduler
        picks; ``target_state`` 'stopped' (2.95) or None."""
        self.client.prepare(version='1.8').cast(
            context, 'evacuate_instance', cell_uuid=cell_uuid, instance=instance,
            migration_uuid=migration_uuid, host=host, force=force, target_state=target_state)

    def evacuations_from_host(self, context, host):
        """The evacuations away from ``host`` that are ``done`` and wait for
        its compute to clean up, each with ``instance_host``: where the
        instance is now (None when it was deleted)."""
        return self.client.prepare(version='1.8').call(
            context, 'evacuations_from_host', host=host)

    def finish_evacuation(self, context, migration_uuid, status):
        """End an evacuation and free the side of the instance's claim it
        leaves: 'completed' (the source compute cleaned up: the source
        node's part) or 'failed' (the destination could not rebuild: the
        destination node's part). The migration, or None when it was
        already over."""
        return self.client.prepare(version='1.8').call(
            context, 'finish_evacuation', migration_uuid=migration_uuid, status=status)

    # --- 1.10: the host side of networking ----------------------------------------

    def network_info(self, context, instance_uuid, host, serves_dhcp=True):
        """The network_info list of ``instance_uuid`` on ``host``
        (nova_common/network/model.py; ``serves_dhcp``: the host runs DHCP
        for its networks); [] from a conductor without the API database."""
        return self.client.prepare(version='1.10').call(
            context, 'network_info', instance_uuid=instance_uuid, host=host,
            serves_dhcp=serves_dhcp)

    # --- 1.11: live migration ------------------------------------------------------

    def live_migrate_instance(self, context, cell_uuid, instance, migration_id, host=None,
                              block_migration='auto', force=False):
        """Live-migrate ``instance`` (task_state migrating) of cell
        ``cell_uuid``, its migration ``migration_id`` accepted, to ``host``
        or where the scheduler chooses (nova_conductor/tasks/live_migrate.py)."""
        self.client.prepare(version='1.11').cast(
            context, 'live_migrate_instance', cell_uuid=cell_uuid, instance=instance,
            migration_id=migration_id, host=host, block_migration=block_migration,
            force=force)

    # --- 1.12: a move's step in one call ---------------------------------------------

    def move_step(self, context, migration_id, migration_values=None, instance_uuid=None,
                  values=None, expected=None, events=None, fault=None, claim=None,
                  needs_migration=False):
        """Write one step of a move (nova_conductor/move_steps.py): the
        ledger ``claim`` change ({'release': consumer} or {'move': [from,
        to]}), the migration's ``migration_values``, a ``fault`` (code,
        message, details, host), the instance's ``values`` guarded by
        ``expected`` with the action ``events``; {'migration', 'instance'}.
        InstanceNotFound / InstanceInvalidState as instance_update."""
        return self.client.prepare(version='1.12').call(
            context, 'move_step', migration_id=migration_id,
            migration_values=migration_values, instance_uuid=instance_uuid, values=values,
            expected=expected, events=events, fault=fault, claim=claim,
            needs_migration=needs_migration)

    # --- 1.13: the refresh of the host side of networking --------------------------

    def changed_network_info(self, context, host, fingerprints, serves_dhcp=True):
        """{instance uuid: network_info} of the instances of
        ``fingerprints`` ({instance uuid: nova_common.network.model
        fingerprint of what ``host`` plugged}) whose ports changed since."""
        return self.client.prepare(version='1.13').call(
            context, 'changed_network_info', host=host, fingerprints=fingerprints,
            serves_dhcp=serves_dhcp)
