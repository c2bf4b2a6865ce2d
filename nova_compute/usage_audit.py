"""The periodic instance usage audit ([DEFAULT] instance_usage_audit), as
Nova's ``_instance_usage_audit``: once per completed audit period, this
host sends ``instance.exists`` for every instance that ran on it during
the period and records the run in its cell's task log (RUNNING, then DONE
with the count and the errors), which os-instance_usage_audit_log reports.
The cell conductor does the database work."""
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import audit_period
from nova_common import notifications

LOG = logging.getLogger(__name__)


def _iso(value):
    return timeutils.isotime(value) if value.tzinfo else value.isoformat()


def audit(context, host, conductor_api, before=None):
    """Audit the last completed period (before ``before``, now by
    default); returns how many instances were audited, or None when the
    period was audited already."""
    begin, end = audit_period.last_completed(before=before)
    ran = conductor_api.usage_audit_begin(context, host, _iso(begin), _iso(end))
    if ran is None:
        return None
    LOG.info('Running instance usage audit for host %s from %s to %s. %d instances.', host,
             begin, end, len(ran))
    started = time.monotonic()
    publisher = notifications.compute_publisher(host)
    errors = 0
    for instance in ran:
        try:
            notifications.instance_action(context, publisher, dict(instance, host=host),
                                          'exists')
        except Exception:  # noqa: BLE001 - counted in the task log instead
            LOG.exception('Failed to generate usage audit for instance %s', instance['uuid'])
            errors += 1
    message = 'Instance usage audit ran for host %s, %d instances in %.3f seconds.' % (
        host, len(ran), time.monotonic() - started)
    conductor_api.usage_audit_end(context, host, _iso(begin), _iso(end), errors, message)
    return len(ran)
