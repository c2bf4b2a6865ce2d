"""Quota logic without databases: which limit wins, who is over, and what
the 403 says."""
import pytest

from nova_common.conf import CONF
from nova_common import exception
from nova_common import quota

USAGE = {'project': {'instances': 9, 'cores': 18, 'ram': 4096, 'server_groups': 1},
         'user': {'instances': 2, 'cores': 4, 'ram': 1024, 'server_groups': 0, 'key_pairs': 3}}


# --- limit resolution -----------------------------------------------------------

def test_defaults_come_from_the_quota_options():
    project, user = quota.resolve_limits({}, {})
    assert user is None
    assert project == {
        'instances': 10, 'cores': 20, 'ram': 51200, 'metadata_items': 128,
        'injected_files': 5, 'injected_file_content_bytes': 10240,
        'injected_file_path_bytes': 255, 'key_pairs': 100, 'server_groups': 10,
        'server_group_members': 10, 'fixed_ips': -1, 'floating_ips': -1,
        'security_groups': -1, 'security_group_rules': -1}


def test_changed_option_is_the_default():
    CONF.set_override('cores', 64, group='quota')
    CONF.set_override('injected_file_path_length', 100, group='quota')
    project, _user = quota.resolve_limits({}, {})
    assert project['cores'] == 64
    assert project['injected_file_path_bytes'] == 100


def test_most_specific_limit_wins():
    project, user = quota.resolve_limits(
        class_overrides={'instances': 50, 'cores': 60, 'ram': 70},
        project_overrides={'instances': 5, 'cores': 6},
        user_overrides={'instances': 1})
    assert (project['instances'], project['cores'], project['ram']) == (5, 6, 70)
    assert (user['instances'], user['cores'], user['ram']) == (1, 6, 70)
    assert project['key_pairs'] == user['key_pairs'] == 100


def test_unlimited_override_replaces_a_finite_default():
    project, user = quota.resolve_limits({}, {'instances': -1}, {})
    assert project['instances'] == user['instances'] == -1


def test_rows_of_unknown_resources_are_ignored():
    project, _user = quota.resolve_limits({'networks': 3}, {'bogus': 1})
    assert 'networks' not in project and 'bogus' not in project


# --- who is over ------------------------------------------------------------------

def _limits(**overrides):
    return quota.resolve_limits({}, overrides)[0]


def test_within_every_limit_is_not_over():
    deltas = {'instances': 1, 'cores': 2, 'ram': 512}
    assert quota.find_overs(deltas, USAGE, _limits(), _limits()) == {}


def test_exactly_at_the_limit_fits_one_more_does_not():
    assert quota.find_overs({'instances': 1}, USAGE, _limits(), None) == {}
    assert quota.find_overs({'instances': 2}, USAGE, _limits(), None) == {'instances': (10, 9)}


def test_unlimited_is_never_over():
    assert quota.find_overs({'cores': 10 ** 6}, USAGE, _limits(cores=-1), None) == {}


def test_user_limit_applies_to_the_users_own_usage():
    # The project (9 of 10) still has room; the user (2 of 2) has not.
    user_limits = _limits(instances=2)
    assert quota.find_overs({'instances': 1}, USAGE, _limits(), user_limits) == {
        'instances': (2, 2)}


def test_project_limit_is_reported_before_the_users():
    overs = quota.find_overs({'instances': 5}, USAGE, _limits(), _limits(instances=3))
    assert overs == {'instances': (10, 9)}


def test_keypairs_are_checked_against_the_user_only():
    assert quota.find_overs({'key_pairs': 1}, USAGE, _limits(), _limits(key_pairs=3)) == {
        'key_pairs': (3, 3)}


def test_zero_delta_catches_usage_already_past_the_limit():
    usage = {'project': dict(USAGE['project'], instances=11)}
    assert quota.find_overs({'instances': 0}, usage, _limits(), None) == {
        'instances': (10, 11)}


# --- the message ------------------------------------------------------------------

def test_over_quota_message_for_one_resource():
    error = quota.over_quota({'cores': (20, 20)}, {'cores': 4})
    assert isinstance(error, exception.OverQuota)
    assert error.code == 403
    assert error.message == ('Quota exceeded for cores: Requested 4, but already used '
                             '20 of 20 cores')


def test_over_quota_message_lists_resources_alphabetically():
    error = quota.over_quota({'ram': (51200, 51000), 'cores': (20, 19)},
                             {'instances': 1, 'cores': 2, 'ram': 512})
    assert error.message == ('Quota exceeded for cores, ram: Requested 2, 512, but already '
                             'used 19, 51000 of 20, 51200 cores, ram')


def test_over_quota_carries_numbers_for_callers():
    error = quota.over_quota({'instances': (10, 8)}, {'instances': 5})
    assert error.kwargs['quotas'] == {'instances': 10}
    assert error.kwargs['usages'] == {'instances': 8}
    assert error.kwargs['headroom'] == {'instances': 2}


def test_recheck_message_shows_usage_before_the_request():
    # The re-check counts the request's own build requests (11 of 10);
    # the message shows the 2 requested on top of the 9 used before.
    error = quota.over_quota({'instances': (10, 11)}, {'instances': 0}, {'instances': 2})
    assert error.message == ('Quota exceeded for instances: Requested 2, but already used '
                             '9 of 10 instances')


def test_check_deltas_refuses_resources_it_cannot_count():
    with pytest.raises(ValueError):
        quota.check_deltas(None, 'demo', 'demo', {'metadata_items': 1})
