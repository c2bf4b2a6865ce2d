"""os-networks (up to 2.35): the compute API's deprecated proxy to the
network service, answering as Nova does for a cloud whose servers have no
networks (this compute API talks to no network service): no networks, 404
for any id, and 410 Gone for what Nova removed with nova-network (create,
delete, add, disassociate)."""
from nova_common import exception
from nova_common.policies import networks as network_policies
from nova_common import policy

MAX_VERSION = '2.35'


class Gone(exception.NovaException):
    code = 410
    msg_fmt = 'This resource is no longer available. No forwarding address is given.'


def index(req):
    policy.authorize(req.context, network_policies.POLICY % 'list')
    return {'networks': []}


def show(req, network_id):
    policy.authorize(req.context, network_policies.POLICY % 'show')
    raise exception.NotFound('Network %s could not be found.' % network_id)


def gone(req, **_ids):
    raise Gone()


ROUTES = [
    ('GET', '/os-networks', index, None, MAX_VERSION),
    ('GET', '/os-networks/{network_id}', show, None, MAX_VERSION),
    ('POST', '/os-networks', gone, None, MAX_VERSION),
    ('POST', '/os-networks/add', gone, None, MAX_VERSION),
    ('DELETE', '/os-networks/{network_id}', gone, None, MAX_VERSION),
    ('POST', '/os-networks/{network_id}/action', gone, None, MAX_VERSION),
]
