"""os-volume_attachments in a cloud without block storage: an empty list,
404 for any volume, after the body, server and policy checks."""
from tests.functional import server_records as records

VOLUME = 'a26887c6-c47b-4654-abb5-dfadf7d3f803'
ADMIN = 'admin:admin'
DEMO = 'demo:demo'


def _url(server, *parts):
    return '/'.join(['/v2.1/servers/%s/os-volume_attachments' % server['uuid']] + list(parts))


def test_list_is_empty(cloud):
    server = records.add_server(cloud)
    body = cloud.get(_url(server), token=DEMO, status=200).json
    assert body == {'volumeAttachments': []}
    cloud.get(_url(server) + '?limit=-1', token=DEMO, status=400)
    cloud.get(_url(server) + '?bogus=1', token=DEMO, version='2.75', status=400)


def test_any_volume_is_not_found(cloud):
    server = records.add_server(cloud)
    fault = cloud.get(_url(server, VOLUME), token=DEMO, status=404).json
    assert fault['itemNotFound']['message'] == (
        'No volume Block Device Mapping with id %s.' % VOLUME)
    fault = cloud.post(_url(server), {'volumeAttachment': {'volumeId': VOLUME}},
                       token=DEMO, status=404).json
    assert fault['itemNotFound']['message'] == 'Volume %s could not be found.' % VOLUME
    cloud.put(_url(server, VOLUME), {'volumeAttachment': {'volumeId': VOLUME}},
              token=DEMO, status=404)
    cloud.delete(_url(server, VOLUME), token=DEMO, status=404)


def test_bad_body_and_other_projects(cloud):
    server = records.add_server(cloud)
    cloud.post(_url(server), {'volumeAttachment': {'volumeId': 'not-a-uuid'}},
               token=DEMO, status=400)
    cloud.post(_url(server), {'volumeAttachment': {'volumeId': VOLUME, 'tag': 'x'}},
               token=DEMO, version='2.48', status=400)
    cloud.post(_url(server), {'volume': {}}, token=DEMO, status=400)
    cloud.get(_url(server), token='other:other', status=404)
    missing = {'uuid': '6b4e9ef0-0000-4000-8000-000000000000'}
    cloud.get(_url(missing), token=ADMIN, status=404)
