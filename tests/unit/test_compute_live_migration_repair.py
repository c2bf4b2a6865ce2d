"""A compute that restarts during a live migration away from it
(live_migration.abandon), with a stand-in conductor and driver: with the
guest still here the server stays here, its claims as before the move and
the migration in error; with the guest gone only the task ends."""
from nova_common import compute_states as states
from nova_compute import live_migration

MIGRATION = {'id': 7, 'uuid': 'mig', 'source_compute': 'h1', 'dest_compute': 'h2',
             'migration_type': 'live-migration', 'status': 'running'}


class Conductor:
    def __init__(self):
        self.calls = []

    def migrations_in_progress(self, context, instance_uuid):
        return [dict(MIGRATION, instance_uuid=instance_uuid)]

    def move_allocations(self, context, source, target):
        self.calls.append(('move', source, target))

    def migration_update(self, context, migration_id, values, expected_status=None):
        self.calls.append(('migration', migration_id, values['status']))
        return dict(MIGRATION, **values)

    def instance_fault_create(self, context, uuid, code, message, details=None, host=None):
        self.calls.append(('fault', uuid))

    def instance_update(self, context, uuid, values, expected=None, record_event=None):
        self.calls.append(('instance', uuid, values.get('task_state', 'unchanged'),
                           expected))
        return {'uuid': uuid, 'host': 'h1', 'task_state': None}

    def move_step(self, context, migration_id, migration_values=None, instance_uuid=None,
                  values=None, expected=None, events=None, fault=None, claim=None,
                  needs_migration=False):
        """The writes of one step in the order the conductor makes them
        (nova_conductor/move_steps.py)."""
        if claim and 'move' in claim:
            self.move_allocations(context, *claim['move'])
        migration = (self.migration_update(context, migration_id, migration_values)
                     if migration_values else None)
        if fault:
            self.instance_fault_create(context, instance_uuid, **fault)
        instance = None
        if values is not None:
            instance = self.instance_update(context, instance_uuid, values, expected)
        return {'migration': migration, 'instance': instance}


class Driver:
    def __init__(self, uuids):
        self.uuids = uuids

    def list_instance_uuids(self):
        return list(self.uuids)

    def get_power_state(self, instance):
        return states.RUNNING


def test_guest_still_here_stays_with_its_claims_back():
    conductor = Conductor()
    live_migration.abandon(None, 'h1', Driver(['u']), conductor,
                           {'uuid': 'u', 'task_state': states.MIGRATING})
    assert conductor.calls[:3] == [('move', 'mig', 'u'), ('migration', 7, 'error'),
                                   ('fault', 'u')]
    assert conductor.calls[3][:3] == ('instance', 'u', None)


def test_guest_gone_only_ends_the_task():
    conductor = Conductor()
    live_migration.abandon(None, 'h1', Driver([]), conductor,
                           {'uuid': 'u', 'task_state': states.MIGRATING})
    assert conductor.calls == [('migration', 7, 'error'),
                               ('instance', 'u', None, {'task_state': states.MIGRATING})]
