"""GET /servers/{id}/diagnostics through the real API, conductor,
scheduler and compute over the in-memory transport with the fake driver:
both formats, the policy, and every fault (not running, no host, missing
server, a compute that does not answer)."""
from nova_common.conf import CONF
from nova_compute import rpcapi as compute_rpcapi
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import act
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import server  # noqa: F401 - fixture
from tests.functional.test_power_actions import wait_settled

STANDARD_KEYS = {'state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime', 'config_drive',
                 'num_cpus', 'num_disks', 'num_nics', 'cpu_details', 'memory_details',
                 'disk_details', 'nic_details'}


def diagnostics(cloud, uuid, version='2.48', token=ADMIN, status=200):
    return cloud.get('/v2.1/servers/%s/diagnostics' % uuid, token=token, version=version,
                     status=status).json


def test_standard_format_from_2_48(running, server):
    body = diagnostics(running, server)
    assert set(body) == STANDARD_KEYS
    assert (body['state'], body['driver'], body['hypervisor']) == ('running', 'fake', 'fake')
    assert body['config_drive'] is False and body['uptime'] >= 0
    # The 'small' flavor of add_flavor_and_image: 1 vCPU, 512 MB.
    assert body['num_cpus'] == len(body['cpu_details']) == 1
    assert set(body['cpu_details'][0]) == {'id', 'time', 'utilisation'}
    assert body['memory_details'] == {'maximum': 512, 'used': 256}
    assert body['num_disks'] == 1
    assert set(body['disk_details'][0]) == {'read_bytes', 'read_requests', 'write_bytes',
                                            'write_requests', 'errors_count'}
    assert body['disk_details'][0]['read_bytes'] > 0
    assert (body['num_nics'], body['nic_details']) == (0, [])


def test_driver_format_before_2_48(running, server):
    body = diagnostics(running, server, version='2.47')
    assert set(body) >= {'cpu0_time', 'memory', 'vda_read', 'vda_read_req', 'vda_write',
                         'vda_write_req', 'vda_errors'}
    assert body['memory'] == 512 * 1024
    assert 'state' not in body


def test_admin_only_by_default(running, server):
    fault = diagnostics(running, server, token=DEMO, status=403)
    assert 'os_compute_api:os-server-diagnostics' in fault['forbidden']['message']


def test_missing_server_is_404(running):
    diagnostics(running, '9e7c2d3c-2d6f-4a7b-9c2e-1a2b3c4d5e6f', status=404)


def test_stopped_server_is_409(running, server):
    act(running, server, {'os-stop': None})
    wait_settled(running, server, 'SHUTOFF')
    message = diagnostics(running, server, status=409)['conflictingRequest']['message']
    assert message == ("Cannot 'get_diagnostics' instance %s while it is in power state "
                       "shutdown" % server)


def test_server_without_host_is_409(running):
    running.post('/v2.1/flavors', {'flavor': {'name': 'huge', 'ram': 8192, 'vcpus': 1,
                                              'disk': 1, 'id': 'huge'}}, status=200)
    body = {'name': 'nohost', 'imageRef': running.image_id, 'flavorRef': 'huge',
            'networks': 'none'}
    uuid = running.post('/v2.1/servers', {'server': body}, token=DEMO, version='2.48',
                        status=202).json['server']['id']
    wait_settled(running, uuid, 'ERROR')
    message = diagnostics(running, uuid, status=409)['conflictingRequest']['message']
    assert message == 'Instance %s is not ready' % uuid


def test_compute_that_does_not_answer(running, server, monkeypatch):
    """The call's timeout ends in Nova's ComputeServiceUnavailable fault."""
    monkeypatch.setattr(compute_rpcapi, 'SHORT_CALL_TIMEOUT', 1)
    running.compute.stop()
    fault = diagnostics(running, server, status=400)
    assert fault['badRequest']['message'] == (
        'Compute service of %s is unavailable at this time.' % CONF.host)


def test_driver_failure_is_reported_not_hidden(running, server):
    CONF.set_override('fail_operations', ['get_diagnostics'], group='fake_driver')
    fault = diagnostics(running, server, status=500)
    assert 'computeFault' in fault
    CONF.clear_override('fail_operations', group='fake_driver')
    assert diagnostics(running, server)['state'] == 'running'

