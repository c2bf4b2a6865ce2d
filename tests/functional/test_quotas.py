"""Quotas through the real API and databases: os-quota-sets,
os-quota-class-sets, /limits, and check_deltas counting what the cells and
the build requests hold."""
from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import pytest

from nova_common import context as nova_context
from nova_common.db import engines
from nova_common.db.models import api as api_models
from nova_common.db.models import main as main_models
from nova_common import exception
from nova_common import quota

ADMIN = 'admin:admin'
DEMO = 'demo:demo'

DEFAULTS_V21 = {
    'instances': 10, 'cores': 20, 'ram': 51200, 'metadata_items': 128,
    'injected_files': 5, 'injected_file_content_bytes': 10240,
    'injected_file_path_bytes': 255, 'key_pairs': 100, 'server_groups': 10,
    'server_group_members': 10, 'fixed_ips': -1, 'floating_ips': -1,
    'security_groups': -1, 'security_group_rules': -1,
}
NETWORK = ('fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules')
INJECTED = ('injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes')


def _without(values, *names):
    return {key: value for key, value in values.items() if key not in names}


DEFAULTS_V236 = _without(DEFAULTS_V21, *NETWORK)
DEFAULTS_V257 = _without(DEFAULTS_V236, *INJECTED)


# --- rows written as the other services would ------------------------------------

def add_instance(cloud, cell, project_id='demo', user_id='demo', vcpus=1, memory_mb=512,
                 vm_state='active', deleted=False, uuid=None):
    uuid = uuid or uuidutils.generate_uuid()
    with nova_context.target_cell(cloud.admin_context, cell) as ctx:
        with engines.cell_writer(ctx) as session:
            row = main_models.Instance(uuid=uuid, project_id=project_id, user_id=user_id,
                                       vcpus=vcpus, memory_mb=memory_mb, vm_state=vm_state)
            session.add(row)
            session.flush()
            if deleted:
                row.deleted = row.id
    return uuid


def add_build_request(cloud, project_id='demo', user_id='demo', vcpus=1, memory_mb=512,
                      cell=None, uuid=None):
    """A build request with its instance mapping (pointing at ``cell``, if
    given: the server is in that cell already, its build request not yet
    removed)."""
    uuid = uuid or uuidutils.generate_uuid()
    instance = {'uuid': uuid, 'project_id': project_id, 'user_id': user_id,
                'vm_state': 'building', 'task_state': 'scheduling',
                'flavor': {'flavorid': '1', 'name': 'm1', 'vcpus': vcpus,
                           'memory_mb': memory_mb, 'root_gb': 1}}
    with engines.api_writer(cloud.admin_context) as session:
        session.add(api_models.BuildRequest(instance_uuid=uuid, project_id=project_id,
                                            instance=jsonutils.dumps(instance), tags='[]'))
        session.add(api_models.InstanceMapping(instance_uuid=uuid, project_id=project_id,
                                               user_id=user_id,
                                               cell_id=cell['id'] if cell else None))
    return uuid


def add_keypair(cloud, user_id, name):
    with engines.api_writer(cloud.admin_context) as session:
        session.add(api_models.KeyPair(name=name, user_id=user_id, public_key='ssh-rsa AAA',
                                       fingerprint='00', type='ssh'))


def add_server_group(cloud, project_id='demo', user_id='demo'):
    with engines.api_writer(cloud.admin_context) as session:
        session.add(api_models.InstanceGroup(uuid=uuidutils.generate_uuid(), name='group',
                                             project_id=project_id, user_id=user_id,
                                             policy='anti-affinity'))


def _set(cloud, values, project='demo', query='', version=None, status=200, token=ADMIN):
    return cloud.put('/v2.1/os-quota-sets/%s%s' % (project, query),
                     body={'quota_set': values}, version=version, status=status, token=token)


def _message(resp):
    return next(iter(resp.json.values()))['message']


def _detail(cloud, project='demo', query='', version='2.57'):
    resp = cloud.get('/v2.1/os-quota-sets/%s/detail%s' % (project, query), version=version)
    return resp.json['quota_set']


# --- show, defaults and microversions ----------------------------------------------

@pytest.mark.parametrize('version,expected', [
    ('2.1', DEFAULTS_V21), ('2.35', DEFAULTS_V21), ('2.36', DEFAULTS_V236),
    ('2.56', DEFAULTS_V236), ('2.57', DEFAULTS_V257), ('2.100', DEFAULTS_V257)])
def test_show_fields_per_microversion(cloud, version, expected):
    resp = cloud.get('/v2.1/os-quota-sets/demo', version=version, token=DEMO, status=200)
    assert resp.json == {'quota_set': dict(expected, id='demo')}


def test_defaults_per_microversion_and_for_anyone(cloud):
    resp = cloud.get('/v2.1/os-quota-sets/other/defaults', token=DEMO, status=200)
    assert resp.json == {'quota_set': dict(DEFAULTS_V21, id='other')}
    resp = cloud.get('/v2.1/os-quota-sets/demo/defaults', version='2.57', status=200)
    assert resp.json == {'quota_set': dict(DEFAULTS_V257, id='demo')}


def test_project_id_form_of_the_url(cloud):
    resp = cloud.get('/v2.1/demo/os-quota-sets/demo', token=DEMO, status=200)
    assert resp.json['quota_set']['id'] == 'demo'


def test_non_admin_cannot_read_another_projects_quota(cloud):
    for path in ('/v2.1/os-quota-sets/other', '/v2.1/os-quota-sets/other/detail'):
        resp = cloud.get(path, token=DEMO, status=403)
        assert 'os_compute_api:os-quota-sets:' in _message(resp)


def test_admin_reads_any_project(cloud):
    cloud.get('/v2.1/os-quota-sets/other', status=200)
    cloud.get('/v2.1/os-quota-sets/other/detail', status=200)


def test_unknown_query_parameter_ignored_before_2_75_refused_after(cloud):
    cloud.get('/v2.1/os-quota-sets/demo?foo=1', version='2.74', status=200)
    cloud.get('/v2.1/os-quota-sets/demo?foo=1', version='2.75', status=400)
    cloud.get('/v2.1/os-quota-sets/demo/detail?foo=1', version='2.75', status=400)
    cloud.get('/v2.1/os-quota-sets/demo?user_id=demo', version='2.75', status=200)


# --- update ----------------------------------------------------------------------------

def test_update_answers_without_id_and_is_shown_afterwards(cloud):
    resp = _set(cloud, {'instances': 3, 'cores': '7', 'ram': -1})
    assert resp.json == {'quota_set': dict(DEFAULTS_V21, instances=3, cores=7, ram=-1)}
    shown = cloud.get('/v2.1/os-quota-sets/demo', version='2.57', token=DEMO).json
    assert shown['quota_set'] == dict(DEFAULTS_V257, id='demo', instances=3, cores=7, ram=-1)
    # Another project keeps the defaults.
    other = cloud.get('/v2.1/os-quota-sets/other', version='2.57').json['quota_set']
    assert other['instances'] == 10


def test_update_twice_updates_in_place(cloud):
    _set(cloud, {'instances': 3})
    _set(cloud, {'instances': 4})
    assert cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']['instances'] == 4


def test_non_admin_cannot_update_or_delete(cloud):
    resp = _set(cloud, {'instances': 100}, token=DEMO, status=403)
    assert _message(resp) == "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed."
    resp = cloud.delete('/v2.1/os-quota-sets/demo', token=DEMO, status=403)
    assert 'os-quota-sets:delete' in _message(resp)
    assert cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']['instances'] == 10


@pytest.mark.parametrize('values,version', [
    ({'instances': -2}, '2.1'),
    ({'instances': '-5'}, '2.1'),
    ({'instances': 'ten'}, '2.1'),
    ({'instances': 1.5}, '2.1'),
    ({'instances': None}, '2.1'),
    ({'instances': 2 ** 31}, '2.1'),
    ({'instances': str(2 ** 31)}, '2.1'),
    ({'bogus': 1}, '2.1'),
    ({'force': 'maybe'}, '2.1'),
    ({'floating_ips': 5}, '2.36'),
    ({'injected_files': 5}, '2.57'),
])
def test_invalid_updates_are_refused_and_write_nothing(cloud, values, version):
    body = dict(values, cores=5)
    _set(cloud, body, version=version, status=400)
    assert cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']['cores'] == 20


def test_update_body_must_hold_a_quota_set(cloud):
    cloud.put('/v2.1/os-quota-sets/demo', body={'instances': 3}, status=400)
    cloud.put('/v2.1/os-quota-sets/demo', body={'quota_set': [1]}, status=400)


def test_networks_quota_is_refused(cloud):
    resp = _set(cloud, {'networks': 3}, status=400)
    assert _message(resp) == 'The networks quota has been removed'


def test_network_quotas_settable_before_2_36(cloud):
    resp = _set(cloud, {'floating_ips': 5}, version='2.35')
    assert resp.json['quota_set']['floating_ips'] == 5


def test_update_below_usage_needs_force(cloud):
    for _ in range(3):
        add_instance(cloud, cloud.cell1, vcpus=2)
    resp = _set(cloud, {'instances': 2}, status=400)
    assert _message(resp) == ('Quota limit 2 for instances must be greater than or equal to '
                              'already used and reserved 3.')
    _set(cloud, {'cores': 5}, status=400)
    _set(cloud, {'instances': 3, 'cores': 6})
    resp = _set(cloud, {'instances': 1, 'force': True})
    assert resp.json['quota_set']['instances'] == 1


def test_unlimited_is_always_above_usage(cloud):
    add_instance(cloud, cloud.cell1)
    assert _set(cloud, {'instances': -1}).json['quota_set']['instances'] == -1


# --- user quotas ---------------------------------------------------------------------

def test_user_quota_overrides_project_for_that_user_only(cloud):
    _set(cloud, {'instances': 8})
    resp = _set(cloud, {'instances': 2}, query='?user_id=alice')
    assert resp.json['quota_set']['instances'] == 2
    alice = cloud.get('/v2.1/os-quota-sets/demo?user_id=alice', token=DEMO).json['quota_set']
    assert alice['id'] == 'demo'
    assert (alice['instances'], alice['cores']) == (2, 20)
    bob = cloud.get('/v2.1/os-quota-sets/demo?user_id=bob').json['quota_set']
    assert bob['instances'] == 8
    project = cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']
    assert project['instances'] == 8


def test_user_quota_above_what_the_project_has_left_is_refused(cloud):
    resp = _set(cloud, {'instances': 11}, query='?user_id=alice', status=400)
    assert _message(resp) == 'Quota limit 11 for instances must be less than or equal to 10.'
    _set(cloud, {'instances': -1}, query='?user_id=alice', status=400)
    _set(cloud, {'instances': 6}, query='?user_id=alice')
    # Alice holds 6 of the 10: Bob can have at most 4, Alice can go up to 10.
    resp = _set(cloud, {'instances': 5}, query='?user_id=bob', status=400)
    assert _message(resp) == 'Quota limit 5 for instances must be less than or equal to 4.'
    _set(cloud, {'instances': 4}, query='?user_id=bob')
    _set(cloud, {'instances': 7}, query='?user_id=alice', status=400)
    _set(cloud, {'instances': 11}, query='?user_id=alice', status=400)
    _set(cloud, {'instances': 11, 'force': 'true'}, query='?user_id=alice')


def test_project_quota_cannot_drop_below_its_users_quotas(cloud):
    _set(cloud, {'cores': 8}, query='?user_id=alice')
    resp = _set(cloud, {'cores': 7}, status=400)
    assert _message(resp) == ('Quota limit 7 for cores must be greater than or equal to '
                              'already used and reserved 8.')
    _set(cloud, {'cores': 8})


def test_user_quota_below_the_users_usage_is_refused(cloud):
    add_instance(cloud, cloud.cell1, user_id='alice')
    add_instance(cloud, cloud.cell1, user_id='alice')
    add_instance(cloud, cloud.cell1, user_id='bob')
    _set(cloud, {'instances': 1}, query='?user_id=alice', status=400)
    _set(cloud, {'instances': 2}, query='?user_id=alice')
    _set(cloud, {'instances': 1}, query='?user_id=bob')


# --- delete --------------------------------------------------------------------------

def test_delete_reverts_project_and_its_users_to_defaults(cloud):
    _set(cloud, {'instances': 3})
    _set(cloud, {'instances': 2}, query='?user_id=alice')
    resp = cloud.delete('/v2.1/os-quota-sets/demo', status=202)
    assert resp.body == b''
    assert cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']['instances'] == 10
    alice = cloud.get('/v2.1/os-quota-sets/demo?user_id=alice').json['quota_set']
    assert alice['instances'] == 10


def test_delete_of_a_user_keeps_the_project_quota(cloud):
    _set(cloud, {'instances': 3})
    _set(cloud, {'instances': 2}, query='?user_id=alice')
    cloud.delete('/v2.1/os-quota-sets/demo?user_id=alice', status=202)
    alice = cloud.get('/v2.1/os-quota-sets/demo?user_id=alice').json['quota_set']
    assert alice['instances'] == 3


# --- detail: usage counted from the databases ------------------------------------

def test_detail_shape(cloud):
    detail = cloud.get('/v2.1/os-quota-sets/demo/detail', token=DEMO, status=200).json
    assert detail['quota_set']['id'] == 'demo'
    assert detail['quota_set']['cores'] == {'in_use': 0, 'limit': 20, 'reserved': 0}
    assert set(detail['quota_set']) == set(DEFAULTS_V21) | {'id'}
    assert set(_detail(cloud, version='2.36')) == set(DEFAULTS_V236) | {'id'}
    assert set(_detail(cloud, version='2.57')) == set(DEFAULTS_V257) | {'id'}


def test_detail_counts_every_cell_and_the_build_requests(cloud):
    add_instance(cloud, cloud.cell1, vcpus=2, memory_mb=1024)
    add_instance(cloud, cloud.cell0, vcpus=4, memory_mb=2048, vm_state='error')
    add_build_request(cloud, vcpus=8, memory_mb=4096)
    add_server_group(cloud)
    detail = _detail(cloud)
    assert detail['instances'] == {'in_use': 3, 'limit': 10, 'reserved': 0}
    assert detail['cores']['in_use'] == 14
    assert detail['ram']['in_use'] == 7168
    assert detail['server_groups']['in_use'] == 1


def test_detail_ignores_deleted_soft_deleted_and_other_projects(cloud):
    add_instance(cloud, cloud.cell1, deleted=True)
    add_instance(cloud, cloud.cell1, vm_state='soft-delete')
    add_instance(cloud, cloud.cell1, project_id='other')
    add_build_request(cloud, project_id='other')
    add_server_group(cloud, project_id='other')
    detail = _detail(cloud)
    assert (detail['instances']['in_use'], detail['cores']['in_use'],
            detail['server_groups']['in_use']) == (0, 0, 0)
    assert _detail(cloud, project='other')['instances']['in_use'] == 2


def test_server_moving_into_its_cell_is_counted_once(cloud):
    # Created in the cell, mapping not yet pointed at it: the build request
    # counts and the cell row does not.
    moving = add_build_request(cloud, vcpus=2)
    add_instance(cloud, cloud.cell1, vcpus=2, uuid=moving)
    # Mapping already points at the cell, build request not yet removed.
    placed = add_instance(cloud, cloud.cell1, vcpus=3)
    add_build_request(cloud, vcpus=3, cell=cloud.cell1, uuid=placed)
    detail = _detail(cloud)
    assert (detail['instances']['in_use'], detail['cores']['in_use']) == (2, 5)


def test_user_detail_counts_the_users_servers_and_keypairs(cloud):
    add_instance(cloud, cloud.cell1, user_id='alice', vcpus=2)
    add_build_request(cloud, user_id='alice', vcpus=1)
    add_instance(cloud, cloud.cell1, user_id='bob', vcpus=4)
    add_keypair(cloud, 'alice', 'k1')
    add_keypair(cloud, 'alice', 'k2')
    add_keypair(cloud, 'bob', 'k1')
    alice = _detail(cloud, query='?user_id=alice')
    assert (alice['instances']['in_use'], alice['cores']['in_use']) == (2, 3)
    assert alice['key_pairs']['in_use'] == 2
    project = _detail(cloud)
    assert (project['instances']['in_use'], project['cores']['in_use']) == (3, 7)
    # Keypairs belong to users, not projects.
    assert project['key_pairs']['in_use'] == 0


# --- quota classes -----------------------------------------------------------------

@pytest.mark.parametrize('version,expected', [
    ('2.1', _without(DEFAULTS_V21, 'server_groups', 'server_group_members')),
    ('2.49', _without(DEFAULTS_V21, 'server_groups', 'server_group_members')),
    ('2.50', DEFAULTS_V236), ('2.57', DEFAULTS_V257)])
def test_quota_class_fields_per_microversion(cloud, version, expected):
    resp = cloud.get('/v2.1/os-quota-class-sets/default', version=version, status=200)
    assert resp.json == {'quota_class_set': dict(expected, id='default')}


def test_default_class_sets_every_projects_defaults(cloud):
    resp = cloud.put('/v2.1/os-quota-class-sets/default', version='2.50',
                     body={'quota_class_set': {'instances': 50, 'server_groups': '7'}},
                     status=200)
    assert resp.json == {'quota_class_set': dict(DEFAULTS_V236, instances=50, server_groups=7)}
    defaults = cloud.get('/v2.1/os-quota-sets/any/defaults', version='2.57').json
    assert defaults['quota_set']['instances'] == 50
    shown = cloud.get('/v2.1/os-quota-sets/demo', token=DEMO).json['quota_set']
    assert (shown['instances'], shown['server_groups']) == (50, 7)
    # A project override still wins over the class.
    _set(cloud, {'instances': 4})
    assert cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']['instances'] == 4


def test_other_classes_are_stored_but_apply_to_no_one(cloud):
    cloud.put('/v2.1/os-quota-class-sets/gold', body={'quota_class_set': {'cores': 99}},
              status=200)
    gold = cloud.get('/v2.1/os-quota-class-sets/gold').json['quota_class_set']
    assert (gold['id'], gold['cores']) == ('gold', 99)
    assert cloud.get('/v2.1/os-quota-sets/demo').json['quota_set']['cores'] == 20


def test_quota_classes_are_for_admins(cloud):
    cloud.get('/v2.1/os-quota-class-sets/default', token=DEMO, status=403)
    cloud.put('/v2.1/os-quota-class-sets/default', token=DEMO,
              body={'quota_class_set': {'instances': 1}}, status=403)
    assert cloud.get('/v2.1/os-quota-class-sets/default').json['quota_class_set'][
        'instances'] == 10


@pytest.mark.parametrize('values,version', [
    ({'instances': -2}, '2.1'), ({'instances': 'x'}, '2.1'), ({'force': True}, '2.1'),
    ({'fixed_ips': 1}, '2.50'), ({'injected_files': 1}, '2.57')])
def test_invalid_quota_class_updates(cloud, values, version):
    cloud.put('/v2.1/os-quota-class-sets/default', version=version,
              body={'quota_class_set': dict(values, cores=1)}, status=400)
    assert cloud.get('/v2.1/os-quota-class-sets/default').json['quota_class_set'][
        'cores'] == 20


def test_quota_class_name_too_long(cloud):
    resp = cloud.put('/v2.1/os-quota-class-sets/' + 'x' * 256,
                     body={'quota_class_set': {'cores': 1}}, status=400)
    assert 'class_name' in _message(resp)


# --- /limits ------------------------------------------------------------------------

LIMITS_V21 = {
    'maxServerMeta': 128, 'maxImageMeta': 128, 'maxPersonality': 5,
    'maxPersonalitySize': 10240, 'maxTotalKeypairs': 100, 'maxTotalInstances': 10,
    'maxTotalCores': 20, 'maxTotalRAMSize': 51200, 'maxServerGroups': 10,
    'maxServerGroupMembers': 10, 'maxSecurityGroups': -1, 'maxSecurityGroupRules': -1,
    'maxTotalFloatingIps': -1, 'totalInstancesUsed': 0, 'totalCoresUsed': 0,
    'totalRAMUsed': 0, 'totalServerGroupsUsed': 0, 'totalFloatingIpsUsed': 0,
    'totalSecurityGroupsUsed': 0,
}
LIMITS_V236 = _without(LIMITS_V21, 'maxSecurityGroups', 'maxSecurityGroupRules',
                       'maxTotalFloatingIps', 'totalFloatingIpsUsed', 'totalSecurityGroupsUsed')
LIMITS_V239 = _without(LIMITS_V236, 'maxImageMeta')
LIMITS_V257 = _without(LIMITS_V239, 'maxPersonality', 'maxPersonalitySize')


@pytest.mark.parametrize('version,expected', [
    ('2.1', LIMITS_V21), ('2.35', LIMITS_V21), ('2.36', LIMITS_V236), ('2.38', LIMITS_V236),
    ('2.39', LIMITS_V239), ('2.56', LIMITS_V239), ('2.57', LIMITS_V257),
    ('2.100', LIMITS_V257)])
def test_limits_fields_per_microversion(cloud, version, expected):
    resp = cloud.get('/v2.1/limits', version=version, token=DEMO, status=200)
    assert resp.json == {'limits': {'rate': [], 'absolute': expected}}


def test_limits_show_the_projects_limits_and_usage(cloud):
    _set(cloud, {'instances': 5, 'ram': -1})
    _set(cloud, {'instances': 1}, query='?user_id=demo')
    add_instance(cloud, cloud.cell1, vcpus=2, memory_mb=2048)
    add_build_request(cloud, user_id='alice', vcpus=1, memory_mb=512)
    add_server_group(cloud)
    absolute = cloud.get('/v2.1/limits', version='2.57', token=DEMO).json['limits']['absolute']
    # Project limits, not the caller's user limit; project-wide usage.
    assert (absolute['maxTotalInstances'], absolute['maxTotalRAMSize']) == (5, -1)
    assert (absolute['totalInstancesUsed'], absolute['totalCoresUsed'],
            absolute['totalRAMUsed'], absolute['totalServerGroupsUsed']) == (2, 3, 2560, 1)


def test_limits_of_another_project_for_admins_only(cloud):
    add_instance(cloud, cloud.cell1, project_id='other')
    _set(cloud, {'cores': 3}, project='other')
    absolute = cloud.get('/v2.1/limits?tenant_id=other').json['limits']['absolute']
    assert (absolute['maxTotalCores'], absolute['totalInstancesUsed']) == (3, 1)
    resp = cloud.get('/v2.1/limits?tenant_id=other', token=DEMO, status=403)
    assert 'os_compute_api:limits:other_project' in _message(resp)


def test_limits_unknown_query_parameter(cloud):
    cloud.get('/v2.1/limits?reserved=1', version='2.74', token=DEMO, status=200)
    cloud.get('/v2.1/limits?reserved=1', version='2.75', token=DEMO, status=400)


# --- check_deltas ---------------------------------------------------------------------

def _ctx():
    return nova_context.RequestContext(user_id='demo', project_id='demo', roles=['member'])


def test_check_deltas_passes_within_the_limits(cloud):
    add_instance(cloud, cloud.cell1, vcpus=4, memory_mb=1024)
    quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 9, 'cores': 16, 'ram': 50176})


def test_check_deltas_over_quota_is_403_with_novas_message(cloud):
    for _ in range(5):
        add_instance(cloud, cloud.cell1, vcpus=4)
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 1, 'cores': 4, 'ram': 512})
    assert raised.value.code == 403
    assert raised.value.message == ('Quota exceeded for cores: Requested 4, but already used '
                                    '20 of 20 cores')


def test_check_deltas_counts_build_requests_and_cell0(cloud):
    _set(cloud, {'instances': 3})
    add_build_request(cloud)
    add_instance(cloud, cloud.cell0, vm_state='error')
    quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 1})
    add_build_request(cloud)
    with pytest.raises(exception.OverQuota):
        quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 1})


def test_check_deltas_honours_the_user_quota(cloud):
    _set(cloud, {'instances': 1}, query='?user_id=demo')
    add_instance(cloud, cloud.cell1, user_id='alice')
    quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 1})
    add_instance(cloud, cloud.cell1, user_id='demo')
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 1})
    assert raised.value.message == ('Quota exceeded for instances: Requested 1, but already '
                                    'used 1 of 1 instances')
    # Alice has no user quota: only the project's applies to her.
    quota.check_deltas(_ctx(), 'demo', 'alice', {'instances': 1})


def test_check_deltas_unlimited(cloud):
    _set(cloud, {'cores': -1})
    add_instance(cloud, cloud.cell1, vcpus=1000)
    quota.check_deltas(_ctx(), 'demo', 'demo', {'cores': 1000})


def test_recheck_after_parallel_creates(cloud):
    """Two requests both passed the first check for the last free slot and
    wrote their build requests: the re-check fails them."""
    _set(cloud, {'instances': 2})
    add_instance(cloud, cloud.cell1)
    add_build_request(cloud)
    add_build_request(cloud)
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_deltas(_ctx(), 'demo', 'demo', {'instances': 0}, requested={'instances': 1})
    assert raised.value.message == ('Quota exceeded for instances: Requested 1, but already '
                                    'used 2 of 2 instances')


def test_check_deltas_keypairs_and_server_groups(cloud):
    _set(cloud, {'key_pairs': 2, 'server_groups': 1})
    add_keypair(cloud, 'demo', 'a')
    quota.check_deltas(_ctx(), 'demo', 'demo', {'key_pairs': 1, 'server_groups': 1})
    add_keypair(cloud, 'demo', 'b')
    add_server_group(cloud, user_id='alice')
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_deltas(_ctx(), 'demo', 'demo', {'key_pairs': 1, 'server_groups': 1})
    assert raised.value.message == ('Quota exceeded for key_pairs, server_groups: Requested '
                                    '1, 1, but already used 2, 1 of 2, 1 key_pairs, '
                                    'server_groups')


def test_check_limits(cloud):
    quota.check_limits(_ctx(), 'demo', {'metadata_items': 128})
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_limits(_ctx(), 'demo', {'metadata_items': 129})
    assert raised.value.kwargs['quotas'] == {'metadata_items': 128}
