"""nova-manage logs request, run as a separate process: one request's
lines from a log directory or named files, and its one-line errors."""
from tests.functional.test_manage import Operator
from tests.functional.test_manage import assert_one_line_error

REQ = 'req-0b8e5f2a-3c7d-4e1f-9a6b-1c2d3e4f5a6b'


def _logs(tmp_path):
    logs = tmp_path / 'logs'
    logs.mkdir()
    (logs / 'nova-api.log').write_text(
        '2024-01-02 03:04:05.100 11 INFO nova_api.router [None %s a a - - -] POST\n' % REQ)
    (logs / 'nova-compute.log').write_text(
        '2024-01-02 03:04:05.050 22 INFO nova_compute.build [-] unrelated\n'
        '2024-01-02 03:04:06.000 22 INFO nova_compute.build [None %s a a - - -] ACTIVE\n'
        % REQ)
    return logs


def test_request_lines_from_a_log_dir_and_from_files(tmp_path):
    operator = Operator(tmp_path)
    logs = _logs(tmp_path)
    out = operator.manage('logs', 'request', REQ, '--log-dir', str(logs)).stdout
    assert out.splitlines() == [
        'nova-api.log: 2024-01-02 03:04:05.100 11 INFO nova_api.router [None %s a a - - -] '
        'POST' % REQ,
        'nova-compute.log: 2024-01-02 03:04:06.000 22 INFO nova_compute.build '
        '[None %s a a - - -] ACTIVE' % REQ]
    out = operator.manage('logs', 'request', REQ, '--log-file',
                          str(logs / 'nova-compute.log')).stdout
    assert len(out.splitlines()) == 1 and out.startswith('nova-compute.log: ')
    # [DEFAULT] log_dir of the config file is the default.
    config = operator.write_config('logs.conf', '[DEFAULT]\nlog_dir = %s\n' % logs)
    assert len(operator.manage('logs', 'request', REQ, config=config).stdout.splitlines()) == 2


def _error(result):
    assert_one_line_error(result)
    return result.stderr


def test_request_errors_are_one_line(tmp_path):
    operator = Operator(tmp_path)
    logs = _logs(tmp_path)
    assert 'Not a request id' in _error(
        operator.manage('logs', 'request', 'nonsense', '--log-dir', str(logs), expect=1))
    assert 'No such log directory' in _error(
        operator.manage('logs', 'request', REQ, '--log-dir', str(tmp_path / 'none'),
                        expect=1))
    assert 'No log files' in _error(
        operator.manage('logs', 'request', REQ, expect=1))
    other = 'req-11111111-2222-3333-4444-555555555555'
    assert 'mentions %s' % other in _error(
        operator.manage('logs', 'request', other, '--log-dir', str(logs), expect=1))
