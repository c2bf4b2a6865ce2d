"""os-server-password: read and clear the password a guest posted."""
from nova_common.db.api import instances
from tests.functional import server_records as records

DEMO = 'demo:demo'


def _url(server):
    return '/v2.1/servers/%s/os-server-password' % server['uuid']


def test_show_and_clear(cloud):
    server = records.add_server(cloud)
    assert cloud.get(_url(server), token=DEMO, status=200).json == {'password': ''}
    with records.in_cell(cloud) as cell_context:
        instances.set_system_metadata_items(cell_context, server['uuid'],
                                            {'password_0': 'a' * 255, 'password_1': 'b'})
    assert cloud.get(_url(server), token=DEMO, status=200).json == {
        'password': 'a' * 255 + 'b'}
    cloud.delete(_url(server), token=DEMO, status=204)
    assert cloud.get(_url(server), token=DEMO, status=200).json == {'password': ''}


def test_other_project_and_unscheduled(cloud):
    server = records.add_server(cloud)
    cloud.get(_url(server), token='other:other', status=404)
    cloud.delete(_url(server), token='other:other', status=404)
    pending = records.add_build_request(cloud)
    cloud.delete(_url(pending), token=DEMO, status=409)
