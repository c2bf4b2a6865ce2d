"""What a compute restarted in the middle of shelving work does with the
instances it finds (startup.repair), with a stand-in conductor and driver."""
from nova_common import compute_states as states
from nova_compute import shelve
from nova_compute import startup


class Conductor:
    def __init__(self, instances):
        self.instances = instances
        self.updates = []
        self.released = []
        self.faults = []

    def instances_on_host(self, context, host):
        return self.instances

    def evacuations_from_host(self, context, host):
        return []

    def instance_update(self, context, uuid, values, expected=None, record_event=None):
        self.updates.append((uuid, values, expected))

    def release_allocations(self, context, uuid):
        self.released.append(uuid)

    def instance_fault_create(self, context, uuid, code, message, host=None):
        self.faults.append((uuid, message))


class Driver:
    def __init__(self, uuids):
        self.uuids = set(uuids)
        self.destroyed = []

    def list_instance_uuids(self):
        return list(self.uuids)

    def destroy(self, context, instance):
        self.destroyed.append(instance['uuid'])
        self.uuids.discard(instance['uuid'])


def instance(uuid, vm_state, task_state):
    return {'uuid': uuid, 'vm_state': vm_state, 'task_state': task_state, 'host': 'h'}


def test_interrupted_shelve_tasks_are_cleared_and_an_unshelve_spawn_undone():
    conductor = Conductor([
        instance('shelving', states.ACTIVE, states.SHELVING_IMAGE_UPLOADING),
        instance('offloading', states.SHELVED, states.SHELVING_OFFLOADING),
        instance('spawning', states.SHELVED_OFFLOADED, states.SPAWNING),
        instance('snapshot', states.ACTIVE, states.IMAGE_UPLOADING),
    ])
    driver = Driver(['shelving', 'offloading', 'spawning', 'snapshot'])
    startup.repair(None, 'h', driver, conductor)
    by_uuid = {uuid: (values, expected) for uuid, values, expected in conductor.updates}
    for uuid in ('shelving', 'offloading', 'snapshot'):
        assert by_uuid[uuid][0] == {'task_state': None}
    values, expected = by_uuid['spawning']
    assert values == {'task_state': None, 'power_state': states.NOSTATE, 'host': None,
                      'node': None}
    assert expected == {'vm_state': states.SHELVED_OFFLOADED, 'task_state': states.SPAWNING}
    assert driver.destroyed == ['spawning'] and conductor.released == ['spawning']
    assert conductor.faults == [('spawning', shelve.INTERRUPTED_UNSHELVE % 'h')]
