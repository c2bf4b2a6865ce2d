"""Policies of /v2.0/subnets (Neutron's names and defaults): the owner of
the network handles its subnets; subnets of shared networks are readable
by everybody."""
from nova_network.policies import base

rules = [
    base.rule('create_subnet', base.ADMIN_OR_NET_OWNER_MEMBER, 'Create a subnet',
              [('POST', '/subnets')]),
    base.rule('get_subnet', base.any_of(base.ADMIN, base.PROJECT_READER, 'rule:shared'),
              'Get a subnet', [('GET', '/subnets'), ('GET', '/subnets/{id}')]),
    base.rule('update_subnet', base.ADMIN_OR_NET_OWNER_MEMBER, 'Update a subnet',
              [('PUT', '/subnets/{id}')]),
    base.rule('delete_subnet', base.ADMIN_OR_NET_OWNER_MEMBER, 'Delete a subnet',
              [('DELETE', '/subnets/{id}')]),
]


def list_rules():
    return rules
