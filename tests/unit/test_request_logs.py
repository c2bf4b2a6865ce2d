"""Collecting one request's lines from several daemons' logs: time order
across files, a record's traceback lines taken with it, other requests'
and other processes' lines left out."""
from nova_common import request_logs

REQ = 'req-0b8e5f2a-3c7d-4e1f-9a6b-1c2d3e4f5a6b'
OTHER = 'req-11111111-2222-3333-4444-555555555555'


def _write(path, lines):
    path.write_text(''.join(line + '\n' for line in lines))
    return str(path)


def test_lines_of_one_request_in_time_order(tmp_path):
    api = _write(tmp_path / 'nova-api.log', [
        '2024-01-02 03:04:05.100 11 INFO nova_api.router [None %s admin admin - - -] '
        'POST /v2.1/servers' % REQ,
        '2024-01-02 03:04:05.200 11 INFO nova_api.router [None %s admin admin - - -] '
        'GET /v2.1/servers' % OTHER,
        '2024-01-02 03:04:05.900 11 INFO nova_api.router [None %s admin admin - - -] '
        '"POST /v2.1/servers" status: 202' % REQ,
    ])
    compute = _write(tmp_path / 'nova-compute.log', [
        '2024-01-02 03:04:05.500 22 ERROR nova_compute.build [None %s admin admin - - -] '
        'Spawning failed' % REQ,
        '2024-01-02 03:04:05.500 22 ERROR nova_compute.build Traceback (most recent call last):',
        '2024-01-02 03:04:05.500 22 ERROR nova_compute.build   File "x.py", line 1',
        '2024-01-02 03:04:05.500 22 INFO nova_compute.other [-] unrelated, same instant',
        'a line with no timestamp after an unrelated one',
        '2024-01-02 03:04:06.000 22 INFO nova_compute.build [None %s admin admin - - -] '
        'Instance is ACTIVE' % REQ,
    ])
    found = request_logs.collect(REQ, [api, compute])
    assert [(line.source, line.text.split(' ', 5)[-1][:25]) for line in found] == [
        ('nova-api.log', '[None %s' % REQ[:19]),
        ('nova-compute.log', '[None %s' % REQ[:19]),
        ('nova-compute.log', 'Traceback (most recent ca'),
        ('nova-compute.log', '  File "x.py", line 1'),
        ('nova-api.log', '[None %s' % REQ[:19]),
        ('nova-compute.log', '[None %s' % REQ[:19]),
    ]
    assert str(found[0]).startswith('nova-api.log: 2024-01-02 03:04:05.100 11 INFO')


def test_log_files_of_a_directory(tmp_path):
    _write(tmp_path / 'b.log', [])
    _write(tmp_path / 'a.log', [])
    _write(tmp_path / 'notes.txt', [])
    (tmp_path / 'sub.log').mkdir()
    assert request_logs.log_files(str(tmp_path)) == [str(tmp_path / 'a.log'),
                                                      str(tmp_path / 'b.log')]
