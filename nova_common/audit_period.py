"""Audit periods: the last completed hour, day, month or year before a
moment, as Nova's ``last_completed_audit_period`` computes them (without
its ``unit@offset`` form)."""
import datetime

from oslo_utils import timeutils

from nova_common.conf import CONF


def _month_before(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_completed(unit=None, before=None):
    """(begin, end) naive UTC datetimes of the last ``unit`` ([DEFAULT]
    instance_usage_audit_period by default) that ended before ``before``
    (now by default)."""
    unit = unit or CONF.instance_usage_audit_period
    moment = before or timeutils.utcnow()
    if unit == 'hour':
        end = moment.replace(minute=0, second=0, microsecond=0)
        if end >= moment:
            end -= datetime.timedelta(hours=1)
        return end - datetime.timedelta(hours=1), end
    if unit == 'day':
        end = datetime.datetime(moment.year, moment.month, moment.day)
        if end >= moment:
            end -= datetime.timedelta(days=1)
        return end - datetime.timedelta(days=1), end
    if unit == 'month':
        end = datetime.datetime(moment.year, moment.month, 1)
        if end >= moment:
            end = datetime.datetime(*_month_before(end.year, end.month), 1)
        return datetime.datetime(*_month_before(end.year, end.month), 1), end
    if unit == 'year':
        end = datetime.datetime(moment.year, 1, 1)
        if end >= moment:
            end = datetime.datetime(moment.year - 1, 1, 1)
        return datetime.datetime(end.year - 1, 1, 1), end
    raise ValueError('Unknown audit period %r' % unit)
