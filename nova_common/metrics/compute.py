"""nova-compute's metrics: how long builds and deletes took on this host,
and how they ended."""
import functools
import time

import prometheus_client

from nova_common.metrics import exporter

_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

BUILD_DURATION = prometheus_client.Histogram(
    'nova_compute_build_duration_seconds',
    'Time a build took on this compute host, from taking the instance to its end, '
    'by outcome: success (ACTIVE), failed (the spawn failed: rescheduled or ERROR), '
    'aborted (not built here: deleted or moved on meanwhile), error (an unexpected '
    'exception).',
    ['outcome'], buckets=_BUCKETS)
DELETE_DURATION = prometheus_client.Histogram(
    'nova_compute_delete_duration_seconds',
    'Time a delete took on this compute host, by outcome: success, failed (the '
    'guest could not be removed: the instance is in ERROR), error (an unexpected '
    'exception).',
    ['outcome'], buckets=_BUCKETS)

_BUILD_OUTCOMES = {True: 'success', False: 'failed', None: 'aborted'}
_DELETE_OUTCOMES = {True: 'success', False: 'failed'}


def _timed(histogram, outcomes):
    """Decorate a function whose return value names its outcome."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not exporter.enabled():
                return func(*args, **kwargs)
            started = time.monotonic()
            outcome = 'error'
            try:
                result = func(*args, **kwargs)
                outcome = outcomes.get(result, 'error')
                return result
            finally:
                histogram.labels(outcome).observe(time.monotonic() - started)
        return wrapper
    return decorator


timed_build = _timed(BUILD_DURATION, _BUILD_OUTCOMES)
timed_delete = _timed(DELETE_DURATION, _DELETE_OUTCOMES)
