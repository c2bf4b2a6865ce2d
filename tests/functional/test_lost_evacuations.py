"""The cell conductor's check of open evacuations (nova_conductor/tasks/
lost_evacuations.py) on real databases, for the cases the API-level tests
(test_evacuation_loose_ends.py) cannot stage: a destination that stopped
between its update of the server and that of the record, a destination
never named, an older open evacuation under a newer one, and the limits."""
import datetime

from oslo_utils import timeutils
import pytest

from nova_common.conf import CONF
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_conductor.tasks import lost_evacuations
from tests.functional import compute_records as records

MEMORY = {'MEMORY_MB': 512}
LONG_AGO = 3600


def _ago(seconds):
    return timeutils.utcnow() - datetime.timedelta(seconds=seconds)


class Evacuating:
    """An instance of node ``source`` in task rebuilding, claimed there,
    in the cell ``context`` targets; nodes ``dest`` and ``third``."""

    def __init__(self, cloud, context):
        self.cloud, self.context = cloud, context
        self.nodes = {}
        for host in ('source', 'dest', 'third'):
            node = records.add_node(cloud, cloud.cell1,
                                    records.add_service(cloud, cloud.cell1, host))
            ledger.ensure_provider(cloud.admin_context, node['uuid'], host,
                                   cloud.cell1['uuid'], host)
            ledger.set_inventory(cloud.admin_context, node['uuid'],
                                 {'MEMORY_MB': {'total': 4096}})
            self.nodes[host] = node['uuid']
        _, self.uuid = records.add_instance(cloud, cloud.cell1, 'source')
        ledger.claim(cloud.admin_context, self.uuid, self.nodes['source'], MEMORY)
        self.set(task_state='rebuilding')

    def set(self, age=LONG_AGO, **values):
        instances.update(self.context, self.uuid, dict(values, updated_at=_ago(age)))

    def claim(self, host):
        assert ledger.claim(self.cloud.admin_context, self.uuid, self.nodes[host], MEMORY,
                            keep_other_providers=True)

    def migration(self, status, dest, age=LONG_AGO):
        when = _ago(age)
        return migrations.create(self.context, {
            'instance_uuid': self.uuid, 'migration_type': 'evacuation', 'status': status,
            'source_compute': 'source', 'source_node': 'source', 'dest_compute': dest,
            'dest_node': dest, 'created_at': when, 'updated_at': when})

    def claimed_on(self):
        hosts = {uuid: host for host, uuid in self.nodes.items()}
        return sorted(hosts[provider] for provider in
                      ledger.allocations_for(self.context, self.uuid))

    def status(self, migration):
        return migrations.get_by_uuid(self.context, migration['uuid'])['status']

    def instance(self):
        return instances.get(self.context, self.uuid, with_fault=True)


@pytest.fixture
def evacuating(cloud):
    CONF.set_override('evacuation_timeout', 600, group='conductor')
    CONF.set_override('lost_build_check_interval', 60, group='conductor')
    with records.in_cell(cloud, cloud.cell1) as context:
        yield Evacuating(cloud, context)


def test_a_lost_evacuation_keeps_only_the_source_claim(evacuating):
    evacuating.claim('dest')
    migration = evacuating.migration('accepted', 'dest')
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {
        migration['uuid']: 'error'}
    instance = evacuating.instance()
    assert (instance['vm_state'], instance['task_state'], instance['host']) == (
        'error', None, 'source')
    assert instance['fault']['message'].startswith('The evacuation to dest was lost')
    assert evacuating.status(migration) == 'error'
    assert evacuating.claimed_on() == ['source']
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {}


def test_a_destination_never_named_may_hold_any_node(evacuating):
    """The super-conductor claimed 'third' and stopped before naming it; an
    earlier evacuation from 'dest' still waits for that host: its part stays."""
    evacuating.claim('third')
    evacuating.claim('dest')
    migrations.create(evacuating.context, {
        'instance_uuid': evacuating.uuid, 'migration_type': 'evacuation', 'status': 'done',
        'source_compute': 'source', 'source_node': 'dest', 'dest_compute': 'source',
        'dest_node': 'source', 'created_at': _ago(7200), 'updated_at': _ago(7200)})
    migration = evacuating.migration('accepted', None)
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {
        migration['uuid']: 'error'}
    assert evacuating.claimed_on() == ['source']


def test_a_recent_evacuation_is_left_alone_and_zero_turns_the_check_off(evacuating):
    evacuating.claim('dest')
    evacuating.set(age=10, task_state='rebuild_spawning')
    migration = evacuating.migration('pre-migrating', 'dest', age=LONG_AGO)
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {}, \
        'the server was written 10 seconds ago: still being rebuilt'
    evacuating.set(age=LONG_AGO)
    CONF.set_override('evacuation_timeout', 0, group='conductor')
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {}
    assert evacuating.status(migration) == 'pre-migrating'
    assert evacuating.claimed_on() == ['dest', 'source']


def test_a_server_on_its_destination_gets_its_record_done(evacuating):
    evacuating.claim('dest')
    migration = evacuating.migration('pre-migrating', 'dest')
    evacuating.set(age=5, task_state=None, host='dest', node='dest')
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {}, \
        'within a check interval the destination may still write it'
    evacuating.set(age=LONG_AGO)
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {
        migration['uuid']: 'done'}
    assert evacuating.claimed_on() == ['dest', 'source'], \
        "the source's part waits for the source, as after any done evacuation"


def test_a_server_no_longer_evacuating_on_its_source_gets_its_record_ended(evacuating):
    evacuating.claim('dest')
    migration = evacuating.migration('pre-migrating', 'dest')
    evacuating.set(task_state=None, vm_state='error')
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {
        migration['uuid']: 'error'}
    assert evacuating.claimed_on() == ['source']
    assert evacuating.instance()['fault'] is None, 'the server was ended by another'


def test_an_older_open_evacuation_under_a_newer_one(evacuating):
    evacuating.claim('third')
    older = evacuating.migration('accepted', 'third', age=7200)
    evacuating.claim('dest')
    newer = evacuating.migration('accepted', 'dest', age=5)
    evacuating.set(age=5)
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {
        older['uuid']: 'error'}
    assert evacuating.status(newer) == 'accepted'
    assert evacuating.claimed_on() == ['dest', 'source']
    assert evacuating.instance()['task_state'] == 'rebuilding'


def test_a_deleting_or_deleted_server_is_left_to_its_delete(evacuating):
    evacuating.claim('dest')
    migration = evacuating.migration('accepted', 'dest')
    evacuating.set(task_state='deleting')
    assert lost_evacuations.end_lost_evacuations(evacuating.context) == {}
    assert evacuating.status(migration) == 'accepted'
