"""Server metadata (/metadata) and tags (/tags, 2.26+) through the real
API: CRUD, validation, limits, states, locks and project isolation."""
import pytest

from nova_common import compute_states as states
from nova_common.conf import CONF
from tests.functional import server_records as records

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'other:other'


@pytest.fixture
def server(cloud):
    return records.add_server(cloud, metadata={'role': 'web'}, tags=['blue'])


def _url(server, *parts):
    return '/'.join(['/v2.1/servers', server['uuid']] + [str(p) for p in parts])


# --- metadata ---------------------------------------------------------------------

def test_metadata_crud(cloud, server):
    assert cloud.get(_url(server, 'metadata'), token=DEMO, status=200).json == {
        'metadata': {'role': 'web'}}
    created = cloud.post(_url(server, 'metadata'), body={'metadata': {'tier': 'front'}},
                         token=DEMO, status=200).json
    assert created == {'metadata': {'role': 'web', 'tier': 'front'}}
    assert cloud.get(_url(server, 'metadata', 'tier'), token=DEMO, status=200).json == {
        'meta': {'tier': 'front'}}
    updated = cloud.put(_url(server, 'metadata', 'tier'), body={'meta': {'tier': 'back'}},
                        token=DEMO, status=200).json
    assert updated == {'meta': {'tier': 'back'}}
    replaced = cloud.put(_url(server, 'metadata'), body={'metadata': {'only': 'this'}},
                         token=DEMO, status=200).json
    assert replaced == {'metadata': {'only': 'this'}}
    cloud.delete(_url(server, 'metadata', 'only'), token=DEMO, status=204)
    assert cloud.get(_url(server), token=DEMO).json['server']['metadata'] == {}
    resp = cloud.get(_url(server, 'metadata', 'only'), token=DEMO, status=404)
    assert resp.json['itemNotFound']['message'] == 'Metadata item was not found'
    cloud.delete(_url(server, 'metadata', 'only'), token=DEMO, status=404)


@pytest.mark.parametrize('method, parts, body', [
    ('post', ['metadata'], {'metadata': {'': 'empty key'}}),
    ('post', ['metadata'], {'metadata': {'k': 'v' * 256}}),
    ('post', ['metadata'], {'metadata': {'k' * 256: 'v'}}),
    ('post', ['metadata'], {'metadata': {'k': 1}}),
    ('post', ['metadata'], {'metadata': {'bad/key': 'v'}}),
    ('post', ['metadata'], {'meta': {'k': 'v'}}),
    ('post', ['metadata'], None),
    ('put', ['metadata'], {'metadata': ['k']}),
    ('put', ['metadata', 'k'], {'meta': {'k': 'v', 'j': 'w'}}),
    ('put', ['metadata', 'k'], {'meta': {}}),
    ('put', ['metadata', 'k'], {'meta': {'other': 'v'}}),
])
def test_metadata_validation(cloud, server, method, parts, body):
    getattr(cloud, method)(_url(server, *parts), body=body, token=DEMO, status=400)
    assert cloud.get(_url(server, 'metadata'), token=DEMO).json == {'metadata': {'role': 'web'}}


def test_uri_and_body_mismatch_message(cloud, server):
    resp = cloud.put(_url(server, 'metadata', 'k'), body={'meta': {'other': 'v'}}, token=DEMO,
                     status=400)
    assert resp.json['badRequest']['message'] == 'Request body and URI mismatch'


def test_metadata_items_quota(cloud, server):
    CONF.set_override('metadata_items', 2, group='quota')
    cloud.post(_url(server, 'metadata'), body={'metadata': {'a': '1'}}, token=DEMO, status=200)
    resp = cloud.post(_url(server, 'metadata'), body={'metadata': {'b': '2'}}, token=DEMO,
                      status=403)
    assert resp.json['forbidden']['message'] == 'Maximum number of metadata items exceeds 2'
    cloud.put(_url(server, 'metadata'), body={'metadata': {'x': '1', 'y': '2'}}, token=DEMO,
              status=200)
    cloud.put(_url(server, 'metadata', 'z'), body={'meta': {'z': '3'}}, token=DEMO, status=403)
    assert cloud.get(_url(server, 'metadata'), token=DEMO).json == {
        'metadata': {'x': '1', 'y': '2'}}


@pytest.mark.parametrize('values, message', [
    ({'vm_state': states.BUILDING, 'task_state': states.SPAWNING}, 'vm_state building'),
    ({'vm_state': states.ERROR}, 'vm_state error'),
    ({'task_state': states.REBOOTING}, 'task_state rebooting'),
])
def test_metadata_changes_need_a_settled_server(cloud, values, message):
    busy = records.add_server(cloud, **values)
    resp = cloud.post(_url(busy, 'metadata'), body={'metadata': {'a': '1'}}, token=DEMO,
                      status=409)
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'update metadata' instance %s while it is in %s" % (busy['uuid'], message))
    resp = cloud.delete(_url(busy, 'metadata', 'a'), token=DEMO, status=404)
    cloud.get(_url(busy, 'metadata'), token=DEMO, status=200)


def test_build_request_metadata_is_readable_not_writable(cloud):
    pending = records.add_build_request(cloud, metadata={'k': 'v'})
    assert cloud.get(_url(pending, 'metadata'), token=DEMO).json == {'metadata': {'k': 'v'}}
    cloud.put(_url(pending, 'metadata'), body={'metadata': {}}, token=DEMO, status=409)


def test_locked_server_metadata(cloud):
    locked = records.add_server(cloud, locked=True)
    resp = cloud.post(_url(locked, 'metadata'), body={'metadata': {'a': '1'}}, token=DEMO,
                      status=409)
    assert resp.json['conflictingRequest']['message'] == 'Instance %s is locked' % locked['uuid']
    cloud.post(_url(locked, 'metadata'), body={'metadata': {'a': '1'}}, token=ADMIN,
               status=200)


def test_metadata_of_another_project_is_404(cloud, server):
    cloud.get(_url(server, 'metadata'), token=OTHER, status=404)
    cloud.post(_url(server, 'metadata'), body={'metadata': {'a': '1'}}, token=OTHER,
               status=404)
    cloud.get(_url(server, 'metadata'), token=ADMIN, status=200)


# --- tags -------------------------------------------------------------------------

def test_tags_need_2_26(cloud, server):
    cloud.get(_url(server, 'tags'), token=DEMO, version='2.25', status=404)
    cloud.get(_url(server, 'tags'), token=DEMO, version='2.26', status=200)


def test_tags_crud(cloud, server):
    v = '2.26'
    assert cloud.get(_url(server, 'tags'), token=DEMO, version=v).json == {'tags': ['blue']}
    resp = cloud.put(_url(server, 'tags', 'green'), token=DEMO, version=v, status=201)
    assert resp.headers['Location'] == 'http://localhost%s' % _url(server, 'tags', 'green')
    assert not resp.body
    cloud.put(_url(server, 'tags', 'green'), token=DEMO, version=v, status=204)
    cloud.get(_url(server, 'tags', 'green'), token=DEMO, version=v, status=204)
    resp = cloud.get(_url(server, 'tags', 'red'), token=DEMO, version=v, status=404)
    assert resp.json['itemNotFound']['message'] == (
        "Server %s has no tag 'red'" % server['uuid'])
    replaced = cloud.put(_url(server, 'tags'), body={'tags': ['x', 'y', 'x']}, token=DEMO,
                         version=v, status=200).json
    assert replaced == {'tags': ['x', 'y']}
    cloud.delete(_url(server, 'tags', 'x'), token=DEMO, version=v, status=204)
    resp = cloud.delete(_url(server, 'tags', 'x'), token=DEMO, version=v, status=404)
    assert resp.json['itemNotFound']['message'] == (
        "Instance %s has no tag 'x'" % server['uuid'])
    cloud.delete(_url(server, 'tags'), token=DEMO, version=v, status=204)
    assert cloud.get(_url(server, 'tags'), token=DEMO, version=v).json == {'tags': []}
    assert cloud.get(_url(server), token=DEMO, version=v).json['server']['tags'] == []


@pytest.mark.parametrize('body', [
    {'tags': ['a,b']}, {'tags': ['a/b']}, {'tags': ['']}, {'tags': ['x' * 61]},
    {'tags': 'blue'}, {'tags': [1]}, {'tag': ['blue']},
    {'tags': ['t%d' % n for n in range(51)]},
])
def test_tags_update_all_validation(cloud, server, body):
    cloud.put(_url(server, 'tags'), body=body, token=DEMO, version='2.26', status=400)
    assert cloud.get(_url(server, 'tags'), token=DEMO, version='2.26').json == {
        'tags': ['blue']}


def test_single_tag_validation_and_limit(cloud, server):
    resp = cloud.put(_url(server, 'tags', 'a,b'), token=DEMO, version='2.26', status=400)
    assert resp.json['badRequest']['message'].startswith(
        "Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','.")
    cloud.put(_url(server, 'tags', 'x' * 61), token=DEMO, version='2.26', status=400)
    cloud.put(_url(server, 'tags'), body={'tags': ['t%d' % n for n in range(50)]},
              token=DEMO, version='2.26', status=200)
    resp = cloud.put(_url(server, 'tags', 'one-more'), token=DEMO, version='2.26', status=400)
    assert resp.json['badRequest']['message'] == (
        'The number of tags exceeded the per-server limit 50')


def test_tag_changes_need_a_settled_server(cloud):
    building = records.add_server(cloud, vm_state=states.BUILDING)
    resp = cloud.put(_url(building, 'tags', 'x'), token=DEMO, version='2.26', status=409)
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'update tag' instance %s while it is in vm_state building" % building['uuid'])
    cloud.put(_url(building, 'tags'), body={'tags': []}, token=DEMO, version='2.26',
              status=409)
    cloud.delete(_url(building, 'tags'), token=DEMO, version='2.26', status=409)
    shelved = records.add_server(cloud, vm_state=states.SHELVED_OFFLOADED)
    cloud.put(_url(shelved, 'tags', 'x'), token=DEMO, version='2.26', status=201)


def test_tags_of_another_project_are_404(cloud, server):
    cloud.get(_url(server, 'tags'), token=OTHER, version='2.26', status=404)
    cloud.put(_url(server, 'tags', 'x'), token=OTHER, version='2.26', status=404)
    cloud.put(_url(server, 'tags', 'x'), token=ADMIN, version='2.26', status=201)
