"""os-resetState: administrators set vm_state active or error and clear
the task; nobody else may."""
from nova_common import compute_states as states
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from tests.functional import server_records as records


def _action(server, state):
    return '/v2.1/servers/%s/action' % server['uuid'], {'os-resetState': {'state': state}}


def test_admin_resets_a_stuck_server(cloud):
    server = records.add_server(cloud, vm_state=states.ACTIVE, task_state='rebooting')
    cloud.post(*_action(server, 'error'), token='admin:admin', status=202)
    with records.in_cell(cloud) as cell_context:
        row = instances.get(cell_context, server['uuid'])
        actions = instance_actions.list(cell_context, server['uuid'])
    assert (row['vm_state'], row['task_state']) == (states.ERROR, None)
    assert [action['action'] for action in actions] == ['resetState']
    cloud.post(*_action(server, 'active'), token='admin:admin', status=202)
    body = cloud.get('/v2.1/servers/%s' % server['uuid'], token='admin:admin').json
    assert body['server']['status'] == 'ACTIVE'


def test_refusals(cloud):
    server = records.add_server(cloud)
    cloud.post(*_action(server, 'active'), token='demo:demo', status=403)
    cloud.post(*_action(server, 'stopped'), token='admin:admin', status=400)
    cloud.post('/v2.1/servers/%s/action' % server['uuid'], {'os-resetState': {}},
               token='admin:admin', status=400)
    pending = records.add_build_request(cloud)
    cloud.post(*_action(pending, 'error'), token='admin:admin', status=409)
