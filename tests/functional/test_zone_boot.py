"""Booting into availability zones through the whole in-process boot path:
the requested zone, [DEFAULT] default_schedule_zone, the admin-only
'zone:host:node' form, and the zone a server shows."""
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import aggregates as aggregates_db
from tests.functional.test_boot_path import boot
from tests.functional.test_boot_path import leftovers
from tests.functional.test_boot_path import running  # noqa: F401 - the fixture
from tests.functional.test_boot_path import VERSION
from tests.functional.test_boot_path import wait_status


def _zone_host(zone):
    aggregate = aggregates_db.create(nova_context.get_admin_context(), 'agg-' + zone, zone)
    aggregates_db.add_host(nova_context.get_admin_context(), aggregate['id'], 'test-host')
    return aggregate


def _message(resp):
    return next(iter(resp.json.values()))['message']


def test_boot_into_a_zone(running):
    _zone_host('az2')
    uuid = boot(running, availability_zone='az2').json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert server['OS-EXT-AZ:availability_zone'] == 'az2'
    listed = running.get('/v2.1/servers/detail?availability_zone=az2', token='demo:demo',
                         version=VERSION, status=200).json['servers']
    assert [s['id'] for s in listed] == [uuid]

    # The default zone has no compute left: asking for it is refused.
    before = leftovers(running)
    resp = boot(running, availability_zone='nova', status=400)
    assert _message(resp) == 'The requested availability zone is not available'
    resp = boot(running, availability_zone='az2:test-host:x:y', token='admin:admin',
                status=400)
    assert _message(resp) == 'Invalid input received: Unable to parse availability_zone'
    assert leftovers(running) == before


def test_default_schedule_zone(running):
    _zone_host('az2')
    CONF.set_override('default_schedule_zone', 'az2')
    uuid = boot(running).json['server']['id']
    server = running.get('/v2.1/servers/%s' % uuid, version='2.96').json['server']
    assert server['pinned_availability_zone'] == 'az2'
    assert wait_status(running, uuid, 'ACTIVE')['OS-EXT-AZ:availability_zone'] == 'az2'
    CONF.set_override('default_schedule_zone', 'az9')
    boot(running, status=400)


def test_forced_host_and_node_are_for_admins(running):
    resp = boot(running, availability_zone='nova:test-host', status=403)
    assert _message(resp) == (
        "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.")
    uuid = boot(running, availability_zone='nova::test-host-node2',
                token='admin:admin').json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] == 'test-host-node2'
    # A forced host skips the zone check, and the server shows its host's zone.
    _zone_host('az2')
    uuid = boot(running, availability_zone='elsewhere:test-host:test-host-node3',
                token='admin:admin').json['server']['id']
    server = wait_status(running, uuid, 'ACTIVE')
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] == 'test-host-node3'
    assert server['OS-EXT-AZ:availability_zone'] == 'az2'
