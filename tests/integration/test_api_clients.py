"""nova-api as its own process, called by real clients: urllib for the
version documents, the ``openstack`` CLI for flavors and keypairs."""
import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization

import pytest

from nova_api import microversion
from tests.integration import harness

# The session's ``deployment`` is set up once: its modules run in one worker.
pytestmark = pytest.mark.xdist_group('deployment')


def test_version_documents(deployment, api_server):
    status, headers, document = harness.http_get(deployment.endpoint + '/')
    assert status == 200
    assert headers['Content-Type'].startswith('application/json')
    versions = {version['id']: version for version in document['versions']}
    assert versions['v2.1']['status'] == 'CURRENT'
    assert versions['v2.1']['version'] == microversion.MAX_VERSION
    assert versions['v2.1']['min_version'] == microversion.MIN_VERSION
    assert versions['v2.1']['links'][0]['href'] == deployment.endpoint + '/v2.1/'

    status, _, document = harness.http_get(deployment.compute_endpoint)
    assert status == 200
    assert document['version']['id'] == 'v2.1'
    assert document['version']['media-types'][0]['base'] == 'application/json'


def test_flavor_lifecycle(openstack):
    created = openstack.json('flavor', 'create', '--ram', '1024', '--vcpus', '2',
                             '--disk', '10', '--ephemeral', '5', '--swap', '512',
                             '--id', 'itest-flavor', 'itest.small')
    assert created['name'] == 'itest.small'
    assert created['id'] == 'itest-flavor'
    assert (created['ram'], created['vcpus'], created['disk']) == (1024, 2, 10)
    assert created['OS-FLV-EXT-DATA:ephemeral'] == 5
    assert created['swap'] == 512
    assert created['os-flavor-access:is_public'] is True

    listed = {flavor['ID']: flavor for flavor in openstack.json('flavor', 'list')}
    assert listed['itest-flavor']['Name'] == 'itest.small'
    assert listed['itest-flavor']['RAM'] == 1024

    shown = openstack.json('flavor', 'show', 'itest.small')
    assert shown['id'] == 'itest-flavor'
    assert shown['vcpus'] == 2

    openstack.run('flavor', 'delete', 'itest-flavor')
    missing = openstack.run('flavor', 'show', 'itest-flavor', expect=None)
    assert missing.returncode != 0
    assert 'itest-flavor' not in {flavor['ID'] for flavor in openstack.json('flavor', 'list')}


def _ssh_public_key():
    """A new ed25519 public key in OpenSSH format and its MD5 fingerprint
    (colon-separated hex, as Nova reports it)."""
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    public_key = key.public_bytes(serialization.Encoding.OpenSSH,
                                  serialization.PublicFormat.OpenSSH).decode()
    digest = hashlib.md5(base64.b64decode(public_key.split()[1])).hexdigest()
    return public_key + ' itest', ':'.join(digest[i:i + 2] for i in range(0, 32, 2))


def test_keypair_lifecycle(openstack, tmp_path):
    public_key, fingerprint = _ssh_public_key()
    key_file = tmp_path / 'itest.pub'
    key_file.write_text(public_key + '\n')
    created = openstack.json('keypair', 'create', '--public-key', str(key_file), 'itest-key')
    assert created['name'] == 'itest-key'
    assert created['fingerprint'] == fingerprint

    generated = openstack.run('keypair', 'create', 'itest-generated')
    assert 'PRIVATE KEY' in generated.stdout

    listed = {keypair['Name']: keypair for keypair in openstack.json('keypair', 'list')}
    assert listed['itest-key']['Fingerprint'] == created['fingerprint']
    assert 'itest-generated' in listed

    openstack.run('keypair', 'delete', 'itest-key', 'itest-generated')
    assert not {'itest-key', 'itest-generated'} & {
        keypair['Name'] for keypair in openstack.json('keypair', 'list')}
    assert openstack.run('keypair', 'show', 'itest-key', expect=None).returncode != 0


def test_usage_and_host_commands(openstack):
    """``openstack usage list`` (os-simple-tenant-usage) and ``host list``
    and ``show`` (os-hosts) answer through the real CLI. (``usage show``
    resolves the project through Keystone, which this deployment has not.)"""
    usages = openstack.json('usage', 'list', '--start', '2024-01-01', '--end', '2024-01-02')
    assert usages == []
    hosts = openstack.json('host', 'list')
    assert all(set(host) == {'Host Name', 'Service', 'Zone'} for host in hosts)
    missing = openstack.run('host', 'show', 'no-such-host', expect=None)
    assert missing.returncode != 0
