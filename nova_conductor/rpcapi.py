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
"""
from nova_common.conf import CONF
from nova_common import rpc

TOPIC = 'conductor'
VERSION = '1.6'


class ConductorAPI:
    def __init__(self, transport=None, timeout=None):
        self.client = rpc.get_client(TOPIC, VERSION, transport=transport,
                                     timeout=timeout or CONF.compute.conductor_wait_timeout)

    def _call(self, context, method, **kwargs):
        return self.client.prepare(version='1.1').call(context, method, **kwargs)

    def service_report(self, context, host, binary, topic, version):
        """Create the service record if needed and beat its heart; returns it."""
        return self.client.prepare(version='1.0').call(
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
