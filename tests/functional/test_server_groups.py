"""os-server-groups through the real API: the wire format at each
microversion boundary (2.13, 2.15, 2.64), paging, visibility between
projects, policy and the server_groups quota."""
import pytest

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'other:other'
PATH = '/v2.1/os-server-groups'


def _create(cloud, name='g1', version='2.1', token=DEMO, status=200, **fields):
    group = {'name': name}
    if not fields:
        below_2_64 = tuple(map(int, version.split('.'))) < (2, 64)
        fields = ({'policies': ['anti-affinity']} if below_2_64
                  else {'policy': 'anti-affinity'})
    group.update(fields)
    return cloud.post(PATH, {'server_group': group}, version=version, token=token,
                      status=status)


def _message(resp, key='badRequest'):
    return resp.json[key]['message']


def test_create_at_2_1_shows_policies_and_empty_metadata(cloud):
    group = _create(cloud).json['server_group']
    assert set(group) == {'id', 'name', 'policies', 'metadata', 'members'}
    assert group['policies'] == ['anti-affinity']
    assert group['metadata'] == {} and group['members'] == []


def test_2_13_adds_project_and_user(cloud):
    group = _create(cloud, version='2.13', policies=['affinity']).json['server_group']
    assert group['project_id'] == 'demo' and group['user_id'] == 'demo'
    assert group['policies'] == ['affinity']


def test_soft_policies_from_2_15(cloud):
    _create(cloud, version='2.14', policies=['soft-affinity'], status=400)
    group = _create(cloud, version='2.15', policies=['soft-anti-affinity']).json
    assert group['server_group']['policies'] == ['soft-anti-affinity']


@pytest.mark.parametrize('policies', [[], ['affinity', 'anti-affinity'], ['legacy'],
                                      'affinity'])
def test_policies_must_be_a_list_of_one_known_policy(cloud, policies):
    _create(cloud, version='2.63', policies=policies, status=400)


def test_2_64_policy_and_rules(cloud):
    group = _create(cloud, version='2.64', policy='anti-affinity',
                    rules={'max_server_per_host': '3'}).json['server_group']
    assert set(group) == {'id', 'name', 'policy', 'rules', 'members', 'project_id',
                          'user_id'}
    assert group['policy'] == 'anti-affinity'
    assert group['rules'] == {'max_server_per_host': 3}
    plain = _create(cloud, name='g2', version='2.64', policy='affinity').json
    assert plain['server_group']['rules'] == {}
    shown = cloud.get('%s/%s' % (PATH, group['id']), version='2.63', token=DEMO).json
    assert shown['server_group']['policies'] == ['anti-affinity']


@pytest.mark.parametrize('fields', [
    {'policies': ['affinity']},
    {'policy': 'affinity', 'policies': ['affinity']},
    {'policy': 'anti-affinity', 'rules': {'max_server_per_host': 0}},
    {'policy': 'anti-affinity', 'rules': {'max_server_per_host': -1}},
    {'policy': 'anti-affinity', 'rules': {'max_server_per_host': 'two'}},
    {'policy': 'anti-affinity', 'rules': {'other': 1}},
    {'policy': 'nope'},
])
def test_2_64_bad_bodies(cloud, fields):
    _create(cloud, version='2.64', status=400, **fields)


def test_rules_only_for_anti_affinity(cloud):
    resp = _create(cloud, version='2.64', policy='soft-anti-affinity',
                   rules={'max_server_per_host': 2}, status=400)
    assert _message(resp) == 'Only anti-affinity policy supports rules.'
    assert cloud.get(PATH, token=DEMO).json == {'server_groups': []}


def test_list_is_per_project_and_admins_see_all(cloud):
    mine = _create(cloud, name='mine').json['server_group']['id']
    theirs = _create(cloud, name='theirs', token=OTHER).json['server_group']['id']
    assert [g['id'] for g in cloud.get(PATH, token=DEMO).json['server_groups']] == [mine]
    # A non-admin asking for every project gets their own groups, as in Nova.
    listed = cloud.get(PATH + '?all_projects=True', token=DEMO).json['server_groups']
    assert [g['id'] for g in listed] == [mine]
    listed = cloud.get(PATH + '?all_projects=True', token=ADMIN).json['server_groups']
    assert [g['id'] for g in listed] == [mine, theirs]
    assert cloud.get(PATH, token=ADMIN).json['server_groups'] == []


def test_limit_and_offset(cloud):
    ids = [_create(cloud, name='g%d' % i).json['server_group']['id'] for i in range(4)]
    page = cloud.get(PATH + '?limit=2&offset=1', token=DEMO).json['server_groups']
    assert [g['id'] for g in page] == ids[1:3]
    assert cloud.get(PATH + '?offset=4', token=DEMO).json['server_groups'] == []
    assert cloud.get(PATH + '?offset=99999999999999999999&limit=99999999999999999999',
                     token=DEMO).json['server_groups'] == []
    cloud.get(PATH + '?limit=-1', token=DEMO, status=400)
    cloud.get(PATH + '?bogus=1', token=DEMO, version='2.74', status=200)
    cloud.get(PATH + '?bogus=1', token=DEMO, version='2.75', status=400)


def test_another_projects_group_is_not_found(cloud):
    group_id = _create(cloud).json['server_group']['id']
    resp = cloud.get('%s/%s' % (PATH, group_id), token=OTHER, status=404)
    assert _message(resp, 'itemNotFound') == (
        'Instance group %s could not be found.' % group_id)
    cloud.delete('%s/%s' % (PATH, group_id), token=OTHER, status=404)
    cloud.get('%s/%s' % (PATH, group_id), token=ADMIN, status=200)
    cloud.get('%s/%s' % (PATH, group_id), token=DEMO, status=200)


def test_delete(cloud):
    group_id = _create(cloud).json['server_group']['id']
    cloud.delete('%s/%s' % (PATH, group_id), token=DEMO, status=204)
    cloud.get('%s/%s' % (PATH, group_id), token=DEMO, status=404)
    cloud.delete('%s/%s' % (PATH, group_id), token=DEMO, status=404)


def test_server_groups_quota(cloud):
    cloud.put('/v2.1/os-quota-sets/demo', {'quota_set': {'server_groups': 2}}, status=200)
    _create(cloud, name='a')
    _create(cloud, name='b')
    resp = _create(cloud, name='c', status=403)
    assert _message(resp, 'forbidden') == 'Quota exceeded, too many server groups.'
    assert len(cloud.get(PATH, token=DEMO).json['server_groups']) == 2
    absolute = cloud.get('/v2.1/limits', token=DEMO).json['limits']['absolute']
    assert absolute['maxServerGroups'] == 2
    assert absolute['totalServerGroupsUsed'] == 2
    assert absolute['maxServerGroupMembers'] == 10
    # Another project has its own count.
    _create(cloud, name='c', token=OTHER)


def test_policy_override_can_forbid_create(cloud, tmp_path):
    from nova_common.conf import CONF
    from nova_common import policy
    rules = tmp_path / 'policy.yaml'
    rules.write_text('"os_compute_api:os-server-groups:create": "role:admin"\n')
    CONF.set_override('policy_file', str(rules), group='oslo_policy')
    policy.reset()
    try:
        resp = _create(cloud, status=403)
        assert 'os_compute_api:os-server-groups:create' in _message(resp, 'forbidden')
        _create(cloud, token=ADMIN)
    finally:
        CONF.clear_override('policy_file', group='oslo_policy')
        policy.reset()
