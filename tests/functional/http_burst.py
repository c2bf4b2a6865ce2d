"""Many HTTP requests at once, each on a connection of its own, all opened
together (a barrier releases them): what a listen backlog must absorb."""
import collections
import http.client
import json
import threading
import time


def burst(host, port, count, method, path, body=None, headers=None, timeout=60):
    """Send ``count`` requests at once; returns {'statuses': Counter,
    'errors': Counter of exception names, 'seconds': [latency, ...]}.
    ``body`` may be a callable of the request's index (unique names)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def one(index):
        payload = body(index) if callable(body) else body
        data = json.dumps(payload).encode() if payload is not None else None
        barrier.wait()
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
            connection.request(method, path, body=data, headers=headers or {})
            response = connection.getresponse()
            response.read()
            connection.close()
            results[index] = (response.status, None, time.monotonic() - started)
        except (OSError, http.client.HTTPException) as error:
            results[index] = (None, type(error).__name__, time.monotonic() - started)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 10)
    return {
        'statuses': collections.Counter(status for status, _e, _s in results if status),
        'errors': collections.Counter(error for _st, error, _s in results if error),
        'seconds': sorted(seconds for _st, _e, seconds in results),
    }
