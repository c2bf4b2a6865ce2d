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


def is_up(service):
    """True when ``service`` (a services row as a dict) is alive."""
    if service.get('forced_down'):
        return False
    heartbeat = last_heartbeat(service)
    if heartbeat is None:
        return False
    elapsed = timeutils.utcnow() - heartbeat
    return abs(elapsed) <= datetime.timedelta(seconds=CONF.service_down_time)
