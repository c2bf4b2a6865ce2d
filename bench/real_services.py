"""Start-up shared by the benchmarks that run every daemon as a process
over real RabbitMQ and MariaDB with real guests under libvirtd
(guest_boot.py, move.py): the services checked before anything starts (a
missing one ends the run saying which), what they made removed at the
end, the machine described with its load, and the compute API called as
an administrator."""
import contextlib
import json
import os
import urllib.request

from tests.integration import harness
from tests.integration import libvirt_cloud

VERSION = '2.90'


def call(endpoint, method, path, body=None):
    """The compute API's JSON answer (None for an empty one)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        endpoint + path, data=data, method=method,
        headers={'X-Auth-Token': 'admin:admin', 'Content-Type': 'application/json',
                 'OpenStack-API-Version': 'compute ' + VERSION})
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = response.read()
        return json.loads(payload) if payload else None


def machine():
    return 'machine: %s, %d cores, load average %s (shared with other work)' % (
        os.uname().nodename, os.cpu_count(),
        ' '.join('%.1f' % value for value in os.getloadavg()))


@contextlib.contextmanager
def libvirt_services(*more_checks):
    """(rabbitmq, mariadb) once they, libvirtd, QEMU and ``more_checks``
    (callables that raise when something is missing) are there; on exit
    the vhosts and databases the run made are removed."""
    rabbitmq, mariadb = harness.RabbitMQ(), harness.MariaDB()
    try:
        rabbitmq.check()
        mariadb.check()
        libvirt_cloud.require_libvirt()
        for check in more_checks:
            check()
    except BaseException as missing:  # pytest's skip outside pytest
        raise SystemExit('cannot run: %s' % missing)
    try:
        yield rabbitmq, mariadb
    finally:
        rabbitmq.cleanup()
        mariadb.cleanup()
