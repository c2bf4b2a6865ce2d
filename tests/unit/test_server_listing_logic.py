"""Pure logic of server lists and bodies: the Python order (which must
match SQL's, NULL first), filters on instance dicts, sort parameters,
state checks and small view helpers."""
import datetime

import pytest

from nova_api.compute import record_filters
from nova_api.compute import record_order
from nova_api.compute import state_checks
from nova_api.views import servers as views
from nova_common import compute_states as states
from nova_common.db.api import instances
from nova_common import exception

T0 = datetime.datetime(2024, 1, 1)


def _rec(uuid, **values):
    return dict(uuid=uuid, **values)


def test_sort_order_defaults_and_padding():
    assert instances.sort_order(None, None) == (['created_at', 'uuid'], ['desc', 'asc'])
    assert instances.sort_order(['display_name', 'host'], ['desc']) == (
        ['display_name', 'host', 'uuid'], ['desc', 'desc', 'asc'])
    assert instances.sort_order(['uuid'], ['desc']) == (['uuid'], ['desc'])
    with pytest.raises(exception.InvalidInput):
        instances.sort_order(['host'], ['up'])
    with pytest.raises(exception.InvalidInput):
        instances.sort_order(['host'], ['asc', 'desc'])
    with pytest.raises(exception.InvalidInput):
        instances.sort_order(['no_such_column'], ['asc'])


def test_python_order_puts_null_first_ascending_and_last_descending():
    records = [_rec('b', host='h2'), _rec('a', host=None), _rec('c', host='h1'),
               _rec('d', host=None)]
    ascending = sorted(records, key=record_order.sort_key(['host', 'uuid'], ['asc', 'asc']))
    assert [r['uuid'] for r in ascending] == ['a', 'd', 'c', 'b']
    descending = sorted(records, key=record_order.sort_key(['host', 'uuid'], ['desc', 'asc']))
    assert [r['uuid'] for r in descending] == ['b', 'c', 'a', 'd']


def test_comes_after_follows_the_order():
    keys, dirs = ['created_at', 'uuid'], ['desc', 'asc']
    marker = {'created_at': T0, 'uuid': 'm'}
    assert record_order.comes_after(_rec('a', created_at=T0 - datetime.timedelta(1)),
                                    marker, keys, dirs)
    assert record_order.comes_after(_rec('z', created_at=T0), marker, keys, dirs)
    assert not record_order.comes_after(_rec('a', created_at=T0), marker, keys, dirs)
    assert not record_order.comes_after(_rec('m', created_at=T0), marker, keys, dirs)


def test_record_filters_match_like_sql():
    instance = {'uuid': 'u1', 'display_name': 'web-1', 'vm_state': states.ACTIVE,
                'task_state': states.REBOOTING, 'flavor': {'flavorid': '7'},
                'tags': ['a', 'b'], 'updated_at': T0, 'deleted': 0, 'project_id': 'p',
                'host': None, 'locked': False}
    assert record_filters.matches(instance, {'name': '^web', 'project_id': 'p'})
    assert not record_filters.matches(instance, {'name': '^db'})
    assert record_filters.matches(instance, {'status': ['reboot']})
    assert not record_filters.matches(instance, {'status': ['ACTIVE']})
    assert record_filters.matches(instance, {'flavor': '7', 'tags': ['a', 'b']})
    assert not record_filters.matches(instance, {'tags': ['a', 'c']})
    assert record_filters.matches(instance, {'tags-any': ['c', 'b'], 'not-tags': ['a', 'c']})
    assert not record_filters.matches(instance, {'not-tags-any': ['b']})
    assert record_filters.matches(instance, {'changes-since': T0, 'changes-before': T0})
    assert not record_filters.matches(instance, {'changes-since': T0 + datetime.timedelta(1)})
    assert record_filters.matches(instance, {'deleted': False, 'locked': False})
    assert not record_filters.matches(instance, {'host': 'h1'})
    assert not record_filters.matches(instance, {'key_name': 'k'})


def test_partial_records_are_judged_by_what_they_carry():
    judged = record_filters.known_to_partial_records(
        {'project_id': 'p', 'name': 'x', 'status': ['ACTIVE'], 'uuid': ['u']})
    assert judged == {'project_id': 'p', 'uuid': ['u']}


@pytest.mark.parametrize('instance, fails_on', [
    ({'vm_state': states.ACTIVE, 'task_state': None}, None),
    ({'vm_state': states.BUILDING, 'task_state': None}, 'vm_state building'),
    ({'vm_state': states.STOPPED, 'task_state': states.POWERING_ON}, 'task_state powering-on'),
])
def test_require_state(instance, fails_on):
    instance['uuid'] = 'u'
    if fails_on is None:
        state_checks.require_state(instance, 'x', state_checks.METADATA_VM_STATES, no_task=True)
        return
    with pytest.raises(exception.InstanceInvalidState) as error:
        state_checks.require_state(instance, 'x', state_checks.METADATA_VM_STATES, no_task=True)
    assert error.value.message == "Cannot 'x' instance u while it is in %s" % fails_on


def test_view_helpers():
    assert views.host_id('p', None) == ''
    assert len(views.host_id('p', 'h')) == 56
    assert views.status({'vm_state': states.ACTIVE, 'deleted': 3}) == 'DELETED'
    assert views.status({'vm_state': states.STOPPED, 'task_state': None}) == 'SHUTOFF'
    assert views.isotime(datetime.datetime(2024, 5, 6, 7, 8, 9, 10)) == '2024-05-06T07:08:09Z'
    assert views.strtime(datetime.datetime(2024, 5, 6, 7, 8, 9)) == '2024-05-06T07:08:09.000000'
    assert views.host_status({'host': None}, None) == ''
    assert views.host_status({'host': 'h'}, None) == ''
    assert views.host_status({'host': 'h'}, {'forced_down': True, 'disabled': True}) == 'DOWN'
    assert views.host_status({'host': 'h'}, {'forced_down': False,
                                             'disabled': True}) == 'MAINTENANCE'
