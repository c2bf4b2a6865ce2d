"""Service liveness from the service record."""
import datetime

from oslo_utils import timeutils

from nova_common.conf import CONF
from nova_common import servicegroup


def _ago(seconds):
    return timeutils.utcnow() - datetime.timedelta(seconds=seconds)


def test_a_recent_heartbeat_is_up_an_old_one_down():
    assert servicegroup.is_up({'last_seen_up': _ago(5), 'created_at': _ago(500)})
    assert not servicegroup.is_up({'last_seen_up': _ago(61), 'created_at': _ago(500)})


def test_service_down_time_decides():
    record = {'last_seen_up': _ago(30), 'created_at': _ago(500)}
    assert servicegroup.is_up(record)
    CONF.set_override('service_down_time', 20)
    assert not servicegroup.is_up(record)


def test_forced_down_wins():
    assert not servicegroup.is_up({'last_seen_up': _ago(1), 'forced_down': True})


def test_never_reported_counts_from_creation():
    assert servicegroup.is_up({'last_seen_up': None, 'created_at': _ago(10),
                               'updated_at': _ago(1)})
    assert not servicegroup.is_up({'last_seen_up': None, 'created_at': _ago(100),
                                   'updated_at': _ago(1)})


def test_timestamps_that_travelled_over_rpc():
    recent = _ago(5).strftime('%Y-%m-%dT%H:%M:%S.%f')
    assert servicegroup.is_up({'last_seen_up': recent})
    aware = _ago(5).replace(tzinfo=datetime.timezone.utc)
    assert servicegroup.is_up({'last_seen_up': aware})
    assert not servicegroup.is_up({'last_seen_up': None, 'created_at': None})
