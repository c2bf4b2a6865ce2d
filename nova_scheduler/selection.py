"""select_destinations: filter, weigh, claim; and pick alternates.

For each instance of a request: the enabled filters remove the hosts that
cannot take it, the weighers rank the rest, and a claim is made in the
ledger on the best host (a random one of the best ``host_subset_size``).
A claim that loses to a concurrent request moves on to the next host.
A server group's policy is read fresh for each request and each placed
instance counts for the next ones (server_group_placement); the ledger
checks it again inside every claim.
The alternates are the next-best hosts of the same cell, unclaimed, for the
conductor to retry on (at most ``[scheduler] max_attempts - 1``).

When an instance cannot be placed, the claims made for the earlier
instances of the request are released before NoValidHost is raised: a
request either gets every instance placed or leaves nothing behind.

A spec with ``keep_other_allocations`` (an evacuation) claims the chosen
host in addition to what the instance already holds elsewhere, as Nova's
claim for an evacuation does; undoing such a claim frees only that host.
"""
import copy
import random

from oslo_log import log as logging

from nova_common import compute_states
from nova_common.conf import CONF
from nova_common.db.api import ledger
from nova_common import exception
from nova_scheduler import filters
from nova_scheduler import no_valid_host
from nova_scheduler import rebuild_check
from nova_scheduler import server_group_placement
from nova_scheduler import utils

LOG = logging.getLogger(__name__)

# Request spec key: claim on top of the instance's other allocations.
KEEP_OTHER_ALLOCATIONS = 'keep_other_allocations'


def _selection(host, resources, claimed):
    return {'host': host.host, 'nodename': host.nodename,
            'compute_node_uuid': host.uuid, 'cell_uuid': host.cell_uuid,
            'resources': dict(resources), 'claimed': claimed,
            'availability_zone': host.availability_zone}


def _placed_instance(uuid, host, spec):
    """An instance placed by this request, as HostState.instances holds it."""
    return {'uuid': uuid, 'host': host.host, 'node': host.nodename,
            'vm_state': compute_states.BUILDING, 'task_state': compute_states.SCHEDULING,
            'project_id': spec.get('project_id'), 'metadata': spec.get('instance_metadata') or {}}


def _listed(values):
    return {str(value).lower() for value in values or ()}


def _keep(hosts, removals, label, keep, reason=None):
    kept = [host for host in hosts if keep(host)]
    if len(kept) < len(hosts):
        removals.append(filters.Removal(label, len(hosts) - len(kept), reason))
    return kept


def restrict(hosts, spec):
    """Apply ignore_hosts, requested_destination, force_hosts and
    force_nodes: (hosts left, [Removal], whether hosts were forced). Forced
    hosts skip the filters, as in Nova; their claim still has to fit. A
    requested destination (unshelve to a host, 2.91) only narrows the
    hosts: the filters still judge it, as Nova's requested_destination."""
    removals = []
    ignored = _listed(spec.get('ignore_hosts'))
    if ignored:
        hosts = _keep(hosts, removals, 'ignore_hosts', lambda h: h.host.lower() not in ignored)
    destination = spec.get('requested_destination') or {}
    if destination.get('host'):
        at_destination = {id(host) for host in rebuild_check.at_destination(hosts, destination)}
        hosts = _keep(hosts, removals, 'requested_destination',
                      lambda h: id(h) in at_destination, 'only %s requested' % destination['host'])
    forced_hosts = _listed(spec.get('force_hosts'))
    if forced_hosts:
        hosts = _keep(hosts, removals, 'force_hosts', lambda h: h.host.lower() in forced_hosts,
                      'only %s requested' % ', '.join(sorted(forced_hosts)))
    forced_nodes = _listed(spec.get('force_nodes'))
    if forced_nodes:
        hosts = _keep(hosts, removals, 'force_nodes',
                      lambda h: h.nodename.lower() in forced_nodes,
                      'only %s requested' % ', '.join(sorted(forced_nodes)))
    return hosts, removals, bool(forced_hosts or forced_nodes)


def _misfit(host, resources):
    for rc, amount in sorted(resources.items()):
        reason = host.misfit(rc, amount)
        if reason:
            return '%s %s' % (rc, reason)
    return None


def _fitting(hosts, resources):
    """Forced hosts skip the filters, but not the ledger: (those that can
    hold ``resources``, [Removal] of those that cannot)."""
    misfits = {id(host): _misfit(host, resources) for host in hosts}
    passed = [host for host in hosts if misfits[id(host)] is None]
    reasons = sorted({reason for reason in misfits.values() if reason})
    removals = ([filters.Removal('capacity', len(hosts) - len(passed), '; '.join(reasons))]
                if reasons else [])
    return passed, removals


def _best_first(ranked):
    """``ranked`` with a random one of its best ``host_subset_size`` first."""
    subset = min(CONF.filter_scheduler.host_subset_size, len(ranked))
    if subset <= 1:
        return ranked
    pick = random.randrange(subset)
    return [ranked[pick]] + ranked[:pick] + ranked[pick + 1:]


class Selector:
    def __init__(self, host_manager, filter_chain, weigher_chain):
        self.host_manager = host_manager
        self.filter_chain = filter_chain
        self.weigher_chain = weigher_chain

    def select_destinations(self, context, spec, instance_uuids, return_alternates=True):
        """Per instance, [claimed Selection, unclaimed alternates...].

        The hosts come from the host manager's cache; when they leave no
        valid host, the choice is made again from a fresh reading, so that a
        host that just came up, grew or was enabled is never missed. A
        rebuild's check of its own host claims nothing (rebuild_check)."""
        if rebuild_check.is_rebuild(spec):
            try:
                return rebuild_check.check(self.host_manager.host_states(context),
                                           self.filter_chain, spec, _selection)
            except exception.NoValidHost:
                return rebuild_check.check(self.host_manager.host_states(context, max_age=0),
                                           self.filter_chain, spec, _selection)
        try:
            return self._select_from(context, spec, instance_uuids, return_alternates,
                                     self.host_manager.host_states(context))
        except exception.NoValidHost:
            hosts = self.host_manager.host_states(context, max_age=0)
        return self._select_from(context, spec, instance_uuids, return_alternates, hosts)

    def _select_from(self, context, spec, instance_uuids, return_alternates, hosts):
        claimed = []
        try:
            return self._select(context, spec, instance_uuids, return_alternates, hosts,
                                claimed)
        except Exception:
            for uuid, provider_uuid in claimed:
                if spec.get(KEEP_OTHER_ALLOCATIONS):
                    ledger.release_provider(context, uuid, provider_uuid)
                else:
                    ledger.release(context, uuid)
            raise

    def _select(self, context, spec, instance_uuids, return_alternates, hosts, claimed):
        resources = utils.requested_resources(spec)
        spec = server_group_placement.with_member_hosts(context, spec)
        group_uuid = server_group_placement.group_uuid(spec)
        candidates, restrictions, forced = restrict(hosts, spec)
        # Hosts whose claim failed hold more than we know; not retried.
        lost = filters.Removal('claims', 0, 'taken by concurrent requests')
        results = []
        for index, uuid in enumerate(instance_uuids):
            if forced:
                passed, removals = _fitting(candidates, resources)
            else:
                passed, removals = self.filter_chain.run(candidates, spec)
            ranked = _best_first(self.weigher_chain.weigh(passed, spec))
            chosen = None
            for host in ranked:
                if ledger.claim(context, uuid, host.uuid, resources, group_uuid=group_uuid,
                                keep_other_providers=bool(spec.get(KEEP_OTHER_ALLOCATIONS))):
                    chosen = host
                    break
                LOG.info('Claim for %s on %s failed; trying the next host', uuid, host.nodename)
                candidates = [other for other in candidates if other is not host]
                lost = lost._replace(count=lost.count + 1)
            if chosen is None:
                steps = restrictions + removals + ([lost] if lost.count else [])
                raise no_valid_host.error(len(hosts), steps, index, len(instance_uuids))
            claimed.append((uuid, chosen.uuid))
            # Host states are shared with other requests: this one counts
            # its claim on a copy, which stands in for the host from now on.
            placed = copy.copy(chosen)
            placed.consume(resources, _placed_instance(uuid, chosen, spec))
            candidates = [placed if host is chosen else host for host in candidates]
            server_group_placement.record_placement(spec, chosen.host)
            LOG.info('Instance %s goes to %s (%s), cell %s', uuid, chosen.nodename,
                     chosen.host, chosen.cell_uuid)
            alternates = []
            if return_alternates:
                still_candidates = {id(host) for host in candidates}
                alternates = [host for host in ranked
                              if host is not chosen and host.cell_uuid == chosen.cell_uuid
                              and id(host) in still_candidates][:CONF.scheduler.max_attempts - 1]
            results.append([_selection(chosen, resources, True)]
                           + [_selection(host, resources, False) for host in alternates])
        return results
