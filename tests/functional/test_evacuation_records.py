"""The cell conductor's side of an evacuation's end (nova_conductor/
evacuations.py) on real databases: which part of the instance's claim each
ending frees, and an ending that comes too late or twice."""
import pytest

from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common import exception
from nova_conductor import evacuations
from tests.functional import compute_records as records

MEMORY = {'MEMORY_MB': 512}


@pytest.fixture
def evacuated(cloud):
    """An instance on ``dest`` evacuated from ``source`` (migration
    pre-migrating), claimed on both nodes; returns (context, uuid, migration)."""
    nodes = {}
    for host in ('source', 'dest'):
        node = records.add_node(cloud, cloud.cell1, records.add_service(cloud, cloud.cell1, host))
        ledger.ensure_provider(cloud.admin_context, node['uuid'], host, cloud.cell1['uuid'],
                               host)
        ledger.set_inventory(cloud.admin_context, node['uuid'], {'MEMORY_MB': {'total': 4096}})
        nodes[host] = node['uuid']
    _, uuid = records.add_instance(cloud, cloud.cell1, 'dest')
    ledger.claim(cloud.admin_context, uuid, nodes['source'], MEMORY)
    ledger.claim(cloud.admin_context, uuid, nodes['dest'], MEMORY, keep_other_providers=True)
    with records.in_cell(cloud, cloud.cell1) as context:
        migration = migrations.create(context, {
            'instance_uuid': uuid, 'migration_type': 'evacuation', 'status': 'pre-migrating',
            'source_compute': 'source', 'source_node': 'source', 'dest_compute': 'dest',
            'dest_node': 'dest'})
        yield context, uuid, migration, nodes


def test_a_failed_rebuild_frees_the_destination_once(evacuated):
    context, uuid, migration, nodes = evacuated
    assert evacuations.finish(context, migration['uuid'], 'failed')['status'] == 'failed'
    assert ledger.allocations_for(context, uuid) == {nodes['source']: MEMORY}
    assert evacuations.finish(context, migration['uuid'], 'failed') is None
    assert evacuations.finish(context, migration['uuid'], 'completed') is None
    assert ledger.allocations_for(context, uuid) == {nodes['source']: MEMORY}


def test_the_source_coming_back_frees_the_source_after_done(evacuated):
    context, uuid, migration, nodes = evacuated
    assert evacuations.finish(context, migration['uuid'], 'completed') is None, \
        'not before the rebuild is done'
    migrations.update(context, migration['uuid'], {'status': 'done'})
    [found] = evacuations.done_from_host(context, 'source')
    assert (found['uuid'], found['instance_host']) == (migration['uuid'], 'dest')
    assert evacuations.finish(context, migration['uuid'], 'completed')['status'] == \
        'completed'
    assert ledger.allocations_for(context, uuid) == {nodes['dest']: MEMORY}
    assert evacuations.done_from_host(context, 'source') == []


def test_a_server_on_the_source_again_keeps_its_claim_there(evacuated):
    context, uuid, migration, nodes = evacuated
    migrations.update(context, migration['uuid'], {'status': 'done'})
    instances.update(context, uuid, {'host': 'source', 'node': 'source'})
    evacuations.finish(context, migration['uuid'], 'completed')
    assert ledger.allocations_for(context, uuid) == {nodes['source']: MEMORY,
                                                     nodes['dest']: MEMORY}


def test_an_unknown_ending_is_refused(evacuated):
    context, _uuid, migration, _nodes = evacuated
    with pytest.raises(exception.InvalidInput):
        evacuations.finish(context, migration['uuid'], 'confirmed')
