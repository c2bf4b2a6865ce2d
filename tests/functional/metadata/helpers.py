"""A server with a key pair, user data, metadata and a port on a static
(DHCP off) subnet, booted on the functional cloud of test_power_actions,
and signed requests to the metadata application for it."""
import base64

from oslo_serialization import jsonutils
import webtest

from nova_common.conf import CONF
from nova_metadata import app as metadata_app
from nova_metadata import signature
from tests.functional.network import helpers as network_helpers
from tests.functional.test_keypairs import PUBLIC_KEY
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import VERSION
from tests.functional.cloud_helpers import wait_for

SECRET = 'metadata-test-secret'
USER_DATA = b'#cloud-config\nhostname: from-user-data\n'
DEMO = 'demo:demo'


def configure():
    CONF.set_override('metadata_proxy_shared_secret', SECRET, group='metadata')


def network(cloud, name='net1', cidr='10.42.0.0/24', token=DEMO):
    net = network_helpers.network(cloud, token=token, name=name)
    network_helpers.subnet(cloud, net['id'], cidr=cidr, token=token, enable_dhcp=False,
                           dns_nameservers=['10.42.0.53'])
    return net


def boot(cloud, net=None, key_name='k1', token=DEMO, **extra):
    """An ACTIVE server (its body) with key ``key_name`` and USER_DATA."""
    if key_name:
        cloud.post('/v2.1/os-keypairs', {'keypair': {'name': key_name,
                                                     'public_key': PUBLIC_KEY}},
                   token=token, status=200)
    server = {'name': 'vm one', 'imageRef': cloud.image_id, 'flavorRef': 'small',
              'hostname': 'vm1', 'metadata': {'role': 'web'},
              'user_data': base64.b64encode(USER_DATA).decode(),
              'networks': [{'uuid': net['id']}] if net else 'none'}
    if key_name:
        server['key_name'] = key_name
    server.update(extra)
    uuid = cloud.post('/v2.1/servers', {'server': server}, token=token, version=VERSION,
                      status=202).json['server']['id']
    return wait_for(lambda: show(cloud, uuid)['status'] == 'ACTIVE' and show(cloud, uuid),
                    what='server %s to be ACTIVE' % uuid)


class MetadataClient:
    """Requests to nova-metadata-api's application as a proxy sends them."""

    def __init__(self):
        self.app = webtest.TestApp(metadata_app.build())

    def request(self, path, server=None, method='GET', body=b'', status=200, headers=None,
                secret=SECRET, tenant=None):
        sent = {}
        if server is not None:
            sent = {'X-Instance-ID': server['id'],
                    'X-Tenant-ID': tenant or server['tenant_id'],
                    'X-Instance-ID-Signature': signature.sign(secret, server['id']),
                    'X-Forwarded-For': '10.42.0.2'}
        sent.update(headers or {})
        response = self.app.request(path, method=method, body=body, headers=sent,
                                    expect_errors=True)
        assert response.status_int == status, '%s %s: %s %s' % (
            method, path, response.status, response.text)
        return response

    def json(self, path, server):
        response = self.request(path, server)
        assert response.content_type == 'application/json'
        return jsonutils.loads(response.body)

    def text(self, path, server=None):
        return self.request(path, server).body.decode('utf-8')
