"""os-aggregates: every call, its faults, and the availability zones the
aggregates make (os-availability-zone, os-services)."""
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db import engines
from nova_common.db.models import api as api_models
from tests.functional import compute_records as records

AGGREGATES = '/v2.1/os-aggregates'


@pytest.fixture
def hosts(cloud):
    """compute1 and compute2 in cell1 (mapped), a conductor on ctl."""
    records.add_service(cloud, cloud.cell1, 'compute1')
    records.add_service(cloud, cloud.cell1, 'compute2')
    records.add_service(cloud, cloud.cell1, 'ctl', 'nova-conductor')
    return cloud


def _create(cloud, name, zone=None, status=200, **kwargs):
    body = {'name': name}
    if zone is not None:
        body['availability_zone'] = zone
    return cloud.post(AGGREGATES, {'aggregate': body}, status=status, **kwargs)


def _action(cloud, aggregate_id, name, argument, status=200, **kwargs):
    return cloud.post('%s/%s/action' % (AGGREGATES, aggregate_id), {name: argument},
                      status=status, **kwargs)


def _message(resp):
    return next(iter(resp.json.values()))['message']


def _row_counts():
    with engines.api_reader(nova_context.get_admin_context()) as session:
        return tuple(session.query(model).count() for model in (
            api_models.Aggregate, api_models.AggregateHost, api_models.AggregateMetadata))


def test_create_show_list_update_delete(hosts):
    created = _create(hosts, 'agg1', 'az1').json['aggregate']
    assert set(created) == {'id', 'name', 'availability_zone', 'created_at', 'updated_at',
                            'deleted', 'deleted_at'}
    assert (created['name'], created['availability_zone'], created['deleted'],
            created['deleted_at']) == ('agg1', 'az1', False, None)
    path = '%s/%s' % (AGGREGATES, created['id'])

    shown = hosts.get(path, status=200).json['aggregate']
    assert shown['hosts'] == [] and shown['metadata'] == {'availability_zone': 'az1'}
    assert 'uuid' not in shown
    with_uuid = hosts.get(path, version='2.41', status=200).json['aggregate']
    assert len(with_uuid['uuid']) == 36

    _create(hosts, 'agg2')
    listed = hosts.get(AGGREGATES, version='2.41', status=200).json['aggregates']
    assert [(a['name'], a['availability_zone']) for a in listed] == [
        ('agg1', 'az1'), ('agg2', None)]
    assert listed[0]['uuid'] == with_uuid['uuid']

    updated = hosts.put(path, {'aggregate': {'name': 'renamed', 'availability_zone': 'az9'}},
                        status=200).json['aggregate']
    assert (updated['name'], updated['availability_zone']) == ('renamed', 'az9')
    assert updated['metadata'] == {'availability_zone': 'az9'}
    assert updated['updated_at'] is not None

    resp = hosts.delete(path, status=200)
    assert resp.body == b''
    hosts.get(path, status=404)
    assert _row_counts() == (1, 0, 0)


def test_hosts_and_metadata_actions(hosts):
    aggregate_id = _create(hosts, 'agg1').json['aggregate']['id']
    added = _action(hosts, aggregate_id, 'add_host', {'host': 'compute1'}).json['aggregate']
    assert added['hosts'] == ['compute1']
    meta = _action(hosts, aggregate_id, 'set_metadata',
                   {'metadata': {'ssd': 'true', 'k': 'v'}}).json['aggregate']
    assert meta['metadata'] == {'ssd': 'true', 'k': 'v'}
    meta = _action(hosts, aggregate_id, 'set_metadata',
                   {'metadata': {'ssd': None, 'k': 'w'}}).json['aggregate']
    assert meta['metadata'] == {'k': 'w'}
    removed = _action(hosts, aggregate_id, 'remove_host',
                      {'host': 'compute1'}).json['aggregate']
    assert removed['hosts'] == []
    assert _row_counts() == (1, 0, 1)


def test_zones_follow_the_aggregates(hosts):
    aggregate_id = _create(hosts, 'agg2', 'az2').json['aggregate']['id']
    _action(hosts, aggregate_id, 'add_host', {'host': 'compute2'})

    listed = hosts.get('/v2.1/os-availability-zone', token='demo:demo', status=200).json
    assert [z['zoneName'] for z in listed['availabilityZoneInfo']] == ['az2', 'nova']
    detail = hosts.get('/v2.1/os-availability-zone/detail', status=200).json
    by_zone = {z['zoneName']: z['hosts'] for z in detail['availabilityZoneInfo']}
    assert list(by_zone['az2']) == ['compute2']
    assert list(by_zone['az2']['compute2']) == ['nova-compute']
    assert list(by_zone['nova']) == ['compute1']
    assert list(by_zone['internal']) == ['ctl']

    services = hosts.get('/v2.1/os-services', status=200).json['services']
    assert {s['host']: s['zone'] for s in services} == {
        'compute1': 'nova', 'compute2': 'az2', 'ctl': 'internal'}

    # An empty zone aggregate makes no zone; the last host leaving the
    # default zone takes it off the list.
    _create(hosts, 'empty', 'az3')
    other = _create(hosts, 'agg1', 'az1').json['aggregate']['id']
    _action(hosts, other, 'add_host', {'host': 'compute1'})
    listed = hosts.get('/v2.1/os-availability-zone', status=200).json
    assert [z['zoneName'] for z in listed['availabilityZoneInfo']] == ['az1', 'az2']


def test_hypervisors_and_aggregates_name_hosts_alike(hosts):
    service = records.add_service(hosts, hosts.cell1, 'compute3')
    records.add_node(hosts, hosts.cell1, service, nodename='compute3.example.org')
    aggregate_id = _create(hosts, 'agg').json['aggregate']['id']
    _action(hosts, aggregate_id, 'add_host', {'host': 'compute3'})
    hypervisors = hosts.get('/v2.1/os-hypervisors/detail', version='2.53',
                            status=200).json['hypervisors']
    shown = hosts.get('%s/%s' % (AGGREGATES, aggregate_id), status=200).json['aggregate']
    assert shown['hosts'] == [h['service']['host'] for h in hypervisors] == ['compute3']


def test_default_zone_is_configurable(hosts):
    CONF.set_override('default_availability_zone', 'elsewhere')
    listed = hosts.get('/v2.1/os-availability-zone', status=200).json
    assert [z['zoneName'] for z in listed['availabilityZoneInfo']] == ['elsewhere']


_ADMIN_CALLS = [
    ('GET', AGGREGATES, None, 'index'),
    ('POST', AGGREGATES, {'aggregate': {'name': 'x'}}, 'create'),
    ('GET', AGGREGATES + '/1', None, 'show'),
    ('PUT', AGGREGATES + '/1', {'aggregate': {'name': 'y'}}, 'update'),
    ('DELETE', AGGREGATES + '/1', None, 'delete'),
    ('POST', AGGREGATES + '/1/action', {'add_host': {'host': 'compute1'}}, 'add_host'),
    ('POST', AGGREGATES + '/1/action', {'remove_host': {'host': 'compute1'}}, 'remove_host'),
    ('POST', AGGREGATES + '/1/action', {'set_metadata': {'metadata': {'a': 'b'}}},
     'set_metadata'),
]


def test_non_admins_are_refused(hosts):
    _create(hosts, 'agg1')
    before = _row_counts()
    for method, path, body, rule in _ADMIN_CALLS:
        resp = hosts.request(method, path, body=body, token='demo:demo', status=403)
        assert _message(resp) == (
            "Policy doesn't allow os_compute_api:os-aggregates:%s to be performed." % rule)
    assert _row_counts() == before


def test_duplicate_name_is_a_conflict(hosts):
    _create(hosts, 'agg1')
    second = _create(hosts, 'agg2').json['aggregate']['id']
    resp = _create(hosts, 'agg1', status=409)
    assert resp.json['conflictingRequest']['message'] == 'Aggregate agg1 already exists.'
    resp = hosts.put('%s/%s' % (AGGREGATES, second), {'aggregate': {'name': 'agg1'}},
                     status=409)
    assert _message(resp) == 'Aggregate agg1 already exists.'
    assert _row_counts() == (2, 0, 0)


def test_unknown_aggregate_and_bad_id(hosts):
    resp = hosts.get(AGGREGATES + '/42', status=404)
    assert resp.json['itemNotFound']['message'] == 'Aggregate 42 could not be found.'
    hosts.put(AGGREGATES + '/42', {'aggregate': {'name': 'x'}}, status=404)
    hosts.delete(AGGREGATES + '/42', status=404)
    _action(hosts, 42, 'add_host', {'host': 'compute1'}, status=404)
    _action(hosts, 42, 'set_metadata', {'metadata': {}}, status=404)
    hosts.get(AGGREGATES + '/99999999999999999999', status=404)
    _action(hosts, 99999999999999999999, 'remove_host', {'host': 'compute1'}, status=404)
    resp = hosts.get(AGGREGATES + '/abc', status=400)
    assert _message(resp) == 'Invalid input received: id must be an integer'


def test_host_must_be_a_known_compute(hosts):
    aggregate_id = _create(hosts, 'agg1').json['aggregate']['id']
    resp = _action(hosts, aggregate_id, 'add_host', {'host': 'nowhere'}, status=404)
    assert _message(resp) == 'Compute host nowhere could not be found.'
    # A conductor's host is no compute host; an unmapped compute is.
    _action(hosts, aggregate_id, 'add_host', {'host': 'ctl'}, status=404)
    records.add_service(hosts, hosts.cell1, 'unmapped', map_host=False)
    _action(hosts, aggregate_id, 'add_host', {'host': 'unmapped'})
    _action(hosts, aggregate_id, 'add_host', {'host': 'COMPUTE1'}, status=404)
    assert _row_counts() == (1, 1, 0)


def test_host_twice_and_host_not_in_aggregate(hosts):
    aggregate_id = _create(hosts, 'agg1').json['aggregate']['id']
    _action(hosts, aggregate_id, 'add_host', {'host': 'compute1'})
    resp = _action(hosts, aggregate_id, 'add_host', {'host': 'compute1'}, status=409)
    assert _message(resp) == 'Aggregate %s already has host compute1.' % aggregate_id
    resp = _action(hosts, aggregate_id, 'remove_host', {'host': 'compute2'}, status=404)
    assert _message(resp) == 'Cannot remove host compute2 in aggregate %s' % aggregate_id
    _action(hosts, 42, 'remove_host', {'host': 'compute1'}, status=404)
    assert _row_counts() == (1, 1, 0)


def test_aggregate_with_hosts_cannot_be_deleted(hosts):
    aggregate_id = _create(hosts, 'agg1', 'az1').json['aggregate']['id']
    _action(hosts, aggregate_id, 'add_host', {'host': 'compute1'})
    resp = hosts.delete('%s/%s' % (AGGREGATES, aggregate_id), status=400)
    assert _message(resp) == ('Cannot remove host from aggregate %s. Reason: Host '
                              'aggregate is not empty.' % aggregate_id)
    assert _row_counts() == (1, 1, 1)


def test_a_host_is_in_one_zone_only(hosts):
    az1 = _create(hosts, 'agg1', 'az1').json['aggregate']['id']
    az2 = _create(hosts, 'agg2', 'az2').json['aggregate']['id']
    plain = _create(hosts, 'plain').json['aggregate']['id']
    _action(hosts, az1, 'add_host', {'host': 'compute1'})
    _action(hosts, plain, 'add_host', {'host': 'compute1'})
    before = _row_counts()

    # Adding compute1 to a second zone: Nova answers 409 for add_host.
    resp = _action(hosts, az2, 'add_host', {'host': 'compute1'}, status=409)
    assert _message(resp) == (
        "Cannot add host to aggregate %s. Reason: One or more hosts already in "
        "availability zone(s) ['az1']." % az2)
    # Giving an aggregate with compute1 another zone, either way.
    resp = _action(hosts, plain, 'set_metadata',
                   {'metadata': {'availability_zone': 'az2'}}, status=400)
    assert _message(resp) == (
        "Cannot update metadata of aggregate %s. Reason: One or more hosts already in "
        "availability zone(s) ['az1']." % plain)
    resp = hosts.put('%s/%s' % (AGGREGATES, plain),
                     {'aggregate': {'availability_zone': 'az2'}}, status=400)
    assert _message(resp).startswith('Cannot update aggregate %s. Reason: One or more '
                                     'hosts already in' % plain)
    assert _row_counts() == before
    # The same zone again is fine.
    _action(hosts, plain, 'set_metadata', {'metadata': {'availability_zone': 'az1'}})
    # An aggregate moving its own hosts to a new zone is fine too.
    _action(hosts, plain, 'remove_host', {'host': 'compute1'})
    hosts.put('%s/%s' % (AGGREGATES, az1), {'aggregate': {'availability_zone': 'az7'}},
              status=200)


def test_bad_zone_names(hosts):
    aggregate_id = _create(hosts, 'agg').json['aggregate']['id']
    path = '%s/%s' % (AGGREGATES, aggregate_id)
    for zone in ('a:b', ' lead', 'trail ', ''):
        _create(hosts, 'agg2', zone, status=400)
        hosts.put(path, {'aggregate': {'availability_zone': zone}}, status=400)
    # set_metadata checks only what makes a zone unusable, as Nova.
    for zone in ('a:b', '', None):
        _action(hosts, aggregate_id, 'set_metadata',
                {'metadata': {'availability_zone': zone}}, status=400)
    assert _row_counts() == (1, 0, 0)


def test_zone_name_with_a_colon_says_where(hosts):
    resp = _create(hosts, 'agg', 'az:1', status=400)
    # As Nova's: the null-or-name choice hides which rule failed.
    assert _message(resp) == (
        "Invalid input for field/attribute aggregate/availability_zone. Value: az:1. "
        "'az:1' is not valid under any of the given schemas")


def test_bad_bodies(hosts):
    for body in ({'aggregate': {}}, {'aggregate': {'name': 'x', 'extra': 1}},
                 {'aggregate': {'name': 'x' * 256}}, {'nothing': {}}):
        hosts.post(AGGREGATES, body, status=400)
    aggregate_id = _create(hosts, 'agg').json['aggregate']['id']
    hosts.put('%s/%s' % (AGGREGATES, aggregate_id), {'aggregate': {}}, status=400)
    for body in ({'add_host': {}}, {'add_host': {'host': 'bad host!'}},
                 {'set_metadata': {'metadata': {'k': 1}}},
                 {'set_metadata': {'metadata': {'bad/key': 'v'}}},
                 {'unknown': {}},
                 {'add_host': {'host': 'compute1'}, 'remove_host': {'host': 'compute1'}}):
        hosts.post('%s/%s/action' % (AGGREGATES, aggregate_id), body, status=400)
    assert _row_counts() == (1, 0, 0)
