"""nova-api's HTTP server on stop: it stops accepting at once, lets a
request in flight finish, and gives up on one that outlives the timeout."""
import threading
import time
import urllib.error
import urllib.request

import pytest

from nova_common.cmd import api as api_cmd


class SlowApp:
    """Answers once ``release`` is set (or after ``hold`` seconds)."""

    def __init__(self, hold):
        self.hold = hold
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        self.entered.set()
        self.release.wait(self.hold)
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'done']


def _request_in_background(port):
    outcome = {}

    def run():
        try:
            with urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=30) as answer:
                outcome['status'], outcome['body'] = answer.status, answer.read()
        except (urllib.error.URLError, ConnectionError) as error:
            outcome['error'] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _stop_in_background(server, timeout):
    result = {}

    def run():
        result['finished'] = server.stop(timeout)
        result['at'] = time.monotonic()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_request_in_flight_finishes_and_new_ones_are_refused():
    app = SlowApp(hold=30)
    server = api_cmd.serve(app, '127.0.0.1', 0)
    port = server.server_port
    client, outcome = _request_in_background(port)
    assert app.entered.wait(10)

    stopper, result = _stop_in_background(server, timeout=20)
    time.sleep(0.5)
    assert 'finished' not in result, 'stop returned while a request was in flight'
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=5)

    released_at = time.monotonic()
    app.release.set()
    client.join(10)
    stopper.join(10)
    assert outcome == {'status': 200, 'body': b'done'}
    assert result['finished'] is True
    assert result['at'] >= released_at


def test_a_request_that_outlives_the_timeout_is_abandoned():
    app = SlowApp(hold=30)
    server = api_cmd.serve(app, '127.0.0.1', 0)
    client, _outcome = _request_in_background(server.server_port)
    assert app.entered.wait(10)
    started = time.monotonic()
    try:
        assert server.stop(timeout=1) is False
        assert 0.9 < time.monotonic() - started < 5
    finally:
        app.release.set()
        client.join(10)
