"""Which server a guest's metadata request comes from: the port with the
request's source address on the proxy's network, asked of the network
service. A compute has no database, so it asks over HTTP (Networking
v2.0 ``GET /v2.0/ports?network_id=&fixed_ips=ip_address=``);
a host with the API database (the all-in-one) may read it in process.

Both answer ``(instance uuid, project id)`` or None. Only ports of
servers count (device_owner ``compute:*``): a DHCP or router port with
that address is no guest."""
import requests

from nova_common.db import engines
from nova_network.db import models

COMPUTE_OWNER_PREFIX = 'compute:'


class LookupFailed(Exception):
    """The network service did not answer (the proxy answers 500)."""


def _owner(ports):
    for port in ports:
        if port['device_owner'].startswith(COMPUTE_OWNER_PREFIX) and port['device_id']:
            return port['device_id'], port['project_id']
    return None


class HTTPPortLookup:
    """Asks the network service at ``network_url`` (its root, e.g.
    http://api:8774/network) with an administrator's ``token``."""

    def __init__(self, network_url, token=None, timeout=10.0):
        self.ports_url = network_url.rstrip('/') + '/v2.0/ports'
        self.headers = {'X-Auth-Token': token} if token else {}
        self.timeout = timeout

    def __call__(self, network_id, address):
        params = [('network_id', network_id), ('fixed_ips', 'ip_address=%s' % address),
                  ('fields', 'device_id'), ('fields', 'device_owner'),
                  ('fields', 'project_id')]
        try:
            response = requests.get(self.ports_url, params=params, headers=self.headers,
                                    timeout=self.timeout)
            response.raise_for_status()
            return _owner(response.json()['ports'])
        except (requests.RequestException, ValueError, KeyError) as error:
            raise LookupFailed(str(error))


class LocalPortLookup:
    """Reads the API database (only where this process has it)."""

    def __init__(self, context):
        self.context = context

    def __call__(self, network_id, address):
        with engines.api_reader(self.context) as session:
            rows = (session.query(models.Port)
                    .join(models.IPAllocation, models.IPAllocation.port_id == models.Port.id)
                    .filter(models.Port.network_id == network_id,
                            models.IPAllocation.ip_address == address))
            return _owner([{'device_owner': row.device_owner, 'device_id': row.device_id,
                            'project_id': row.project_id} for row in rows])
