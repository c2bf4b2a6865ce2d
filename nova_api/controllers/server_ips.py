"""/servers/{server_id}/ips: a server's addresses by network name, from
its ports (nova_common.network.api). As in Nova these show only ``addr``
and ``version``; the server body adds the type and MAC."""
from nova_api.compute import lookup
from nova_common import exception
from nova_common.network import api as network_api
from nova_common.policies import ips as ips_policies
from nova_common import policy


def _addresses(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, ips_policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    found = network_api.addresses(req.context, [instance['uuid']])[instance['uuid']]
    return {name: [{'version': address['version'], 'addr': address['addr']}
                   for address in addresses]
            for name, addresses in found.items()}


def index(req, server_id):
    return {'addresses': _addresses(req, server_id, 'index')}


def show(req, server_id, network_label):
    addresses = _addresses(req, server_id, 'show')
    if network_label not in addresses:
        raise exception.NotFound('Instance is not a member of specified network')
    return {network_label: addresses[network_label]}


ROUTES = [
    ('GET', '/servers/{server_id}/ips', index),
    ('GET', '/servers/{server_id}/ips/{network_label}', show),
]
