"""nova-scheduler's metrics: scheduling attempts by result and how long
each decision took (filters, weighers and the claims)."""
import time

import prometheus_client

from nova_common import exception
from nova_common.metrics import exporter

ATTEMPTS = prometheus_client.Counter(
    'nova_scheduler_attempts', 'select_destinations requests, by result: success, '
    'no_valid_host (no host could take an instance) or error.', ['result'])
DECISION_DURATION = prometheus_client.Histogram(
    'nova_scheduler_decision_duration_seconds',
    'Time select_destinations took (reading host states, filtering, weighing, claiming).',
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def measured_selection(select, *args, **kwargs):
    """Run ``select(*args, **kwargs)`` (a select_destinations), counting
    its result and timing it."""
    if not exporter.enabled():
        return select(*args, **kwargs)
    started = time.monotonic()
    result = 'error'
    try:
        selections = select(*args, **kwargs)
        result = 'success'
        return selections
    except exception.NoValidHost:
        result = 'no_valid_host'
        raise
    finally:
        DECISION_DURATION.observe(time.monotonic() - started)
        ATTEMPTS.labels(result).inc()
