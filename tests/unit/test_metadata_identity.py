"""The proxy's signature and port look-up rules: a signature never
verifies without a secret; only a server's port names a guest; a
process with the API database looks ports up there, a compute over HTTP."""
import hashlib
import hmac

import pytest

from nova_common.cmd import metadata_api
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.network import metadata_proxy
from nova_compute.network import port_lookup
from nova_metadata import signature

UUID = '6f5f1a3e-3f4c-4d6e-9b1a-2c3d4e5f6a7b'


def test_signature_is_hmac_sha256_of_the_instance_id():
    expected = hmac.new(b'secret', UUID.encode(), hashlib.sha256).hexdigest()
    assert signature.sign('secret', UUID) == expected
    assert signature.verify('secret', UUID, expected)
    assert not signature.verify('secret', UUID, expected[:-1] + '0')
    assert not signature.verify('other', UUID, expected)
    assert not signature.verify('secret', UUID, None)
    # No secret: nothing verifies, not even a signature made without one.
    assert not signature.verify('', UUID, signature.sign('', UUID))


def test_only_a_servers_port_names_a_guest():
    dhcp = {'device_owner': 'network:dhcp', 'device_id': 'dhcp-host1', 'project_id': 'p'}
    free = {'device_owner': '', 'device_id': '', 'project_id': 'p'}
    server = {'device_owner': 'compute:nova', 'device_id': UUID, 'project_id': 'p'}
    assert port_lookup._owner([dhcp, free]) is None
    assert port_lookup._owner([dhcp, server]) == (UUID, 'p')


def test_lookup_is_local_with_the_api_database_else_http():
    CONF.set_override('connection', 'sqlite://', group='api_database')
    try:
        assert isinstance(metadata_proxy.default_lookup(), port_lookup.LocalPortLookup)
    finally:
        CONF.clear_override('connection', group='api_database')
    CONF.set_override('network_url', 'http://api:8774/network/', group='metadata')
    CONF.set_override('network_token', 'admin:admin', group='metadata')
    try:
        lookup = metadata_proxy.default_lookup()
    finally:
        CONF.clear_override('network_url', group='metadata')
        CONF.clear_override('network_token', group='metadata')
    assert isinstance(lookup, port_lookup.HTTPPortLookup)
    assert lookup.ports_url == 'http://api:8774/network/v2.0/ports'
    assert lookup.headers == {'X-Auth-Token': 'admin:admin'}


def test_metadata_api_refuses_to_start_without_a_secret():
    with pytest.raises(exception.ConfigError) as raised:
        metadata_api.check_secret()
    assert 'metadata_proxy_shared_secret' in str(raised.value)
    CONF.set_override('metadata_proxy_shared_secret', 's', group='metadata')
    try:
        metadata_api.check_secret()
    finally:
        CONF.clear_override('metadata_proxy_shared_secret', group='metadata')
