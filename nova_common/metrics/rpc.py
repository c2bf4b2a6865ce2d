"""RPC client metrics: how long each call waited for its answer, by topic,
method and outcome, and how many casts were sent.

``MeteredClient`` wraps an oslo.messaging RPCClient (``rpc.get_client``
returns one); ``prepare`` keeps the wrapping.
"""
import time

import prometheus_client

from nova_common.metrics import exporter

CALL_DURATION = prometheus_client.Histogram(
    'nova_rpc_client_call_duration_seconds',
    'Time an RPC call waited for its answer, by topic, method and outcome '
    '(success, timeout, error).',
    ['topic', 'method', 'outcome'],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
CASTS = prometheus_client.Counter(
    'nova_rpc_client_casts_total', 'RPC casts sent, by topic and method.',
    ['topic', 'method'])


def _outcome(error):
    if error is None:
        return 'success'
    if type(error).__name__ == 'MessagingTimeout':
        return 'timeout'
    return 'error'


class MeteredClient:
    """An RPCClient whose calls and casts are measured."""

    def __init__(self, client, topic):
        self._client = client
        self._topic = topic

    def prepare(self, *args, **kwargs):
        return MeteredClient(self._client.prepare(*args, **kwargs), self._topic)

    def call(self, ctxt, method, **kwargs):
        if not exporter.enabled():
            return self._client.call(ctxt, method, **kwargs)
        started = time.monotonic()
        error = None
        try:
            return self._client.call(ctxt, method, **kwargs)
        except Exception as raised:
            error = raised
            raise
        finally:
            CALL_DURATION.labels(self._topic, method, _outcome(error)).observe(
                time.monotonic() - started)

    def cast(self, ctxt, method, **kwargs):
        if exporter.enabled():
            CASTS.labels(self._topic, method).inc()
        return self._client.cast(ctxt, method, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)
