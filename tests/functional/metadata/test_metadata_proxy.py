"""The host-side metadata proxy for real, inside two network namespaces
this test makes: "host" (the proxy listens there on 169.254.169.254:80, as
on a network's bridge) and "guest", joined by a veth pair; the guest's
addresses are the fixed IPs of two servers on net1 and one that no port
has. nova-metadata-api and the network API (which the proxy asks over
HTTP) run in this process on loopback ports. Each address gets its own
server's meta_data.json, whatever identity headers the guest sends; an
address with no port gets 404. Everything is removed afterwards."""
import os
import shutil
import subprocess
import sys

import pytest
from oslo_serialization import jsonutils

from nova_api import app as api_app
from nova_common.cmd import api as api_cmd
from nova_common.cmd import metadata_api
from nova_compute.network import metadata_proxy
from nova_compute.network import port_lookup
from tests.functional.metadata import helpers
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.integration import harness

GATEWAY = '10.42.0.1'
FIRST, SECOND, STRANGER = '10.42.0.5', '10.42.0.7', '10.42.0.9'
FETCH = """
import http.client, json, sys
source, path, headers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
connection = http.client.HTTPConnection('169.254.169.254', 80, timeout=20,
                                        source_address=(source, 0))
connection.request('GET', path, headers=headers)
answer = connection.getresponse()
print(json.dumps({'status': answer.status, 'body': answer.read().decode()}))
"""


def _ip(*argv, namespace=None):
    prefix = ['ip', 'netns', 'exec', namespace] if namespace else []
    subprocess.run(prefix + ['ip'] + list(argv), check=True, capture_output=True)


@pytest.fixture
def namespaces():
    harness.require(shutil.which('ip') and os.geteuid() == 0,
                    'network namespaces need root and iproute2')
    suffix = harness.random_suffix()[:6]
    host, guest = 'mdhost-' + suffix, 'mdguest-' + suffix
    host_end, guest_end = 'mdh' + suffix, 'mdg' + suffix
    subprocess.run(['ip', 'netns', 'add', host], check=True)
    try:
        subprocess.run(['ip', 'netns', 'add', guest], check=True)
        _ip('link', 'add', host_end, 'type', 'veth', 'peer', 'name', guest_end)
        _ip('link', 'set', host_end, 'netns', host)
        _ip('link', 'set', guest_end, 'netns', guest)
        for address in (GATEWAY + '/24', metadata_proxy.METADATA_ADDRESS + '/32'):
            _ip('addr', 'add', address, 'dev', host_end, namespace=host)
        for address in (FIRST, SECOND, STRANGER):
            _ip('addr', 'add', address + '/24', 'dev', guest_end, namespace=guest)
        for namespace, device in ((host, host_end), (guest, guest_end)):
            _ip('link', 'set', device, 'up', namespace=namespace)
            _ip('link', 'set', 'lo', 'up', namespace=namespace)
        _ip('route', 'add', metadata_proxy.METADATA_ADDRESS, 'dev', guest_end, namespace=guest)
        yield host, guest, host_end
    finally:
        for namespace in (guest, host):
            subprocess.run(['ip', 'netns', 'del', namespace], check=False)


def _fetch(guest, source, path, headers=None):
    result = subprocess.run(['ip', 'netns', 'exec', guest, sys.executable, '-c', FETCH, source,
                             path, jsonutils.dumps(headers or {})],
                            check=True, capture_output=True, text=True, timeout=60)
    return jsonutils.loads(result.stdout)


def test_each_guest_reads_only_its_own_metadata(running, namespaces):  # noqa: F811
    host, guest, host_end = namespaces
    helpers.configure()
    net = helpers.network(running)
    first = helpers.boot(running, net, networks=[{'uuid': net['id'], 'fixed_ip': FIRST}])
    second = helpers.boot(running, net, key_name='k2',
                          networks=[{'uuid': net['id'], 'fixed_ip': SECOND}])
    api = api_cmd.APIServer(api_app.build(), '127.0.0.1', 0)
    metadata = metadata_api.serve('127.0.0.1', 0)
    lookup = port_lookup.HTTPPortLookup('http://127.0.0.1:%d/network' % api.server_port,
                                        token='admin:admin')
    # Bound to the network's device too, as a proxy on a bridge would be.
    proxy = metadata_proxy.MetadataProxy(
        net['id'], lookup, namespace=host, device=host_end, listen_port=80,
        metadata_url='http://127.0.0.1:%d' % metadata.server_port)
    proxy.start()
    try:
        path = '/openstack/latest/meta_data.json'
        for source, server, key in ((FIRST, first, 'k1'), (SECOND, second, 'k2')):
            answer = _fetch(guest, source, path)
            assert answer['status'] == 200, answer
            meta = jsonutils.loads(answer['body'])
            assert meta['uuid'] == server['id'] and list(meta['public_keys']) == [key]
        # Naming another server in the request changes nothing: the proxy
        # puts the identity of the sender's own port.
        forged = _fetch(guest, FIRST, path, {'X-Instance-ID': second['id'],
                                             'X-Tenant-ID': 'demo'})
        assert jsonutils.loads(forged['body'])['uuid'] == first['id']
        assert _fetch(guest, STRANGER, path)['status'] == 404
        assert _fetch(guest, SECOND, '/latest/meta-data/local-ipv4') == {
            'status': 200, 'body': SECOND}
    finally:
        proxy.stop()
        metadata.stop(timeout=5)
        api.stop(timeout=5)
    # Stopped: nothing listens any more.
    with pytest.raises(subprocess.CalledProcessError):
        _fetch(guest, FIRST, path)


def test_proxy_answers_503_when_the_network_service_is_down(namespaces):
    host, guest, _device = namespaces
    lookup = port_lookup.HTTPPortLookup('http://127.0.0.1:%d/network' % harness.free_port())
    proxy = metadata_proxy.MetadataProxy('net-x', lookup, namespace=host, listen_port=80,
                                         metadata_url='http://127.0.0.1:1', secret='s')
    proxy.start()
    try:
        answer = _fetch(guest, FIRST, '/openstack')
        assert answer["status"] == 503 and 'unknown error' in answer['body']
    finally:
        proxy.stop()

