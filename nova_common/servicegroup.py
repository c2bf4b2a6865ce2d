"""Whether a service is alive, judged from its service record.

A service beats its heart into its record every ``report_interval``
seconds (``last_seen_up``); it counts as up while the last beat is younger
than ``service_down_time``, unless an operator forced it down.
"""
import datetime

from oslo_utils import timeutils

from nova_common.conf import CONF


def _naive_utc(value):
    """A naive UTC datetime from a datetime or an ISO 8601 string (a
    record that travelled over RPC carries its timestamps as strings)."""
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    if value.tzinfo is not None:
        value = timeutils.normalize_time(value)
    return value


def last_heartbeat(service):
    """When the service last reported; its creation time when it never did."""
    value = service.get('last_seen_up') or service.get('created_at')
    return _naive_utc(value) if value else None


def up_checker():
    """A function telling whether a service is alive, judged at the moment
    it was made: one clock and option reading for many services."""
    now = timeutils.utcnow()
    down_time = datetime.timedelta(seconds=CONF.service_down_time)

    def alive(service):
        if service.get('forced_down'):
            return False
        heartbeat = last_heartbeat(service)
        return heartbeat is not None and abs(now - heartbeat) <= down_time
    return alive


def is_up(service):
    """True when ``service`` (a services row as a dict) is alive."""
    return up_checker()(service)
