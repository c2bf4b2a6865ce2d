"""The resource ledger in the API database, shaped like OpenStack Placement:
resource providers (one per compute node), their inventories per resource
class, and allocations held by consumers (instance uuids).

The invariant, for every provider and class::

    sum(used) <= (total - reserved) * allocation_ratio

``claim`` keeps it in one short transaction that locks the provider's row
first (SELECT ... FOR UPDATE on MariaDB; on SQLite every transaction begins
IMMEDIATE, holding the write lock: see nova_common.db.engines), then reads
inventories and usage, checks the fit and writes. Claims on one provider
are so decided one after the other, each seeing what the previous ones
committed: under MariaDB's REPEATABLE READ a transaction's snapshot is
taken by its first plain (non-locking) read, which comes after the lock.
Concurrent claimers therefore queue instead of racing: with optimistic
retries alone, ten claimers on one provider lost the race to each other
until some gave up with room to spare (a move got NoValidHost).

The generation is still bumped by every writer that changes what a claim
relies on (a claim, a free, a new inventory: each takes the row's lock
with its UPDATE) and checked with a compare-and-swap when the claim
writes, so the scheduler's usage cache can follow it and a claim never
writes over figures it did not see.
"""
import random
import time

from oslo_db import exception as db_exc
from oslo_log import log as logging
from sqlalchemy import func

from nova_common.db.api import server_groups
from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception

LOG = logging.getLogger(__name__)

# A claim that loses this many races in a row (deadlocks: claims take
# provider and server-group rows in different orders; a generation swap
# can no longer be lost under the provider's lock) gives up, and the
# caller moves on to another host.
MAX_CLAIM_ATTEMPTS = 10

_INVENTORY_FIELDS = ('total', 'reserved', 'min_unit', 'max_unit', 'step_size',
                     'allocation_ratio')


class _GenerationChanged(Exception):
    """Raised inside a claim's transaction to roll it back: another writer
    changed the provider after the claim read it."""


def _provider_dict(row):
    return {'uuid': row.uuid, 'name': row.name, 'generation': row.generation,
            'cell_uuid': row.cell_uuid, 'host': row.host}


def _inventory_dict(row):
    return {field: getattr(row, field) for field in _INVENTORY_FIELDS}


def _provider_row(session, uuid):
    row = session.query(models.ResourceProvider).filter_by(uuid=uuid).first()
    if row is None:
        raise exception.ResourceProviderNotFound(uuid=uuid)
    return row


def _has_allocations(session, provider_id, resource_class=None):
    query = session.query(models.Allocation).filter_by(resource_provider_id=provider_id)
    if resource_class is not None:
        query = query.filter_by(resource_class=resource_class)
    return session.query(query.exists()).scalar()


def _free_name(session, name, uuid):
    """Make ``name`` available to provider ``uuid``: a provider left by a
    compute node that was deleted and re-created under the same name is
    dropped, unless it still holds allocations."""
    stale = (session.query(models.ResourceProvider)
             .filter(models.ResourceProvider.name == name,
                     models.ResourceProvider.uuid != uuid).first())
    if stale is None:
        return
    if _has_allocations(session, stale.id):
        raise exception.ResourceProviderConflict(
            name=name, reason='provider %s has that name and still holds allocations'
            % stale.uuid)
    LOG.info('Removing resource provider %s: compute node %s now has uuid %s',
             stale.uuid, name, uuid)
    session.query(models.Inventory).filter_by(resource_provider_id=stale.id).delete()
    session.delete(stale)
    session.flush()


def _ensure_provider(context, uuid, name, cell_uuid, host):
    with engines.api_writer(context) as session:
        row = session.query(models.ResourceProvider).filter_by(uuid=uuid).first()
        if row is None:
            _free_name(session, name, uuid)
            row = models.ResourceProvider(uuid=uuid, name=name, generation=0,
                                          cell_uuid=cell_uuid, host=host)
            session.add(row)
        else:
            if row.name != name:
                _free_name(session, name, uuid)
                row.name = name
            if row.cell_uuid != cell_uuid:
                row.cell_uuid = cell_uuid
            if row.host != host:
                row.host = host
        session.flush()
        return _provider_dict(row)


def ensure_provider(context, uuid, name, cell_uuid, host):
    """The provider ``uuid``, created or updated to the given name, cell
    and host. ResourceProviderConflict when another provider holding
    allocations already has ``name``."""
    try:
        return _ensure_provider(context, uuid, name, cell_uuid, host)
    except db_exc.DBDuplicateEntry:
        # A concurrent scheduler created it first: now it is an update.
        return _ensure_provider(context, uuid, name, cell_uuid, host)


def _normalized_inventory(values):
    total = int(values['total'])
    return {'total': total,
            'reserved': int(values.get('reserved', 0)),
            'min_unit': int(values.get('min_unit', 1)),
            'max_unit': int(values.get('max_unit', total)),
            'step_size': int(values.get('step_size', 1)),
            'allocation_ratio': float(values.get('allocation_ratio', 1.0))}


def _write_inventory(context, provider_uuid, wanted):
    with engines.api_writer(context) as session:
        provider = _provider_row(session, provider_uuid)
        current = {row.resource_class: row for row in
                   session.query(models.Inventory).filter_by(resource_provider_id=provider.id)}
        if {rc: _inventory_dict(row) for rc, row in current.items()} == wanted:
            return _provider_dict(provider)
        for rc, row in current.items():
            if rc in wanted:
                continue
            if _has_allocations(session, provider.id, rc):
                raise exception.ResourceProviderConflict(
                    name=provider.name,
                    reason='its %s inventory is still allocated and cannot be removed' % rc)
            session.delete(row)
        for rc, values in wanted.items():
            row = current.get(rc)
            if row is None:
                session.add(models.Inventory(resource_provider_id=provider.id,
                                             resource_class=rc, **values))
            else:
                for field, value in values.items():
                    setattr(row, field, value)
        session.flush()
        (session.query(models.ResourceProvider)
         .filter_by(id=provider.id)
         .update({models.ResourceProvider.generation: models.ResourceProvider.generation + 1},
                 synchronize_session=False))
        session.refresh(provider)
        return _provider_dict(provider)


def set_inventory(context, provider_uuid, inventories):
    """Replace the provider's inventories with ``inventories``
    ({rc: {total, reserved, min_unit, max_unit, step_size, allocation_ratio}};
    all but total have Placement's defaults). The generation is bumped only
    when something changed, so an unchanged periodic report is free. A
    capacity below the current usage is recorded (the hardware is what it
    is) and shows up in ``audit``. Returns the provider."""
    wanted = {rc: _normalized_inventory(values) for rc, values in inventories.items()}
    try:
        return _write_inventory(context, provider_uuid, wanted)
    except db_exc.DBDuplicateEntry:
        return _write_inventory(context, provider_uuid, wanted)


def _usage_by_class(session, provider_id, excluding_consumer=None):
    query = (session.query(models.Allocation.resource_class,
                           func.sum(models.Allocation.used))
             .filter(models.Allocation.resource_provider_id == provider_id))
    if excluding_consumer is not None:
        query = query.filter(models.Allocation.consumer_id != excluding_consumer)
    return {rc: int(used) for rc, used in query.group_by(models.Allocation.resource_class)}


def capacity(inventory):
    """How much of a class may be allocated in all: (total - reserved) * ratio."""
    return (inventory['total'] - inventory['reserved']) * inventory['allocation_ratio']


def misfit(inventory, used, amount):
    """Why ``amount`` more of a class does not fit, or None when it does."""
    if amount < inventory['min_unit']:
        return 'below the minimum unit %d' % inventory['min_unit']
    if amount > inventory['max_unit']:
        return 'above the maximum unit %d' % inventory['max_unit']
    if amount % inventory['step_size']:
        return 'not a multiple of the step size %d' % inventory['step_size']
    if used + amount > capacity(inventory):
        return 'only %g of %g free' % (max(capacity(inventory) - used, 0), capacity(inventory))
    return None


def _try_claim(context, consumer_id, provider_uuid, wanted, group_uuid=None,
               keep_other_providers=False):
    """True or False when decided; raises _GenerationChanged on a lost race."""
    with engines.api_writer(context) as session:
        # The provider's row locked by the transaction's first statement:
        # every read after it sees the claims committed before (see the
        # module's docstring). SQLite ignores FOR UPDATE (its write lock
        # is held already).
        provider = (session.query(models.ResourceProvider)
                    .filter_by(uuid=provider_uuid).with_for_update().first())
        if provider is None:
            LOG.warning('Claim for %s on unknown resource provider %s refused',
                        consumer_id, provider_uuid)
            return False
        if group_uuid is not None:
            conflict = server_groups.claim_conflict(session, group_uuid, consumer_id,
                                                    provider.host)
            if conflict:
                LOG.info('Claim for %s on %s refused: %s', consumer_id, provider.name,
                         conflict)
                return False
        # The generation is read before anything it guards, and the
        # snapshot the reads below see must be as new as the lock: it is
        # when its first plain read comes after the lock, but a claim in a
        # transaction that had read before would miss newer claims.
        seen_generation = provider.generation
        if (session.query(models.ResourceProvider.generation)
                .filter(models.ResourceProvider.id == provider.id).scalar()
                != seen_generation):
            raise _GenerationChanged()
        inventories = {row.resource_class: _inventory_dict(row) for row in
                       session.query(models.Inventory).filter_by(resource_provider_id=provider.id)}
        usage = _usage_by_class(session, provider.id, excluding_consumer=consumer_id)
        for rc, amount in wanted.items():
            inventory = inventories.get(rc)
            reason = ('no %s inventory' % rc if inventory is None
                      else misfit(inventory, usage.get(rc, 0), amount))
            if reason:
                LOG.debug('Claim of %s %s for %s on %s refused: %s',
                          amount, rc, consumer_id, provider.name, reason)
                return False
        swapped = (session.query(models.ResourceProvider)
                   .filter(models.ResourceProvider.id == provider.id,
                           models.ResourceProvider.generation == seen_generation)
                   .update({models.ResourceProvider.generation: seen_generation + 1},
                           synchronize_session=False))
        if not swapped:
            raise _GenerationChanged()
        # A claim replaces what the consumer held before (as a PUT of
        # Placement allocations does), so a retried claim is idempotent.
        _remove_allocations(session, consumer_id,
                            provider.id if keep_other_providers else None)
        for rc, amount in wanted.items():
            session.add(models.Allocation(resource_provider_id=provider.id,
                                          consumer_id=consumer_id,
                                          resource_class=rc, used=amount))
        return True


def claim(context, consumer_id, provider_uuid, resources, group_uuid=None,
          keep_other_providers=False):
    """Allocate ``resources`` ({rc: amount}; zero amounts are left out) on
    the provider for ``consumer_id``, replacing what it held. Returns False
    when they do not fit, or when the claim lost a race (a deadlock)
    ``MAX_CLAIM_ATTEMPTS`` times in a row. Concurrent claims on one
    provider wait for each other (its row is locked) rather than race.

    ``group_uuid``: the server group ``consumer_id`` is a member of. Its
    hard policy is checked in the claim's own transaction
    (server_groups.claim_conflict: the group row is locked, then the
    members' claims read), so that two members created in parallel can
    never both win a host the policy gives to one, whichever providers
    (nodes) of the host they claim on. A late check on the compute, as
    Nova's, would only catch the breach after the fact and cost a
    reschedule; here the loser simply moves on to the next host.

    ``keep_other_providers``: what the consumer holds on other providers
    stays (only its allocation on this provider is replaced). An
    evacuation claims so, as Nova does: the instance holds its source and
    its destination until the source compute comes back and frees its part
    (release_provider)."""
    wanted = {rc: int(amount) for rc, amount in resources.items() if amount}
    for attempt in range(1, MAX_CLAIM_ATTEMPTS + 1):
        try:
            return _try_claim(context, consumer_id, provider_uuid, wanted, group_uuid,
                              keep_other_providers)
        except (_GenerationChanged, db_exc.DBDeadlock):
            LOG.debug('Claim for %s on %s lost a race (attempt %d); retrying',
                      consumer_id, provider_uuid, attempt)
            # A little jitter keeps retrying claimers from colliding again.
            time.sleep(random.uniform(0, 0.005 * attempt))
    LOG.warning('Claim for %s on %s lost %d races in a row; giving up on this provider',
                consumer_id, provider_uuid, MAX_CLAIM_ATTEMPTS)
    return False


def _remove_allocations(session, consumer_id, provider_id=None):
    """Delete what ``consumer_id`` holds (on ``provider_id`` only, when
    given), bumping the generation of each provider it frees (as Placement
    does), so that a reader following the generations (the scheduler's
    usage cache) sees the change. Returns the number of rows removed."""
    allocations = session.query(models.Allocation).filter_by(consumer_id=consumer_id)
    if provider_id is not None:
        allocations = allocations.filter_by(resource_provider_id=provider_id)
    freed = {freed_id for (freed_id,) in
             allocations.with_entities(models.Allocation.resource_provider_id).distinct()}
    if not freed:
        return 0
    (session.query(models.ResourceProvider)
     .filter(models.ResourceProvider.id.in_(sorted(freed)))
     .update({models.ResourceProvider.generation: models.ResourceProvider.generation + 1},
             synchronize_session=False))
    return allocations.delete(synchronize_session=False)


def release(context, consumer_id):
    """Free everything ``consumer_id`` holds; the number of allocation rows
    removed (0 when it held nothing, so a repeated release is harmless)."""
    with engines.api_writer(context) as session:
        return _remove_allocations(session, consumer_id)


def move_allocations(context, source_consumer, target_consumer):
    """Give everything ``source_consumer`` holds to ``target_consumer``,
    whose own allocations are freed, in one transaction (as Placement's
    POST /allocations moves a claim to a migration and back). A move
    keeps every class within its capacity: it frees before it takes and
    takes only what was held. Returns the number of rows moved (0 when
    the source held nothing: then the target keeps what it has)."""
    with engines.api_writer(context) as session:
        moving = session.query(models.Allocation).filter_by(consumer_id=source_consumer)
        touched = {provider_id for (provider_id,) in
                   moving.with_entities(models.Allocation.resource_provider_id).distinct()}
        if not touched:
            return 0
        _remove_allocations(session, target_consumer)
        moved = moving.update({models.Allocation.consumer_id: target_consumer},
                              synchronize_session=False)
        (session.query(models.ResourceProvider)
         .filter(models.ResourceProvider.id.in_(sorted(touched)))
         .update({models.ResourceProvider.generation: models.ResourceProvider.generation + 1},
                 synchronize_session=False))
        return moved


def release_provider(context, consumer_id, provider_uuid):
    """Free what ``consumer_id`` holds on one provider, keeping the rest;
    the number of allocation rows removed (0 for an unknown provider)."""
    with engines.api_writer(context) as session:
        provider = (session.query(models.ResourceProvider)
                    .filter_by(uuid=provider_uuid).first())
        if provider is None:
            return 0
        return _remove_allocations(session, consumer_id, provider.id)


def generations(context, changed_since=None):
    """{provider_uuid: generation} of the providers written at or after
    ``changed_since`` (a naive UTC datetime), or of every provider. Each
    write that changes a provider's usage or inventory bumps its generation
    and so stamps its updated_at."""
    with engines.api_reader(context) as session:
        query = session.query(models.ResourceProvider.uuid, models.ResourceProvider.generation)
        if changed_since is not None:
            query = query.filter((models.ResourceProvider.updated_at >= changed_since)
                                 | (models.ResourceProvider.created_at >= changed_since))
        return dict(query.all())


def usages(context, provider_uuids=None):
    """{provider_uuid: {rc: used}} for every provider (or those listed);
    a provider without allocations maps to {}."""
    with engines.api_reader(context) as session:
        providers = session.query(models.ResourceProvider.id, models.ResourceProvider.uuid)
        if provider_uuids is not None:
            providers = providers.filter(models.ResourceProvider.uuid.in_(list(provider_uuids)))
        by_id = {row.id: row.uuid for row in providers}
        result = {uuid: {} for uuid in by_id.values()}
        if not by_id:
            return result
        query = (session.query(models.Allocation.resource_provider_id,
                               models.Allocation.resource_class,
                               func.sum(models.Allocation.used))
                 .filter(models.Allocation.resource_provider_id.in_(list(by_id)))
                 .group_by(models.Allocation.resource_provider_id,
                           models.Allocation.resource_class))
        for provider_id, rc, used in query:
            result[by_id[provider_id]][rc] = int(used)
        return result


def providers(context):
    """Every provider with its inventories ({rc: inventory}), by name."""
    with engines.api_reader(context) as session:
        rows = session.query(models.ResourceProvider).order_by(models.ResourceProvider.name)
        result = {row.id: dict(_provider_dict(row), inventories={}) for row in rows}
        for inventory in session.query(models.Inventory):
            if inventory.resource_provider_id in result:
                result[inventory.resource_provider_id]['inventories'][
                    inventory.resource_class] = _inventory_dict(inventory)
        return list(result.values())


def allocations_for(context, consumer_id):
    """{provider_uuid: {rc: used}} held by ``consumer_id``."""
    with engines.api_reader(context) as session:
        query = (session.query(models.ResourceProvider.uuid,
                               models.Allocation.resource_class, models.Allocation.used)
                 .join(models.ResourceProvider,
                       models.Allocation.resource_provider_id == models.ResourceProvider.id)
                 .filter(models.Allocation.consumer_id == consumer_id))
        result = {}
        for provider_uuid, rc, used in query:
            result.setdefault(provider_uuid, {})[rc] = used
        return result


def consumers(context):
    """{consumer_id: when its oldest allocation row was written}."""
    with engines.api_reader(context) as session:
        query = (session.query(models.Allocation.consumer_id,
                               func.min(models.Allocation.created_at))
                 .group_by(models.Allocation.consumer_id))
        return dict(query.all())


def audit(context):
    """Violations of the invariant, as sentences (empty when all is well)."""
    violations = []
    all_usages = usages(context)
    for provider in providers(context):
        for rc, used in sorted(all_usages.get(provider['uuid'], {}).items()):
            inventory = provider['inventories'].get(rc)
            if inventory is None:
                violations.append('%s (%s): %d %s allocated but no %s inventory'
                                  % (provider['name'], provider['uuid'], used, rc, rc))
            elif used > capacity(inventory):
                violations.append(
                    '%s (%s): %s used %d exceeds capacity %g ((total %d - reserved %d) * %g)'
                    % (provider['name'], provider['uuid'], rc, used, capacity(inventory),
                       inventory['total'], inventory['reserved'],
                       inventory['allocation_ratio']))
    return violations
