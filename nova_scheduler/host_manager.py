"""The scheduler's view of every compute node in every enabled cell.

Compute nodes and nova-compute services are cached per cell. A refresh
reads from each cell (in parallel) only the rows whose created_at,
updated_at or deleted_at moved since the previous refresh; every
``[scheduler] host_state_full_refresh_interval`` seconds, after a new cell
shows up (the cell list is cells_scatter's, at most 10 s old), or after a
cell failed to answer, that cell is read in full. A scheduling request
refreshes the cache first when it is older than ``[scheduler]
host_state_max_age``.

Each node seen is mirrored into the resource ledger: a provider (uuid =
the compute node's uuid) with its VCPU, MEMORY_MB and DISK_GB (and VGPU)
inventory; a scheduler that starts adopts what the ledger already holds
instead of writing every provider again.

Usage is cached too, and brought up to date for every request: the
providers whose generation moved since the previous request (every write
of usage or inventory bumps it and stamps the provider's updated_at) have
their usage read again; all of it is read with every full refresh. A view
older than a concurrent claim can only cost a lost claim (the claim
checks capacity again in its own transaction), never an oversubscription.

Only one refresh reads the cells at a time, and it holds no lock the
requests need while it waits for them: a request that finds the cache
stale while another refresh is reading goes on with the cache as it is
(a hung cell costs the one refreshing request its bounded wait, never the
others). A request that must have a fresh reading (max_age 0) or finds no
reading at all waits for its own.

HostStates are kept between requests and built again only for a node
whose record, service, instances, inventory or usage changed, so a
request over 10,000 hosts reads a few rows and builds a few objects.
They are shared: a request consumes on a copy (see selection).
"""
import datetime
import threading
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import cells_scatter
from nova_common.conf import CONF
from nova_common.db.api import ledger
from nova_common.db.api import services as services_db
from nova_common.db import engines
from nova_common.db.models import main as models
from nova_common import exception
from nova_scheduler import aggregates
from nova_scheduler import host_state
from nova_scheduler import instance_tracker

LOG = logging.getLogger(__name__)

# Seconds a cell has to answer before scheduling goes on without it (or
# [cells] cell_timeout when shorter).
CELL_TIMEOUT = 10

# Rows are stamped with the clock of whichever process wrote them; an
# incremental read looks this far behind the previous refresh so that a
# slightly late clock elsewhere does not hide a change.
CLOCK_SKEW_ALLOWANCE = datetime.timedelta(seconds=10)


def _as_dict(row):
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}


def _changed_since(model, since):
    """Rows (deleted ones included) written since ``since``, or every live
    row when ``since`` is None."""
    if since is None:
        return model.deleted == 0
    return ((model.created_at >= since) | (model.updated_at >= since)
            | (model.deleted_at >= since))


def read_cell(context, since):
    """(compute nodes, nova-compute services, instance changes) of the
    targeted cell that changed since ``since`` (all live ones when None);
    instance changes as instance_tracker.read gives them."""
    with engines.cell_reader(context) as session:
        nodes = [_as_dict(row) for row in session.query(models.ComputeNode)
                 .filter(_changed_since(models.ComputeNode, since))
                 .order_by(models.ComputeNode.id)]
        computes = [_as_dict(row) for row in session.query(models.Service)
                    .filter(models.Service.binary == services_db.COMPUTE_BINARY,
                            _changed_since(models.Service, since))
                    .order_by(models.Service.id)]
        instances = instance_tracker.read(session, since)
    return nodes, computes, instances


class _CellCache:
    """What is known of one cell: live nodes by id, nova-compute services
    by host, and when it was last read."""

    def __init__(self, cell):
        self.cell = cell
        self.nodes = {}
        self.services = {}
        self.instances = instance_tracker.NodeInstances()
        self.read_since = None
        self.last_full_read = None
        self.answered = False

    def needs_full_read(self, now):
        return (self.last_full_read is None or not self.answered
                or now - self.last_full_read >= CONF.scheduler.host_state_full_refresh_interval)

    def apply(self, nodes, computes, full):
        if full:
            self.nodes = {}
            self.services = {}
        for node in nodes:
            if node['deleted']:
                self.nodes.pop(node['id'], None)
            else:
                self.nodes[node['id']] = node
        for service in computes:
            known = self.services.get(service['host'])
            if not service['deleted']:
                self.services[service['host']] = service
            elif known is not None and known['id'] == service['id']:
                del self.services[service['host']]


class HostManager:
    def __init__(self):
        # _lock guards the caches below; _refresh_lock lets one refresh
        # read the cells at a time, without holding _lock while it waits.
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._cells = {}
        # compute node uuid -> (provider fields, inventory) as last written
        # to the ledger, so an unchanged node costs nothing.
        self._synced = {}
        self._refreshed_at = None
        # The ledger's usage {provider uuid: {rc: used}}, the generation it
        # was read at, and when it was last read.
        self._usage = {}
        self._generations = {}
        self._usage_read_since = None
        self._usage_full_read_due = True
        # compute node uuid -> HostState, and what it was built from.
        self._states = {}
        self._built_from = {}
        self._built_at = None
        # Aggregates and availability zones, checked for changes per request.
        self._aggregates = aggregates.AggregateCache()

    def refresh(self, context, full=False, wait=True):
        """Bring the cache up to date with every enabled cell (``full``:
        read every cell in full) and mirror new or changed nodes into the
        ledger. When another refresh is reading, wait for it and read
        again, or (``wait`` False) return False at once."""
        if not self._refresh_lock.acquire(blocking=wait):
            return False
        try:
            self._read_cells(context, full)
        finally:
            self._refresh_lock.release()
        return True

    def _read_cells(self, context, full):
        """One refresh: plan and apply under the cache lock, the cells read
        without it."""
        enabled = [cell for cell in cells_scatter.all_cells(context, with_cell0=False)
                   if not cell['disabled']]
        now = time.monotonic()
        with self._lock:
            caches = {cell['uuid']: self._cells.get(cell['uuid']) or _CellCache(cell)
                      for cell in enabled}
            plans = {}
            for cell in enabled:
                whole = full or caches[cell['uuid']].needs_full_read(now)
                plans[cell['uuid']] = (whole, None if whole else caches[cell['uuid']].read_since)
        started = timeutils.utcnow()
        results = cells_scatter.scatter_gather(
            context, enabled,
            lambda cell_context, cell: read_cell(cell_context, plans[cell['uuid']][1]),
            timeout=min(CELL_TIMEOUT, CONF.cells.cell_timeout))
        with self._lock:
            self._cells = caches
            if not self._synced:
                self._adopt_ledger(context)
            if any(whole for whole, _ in plans.values()):
                self._usage_full_read_due = True
            for cell in enabled:
                caches[cell['uuid']].cell = cell
                self._apply(context, cell, results[cell['uuid']], plans[cell['uuid']][0],
                            started, now)
            self._refreshed_at = now

    def _apply(self, context, cell, result, full, started, now):
        cache = self._cells[cell['uuid']]
        if cells_scatter.is_failure(result):
            if cache.answered:
                LOG.warning('Cell %s (%s) did not answer; its hosts are left out until it '
                            'does: %s', cell['uuid'], cell['name'], result)
            cache.answered = False
            return
        nodes, computes, instance_changes = result
        cache.apply(nodes, computes, full)
        cache.instances.apply(*instance_changes, full)
        cache.answered = True
        cache.read_since = started - CLOCK_SKEW_ALLOWANCE
        if full:
            cache.last_full_read = now
        for node in nodes:
            if not node['deleted']:
                self._sync_to_ledger(context, cell, node)

    def _adopt_ledger(self, context):
        """Take the providers the ledger holds as written: a node that
        matches its provider costs no write."""
        for provider in ledger.providers(context):
            self._synced[provider['uuid']] = (
                (provider['name'], provider['cell_uuid'], provider['host']),
                provider['inventories'])

    def _sync_to_ledger(self, context, cell, node):
        provider = (node['hypervisor_hostname'], cell['uuid'], node['host'])
        inventory = host_state.node_inventory(node)
        if self._synced.get(node['uuid']) == (provider, inventory):
            return
        try:
            ledger.ensure_provider(context, node['uuid'], *provider)
            ledger.set_inventory(context, node['uuid'], inventory)
        except exception.ResourceProviderConflict as error:
            LOG.error('Compute node %s of host %s is left out of scheduling: %s',
                      node['hypervisor_hostname'], node['host'], error.message)
            self._synced.pop(node['uuid'], None)
            return
        self._synced[node['uuid']] = (provider, inventory)

    def host_states(self, context, max_age=None):
        """HostStates of every node of every enabled cell that answered,
        with the ledger's current usage. Nodes and services come from the
        cache when it is younger than ``max_age`` seconds (default
        [scheduler] host_state_max_age), or when an older one is being
        refreshed by another request; 0 refreshes it first."""
        if max_age is None:
            max_age = CONF.scheduler.host_state_max_age
        refreshed_at = self._refreshed_at
        if refreshed_at is None or max_age <= 0:
            self.refresh(context)
        elif time.monotonic() - refreshed_at >= max_age:
            self.refresh(context, wait=False)
        with self._lock:
            moved = self._refresh_usage(context)
            if self._built_at != self._refreshed_at:
                self._build_all()
                self._built_at = self._refreshed_at
            else:
                self._build(moved)
            states = list(self._states.values())
        return self._aggregates.annotate(context, states)

    def _refresh_usage(self, context):
        """Read the usage of the providers whose generation moved (of
        every provider when a full read is due); returns their uuids."""
        started = timeutils.utcnow()
        full = self._usage_full_read_due or self._usage_read_since is None
        generations = ledger.generations(context, None if full else self._usage_read_since)
        moved = [uuid for uuid, generation in generations.items()
                 if self._generations.get(uuid) != generation]
        if full:
            self._usage = ledger.usages(context)
        elif moved:
            self._usage = dict(self._usage, **ledger.usages(context, moved))
        self._generations = (generations if full
                             else dict(self._generations, **generations))
        self._usage_read_since = started - CLOCK_SKEW_ALLOWANCE
        self._usage_full_read_due = False
        return moved

    def _inputs(self, cache, node):
        """What the HostState of ``node`` is made of."""
        return (node, cache.services.get(node['host']),
                cache.instances.of_node(node['host'], node['hypervisor_hostname']),
                self._synced[node['uuid']][1], self._usage.get(node['uuid'], _NO_USAGE))

    def _build_all(self):
        """HostStates of every node of every cell that answered, each built
        again only when what it is made of changed."""
        states, built_from = {}, {}
        for cache in self._cells.values():
            if not cache.answered:
                continue
            for node in cache.nodes.values():
                uuid = node['uuid']
                if uuid not in self._synced:
                    continue
                inputs = self._inputs(cache, node)
                previous = self._built_from.get(uuid)
                if previous is not None and _same(previous, inputs):
                    states[uuid] = self._states[uuid]
                else:
                    states[uuid] = _host_state(inputs, cache.cell['uuid'])
                built_from[uuid] = inputs
        self._states, self._built_from = states, built_from

    def _build(self, uuids):
        """Build again the HostStates of ``uuids`` (their usage moved)."""
        for uuid in uuids:
            previous = self._built_from.get(uuid)
            if previous is None:
                continue
            inputs = previous[:4] + (self._usage.get(uuid, _NO_USAGE),)
            self._states[uuid] = _host_state(inputs, self._states[uuid].cell_uuid)
            self._built_from[uuid] = inputs


_NO_USAGE = {}


def _same(old, new):
    """Whether two HostState inputs are the very same objects (the caches
    replace what changed, never change it in place); two empty dicts
    count as the same."""
    for before, now in zip(old, new):
        if before is not now and (before or now):
            return False
    return True


def _host_state(inputs, cell_uuid):
    node, service, instances, inventory, usage = inputs
    return host_state.HostState(node, service, cell_uuid, inventory, usage,
                                instances=instances)
