"""What a compute that comes back does with the servers evacuated from its
host while it was down (startup.clean_up_evacuations), with a stand-in
conductor and driver: stale guests go, a server on the host again stays,
and every record is completed."""
from nova_compute import startup
from tests.unit.test_compute_shelve_repair import Driver


class Conductor:
    def __init__(self, evacuations):
        self.evacuations = evacuations
        self.finished = []

    def evacuations_from_host(self, context, host):
        return self.evacuations

    def finish_evacuation(self, context, migration_uuid, status):
        self.finished.append((migration_uuid, status))


def _evacuation(uuid, instance_host):
    return {'uuid': 'migration-' + uuid, 'instance_uuid': uuid, 'dest_compute': 'h2',
            'instance_host': instance_host}


def test_stale_guests_go_and_a_server_back_on_the_host_stays():
    conductor = Conductor([_evacuation('moved', 'h2'), _evacuation('deleted', None),
                           _evacuation('back', 'h1'), _evacuation('no-guest', 'h2')])
    driver = Driver(['moved', 'deleted', 'back', 'unrelated'])
    destroyed = startup.clean_up_evacuations(None, 'h1', driver, conductor)
    assert destroyed == {'moved', 'deleted'}
    assert sorted(driver.uuids) == ['back', 'unrelated']
    assert sorted(conductor.finished) == [('migration-%s' % uuid, 'completed') for uuid in
                                          ('back', 'deleted', 'moved', 'no-guest')]
