"""One step of a move (resize, cold or live migration) written for a
compute in one conductor call (1.12, ``move_step``).

A step used to be two to four round trips from the compute, each waiting
for the last: the ledger change (a claim freed or given back), the
migration's status, a fault, the instance update with its action event.
Here they run in that same order, each as it ran on its own before, so
that what a failure or a concurrent delete leaves behind is unchanged: the
ledger first, then the migration (its own transaction), then the fault
and the instance update with the step's action events in one transaction
guarded by the expected states (InstanceNotFound / InstanceInvalidState
as instance_update raises them). Progress figures of a running live
migration take the same path (the migration's byte counts and the
instance's ``progress`` in one call).
"""
from oslo_log import log as logging

from nova_common import exception
from nova_conductor import ledger_access
from nova_conductor import migration_records
from nova_conductor import persistence
from nova_conductor import port_bindings

LOG = logging.getLogger(__name__)


def _change_claims(context, claim):
    """``claim``: {'release': consumer} frees a consumer's claim;
    {'move': [source, target]} gives the source consumer's claim to the
    target (whose own claim is freed)."""
    if not claim:
        return
    if 'release' in claim:
        ledger_access.release(context, claim['release'])
    if 'move' in claim:
        source, target = claim['move']
        ledger_access.move(context, source, target)


def write(context, migration_id, migration_values=None, instance_uuid=None, values=None,
          expected=None, events=None, fault=None, claim=None, needs_migration=False):
    """{'migration': the updated migration or None (gone), 'instance': the
    updated instance or None (no instance values)}.

    ``values`` (instance columns, may be {}) with ``expected`` as
    instance_update takes them; ``events``: action_event keyword dicts
    written with the update (or alone when ``values`` is None); ``fault``:
    instance_fault_create's keyword arguments (code, message, details,
    host); ``needs_migration``: leave the instance alone when the
    migration is gone (deleted with its instance)."""
    _change_claims(context, claim)
    migration = None
    if migration_values:
        try:
            migration = migration_records.update(context, migration_id, migration_values)
        except exception.MigrationNotFound:
            LOG.info('Migration %s is gone; not writing %s', migration_id,
                     ', '.join(sorted(migration_values)))
            if needs_migration:
                return {'migration': None, 'instance': None}
    if fault:
        persistence.instance_fault_create(context, instance_uuid, **fault)
    instance = None
    if values is not None:
        instance = persistence.instance_update(context, instance_uuid, values, expected or {},
                                               record_events=events)
        port_bindings.follow_host(context, instance_uuid, values)
    else:
        for event in events or ():
            persistence.action_event(context, instance_uuid, **event)
    return {'migration': migration, 'instance': instance}
