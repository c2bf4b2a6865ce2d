"""Evacuation records and claims a cell conductor handles for its
computes (which have no database credentials), and the API when it
deletes a compute service.

During an evacuation the instance holds its claim on both nodes, as in
Nova: the source node's (the failed host's) and the destination's, made by
the scheduler on top of it (selection.KEEP_OTHER_ALLOCATIONS). Every
outcome frees exactly one of them:

- the rebuild on the destination failed: the destination's part goes and
  the migration is ``failed``;
- the rebuild succeeded (the migration is ``done``) and the source compute
  came back: it destroyed its stale guest, the source's part goes and the
  migration is ``completed``. An instance that is on the source host again
  by then keeps its claim there.

An evacuation that ends in ``error`` (lost, or over before it happened:
nova_conductor/tasks/lost_evacuations.py) frees the destination's part;
deleting the source's compute service frees the source's part of the
``done`` ones (release_sources_of_done, as Nova does when it deletes the
service's resource provider), leaving them ``done`` for a host that comes
back after all.

A deleted instance has lost both parts with its whole claim already.
"""
from oslo_log import log as logging

from nova_common.db.api import compute_nodes
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common.db import engines
from nova_common import exception
from nova_conductor import ledger_access

LOG = logging.getLogger(__name__)

MIGRATION_TYPE = 'evacuation'
# Written by the API, begun by the destination: the evacuation is not over.
OPEN_STATUSES = ('accepted', 'pre-migrating')
# status asked for -> (the statuses it may follow, which side of the claim goes)
_ENDINGS = {'completed': (('done',), 'source'),
            'failed': (('accepted', 'pre-migrating'), 'dest')}


def _instance_host(context, uuid):
    try:
        return instances.get(context, uuid)['host']
    except exception.InstanceNotFound:
        return None


@engines.retry_on_db_error
def done_from_host(context, host):
    """The ``done`` evacuations away from ``host``, each with
    ``instance_host`` (None for a deleted instance)."""
    found = migrations.list(context, {'source_compute': host, 'status': 'done',
                                      'migration_type': MIGRATION_TYPE})
    return [dict(migration, instance_host=_instance_host(context, migration['instance_uuid']))
            for migration in found]


def _provider_of(context, host, node):
    for record in compute_nodes.list(context, host=host):
        if record['hypervisor_hostname'] == node:
            return record['uuid']
    return None


def release_node_claim(cell_context, instance_uuid, host, node):
    """Free the part of ``instance_uuid``'s claim on (host, node) of the
    targeted cell, keeping the rest; the number of allocation rows freed."""
    if not (host and node) or not ledger_access.available():
        return 0
    provider = _provider_of(cell_context, host, node)
    if provider is None:
        LOG.warning('No compute node %s on %s: nothing of %s to free there',
                    node, host, instance_uuid)
        return 0
    freed = engines.retry_on_db_error(ledger.release_provider)(cell_context, instance_uuid,
                                                                provider)
    LOG.info('Freed %d allocation(s) of %s on %s (%s)', freed, instance_uuid, node, host)
    return freed


def release_destination(cell_context, instance, migration, keep=None):
    """Free the part of ``instance``'s claim its evacuation ``migration``
    made on the destination, unless the instance is on that (host, node)
    or it is ``keep``. A destination never named (the super-conductor
    stopped between its claim and naming it) may be any node: then every
    part goes but those the instance needs, its node's, ``keep``'s and the
    source nodes of its ``done`` evacuations (freed when those come back)."""
    kept = {(instance['host'], instance['node']), keep or (None, None)}
    destination = (migration['dest_compute'], migration['dest_node'])
    if migration['dest_node']:
        if destination in kept:
            return 0
        return release_node_claim(cell_context, instance['uuid'], *destination)
    if not ledger_access.available():
        return 0
    needed = {_provider_of(cell_context, host, node) for host, node in kept if node}
    for done in migrations.list(cell_context, {'instance_uuid': instance['uuid'],
                                               'status': 'done',
                                               'migration_type': MIGRATION_TYPE}):
        needed.add(_provider_of(cell_context, done['source_compute'], done['source_node']))
    freed = 0
    for provider in set(ledger.allocations_for(cell_context, instance['uuid'])) - needed:
        freed += engines.retry_on_db_error(ledger.release_provider)(
            cell_context, instance['uuid'], provider)
    LOG.info('Freed %d allocation(s) of %s outside the nodes it needs', freed,
             instance['uuid'])
    return freed


def release_sources_of_done(context, cell_context, host):
    """Free the source part of the claims of the servers evacuated from
    ``host`` (its ``done`` evacuations) whose compute service is being
    deleted, as Nova does (bug 1829479): the host will not come back to
    do it. The records stay ``done``, so that a host that does come back
    still destroys its stale guests. The number of allocation rows freed."""
    providers = {node['hypervisor_hostname']: node['uuid']
                 for node in compute_nodes.list(cell_context, host=host)}
    freed = 0
    for migration in migrations.list(cell_context, {'source_compute': host, 'status': 'done',
                                                    'migration_type': MIGRATION_TYPE}):
        provider = providers.get(migration['source_node'])
        if provider is None or _instance_host(cell_context,
                                              migration['instance_uuid']) == host:
            continue
        freed += engines.retry_on_db_error(ledger.release_provider)(
            context, migration['instance_uuid'], provider)
    LOG.info('Freed %d allocation(s) of servers evacuated from %s', freed, host)
    return freed


def finish(context, migration_uuid, status):
    """End the evacuation ``migration_uuid`` with ``status`` ('completed'
    or 'failed', see the module doc), freeing that side of the claim
    first, so that nothing stays claimed when the record says it is over.
    The migration, or None when it had ended already."""
    if status not in _ENDINGS:
        raise exception.InvalidInput(reason='An evacuation cannot end %s' % status)
    follows, side = _ENDINGS[status]
    try:
        migration = migrations.get_by_uuid(context, migration_uuid)
    except exception.MigrationNotFound:
        return None
    if migration['status'] not in follows:
        LOG.info('Evacuation %s is %s already; not making it %s', migration_uuid,
                 migration['status'], status)
        return None
    uuid = migration['instance_uuid']
    host = migration['%s_compute' % side]
    if side == 'source' and _instance_host(context, uuid) == host:
        LOG.info('Instance %s is on %s again: its claim there stays', uuid, host)
    else:
        release_node_claim(context, uuid, host, migration['%s_node' % side])
    try:
        return engines.retry_on_db_error(migrations.update)(
            context, migration_uuid, {'status': status}, expected_status=list(follows))
    except exception.MigrationNotFound:
        return None
