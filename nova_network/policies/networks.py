"""Policies of /v2.0/networks (Neutron's names and defaults): a member
handles the networks of their project, everybody reads shared networks,
only admins share a network or make it external."""
from nova_network.policies import base

COLLECTION = [('POST', '/networks')]
MEMBER = [('GET', '/networks/{id}')]

rules = [
    base.rule('create_network', base.ADMIN_OR_PROJECT_MEMBER, 'Create a network', COLLECTION),
    base.rule('create_network:shared', base.ADMIN, 'Create a shared network', COLLECTION),
    base.rule('create_network:router:external', base.ADMIN, 'Create an external network',
              COLLECTION),
    base.rule('create_network:port_security_enabled', base.ADMIN_OR_PROJECT_MEMBER,
              'Specify ``port_security_enabled`` when creating a network', COLLECTION),
    base.rule('get_network', base.any_of(base.ADMIN, base.PROJECT_READER, 'rule:shared',
                                         'rule:external', base.ADVSVC),
              'Get a network', [('GET', '/networks'), ('GET', '/networks/{id}')]),
    base.rule('get_network:router:external', 'rule:regular_user',
              'Get ``router:external`` attribute of a network', MEMBER),
    base.rule('update_network', base.ADMIN_OR_PROJECT_MEMBER, 'Update a network',
              [('PUT', '/networks/{id}')]),
    base.rule('update_network:shared', base.ADMIN, 'Update ``shared`` attribute of a network',
              [('PUT', '/networks/{id}')]),
    base.rule('update_network:router:external', base.ADMIN,
              'Update ``router:external`` attribute of a network', [('PUT', '/networks/{id}')]),
    base.rule('update_network:port_security_enabled', base.ADMIN_OR_PROJECT_MEMBER,
              'Update ``port_security_enabled`` attribute of a network',
              [('PUT', '/networks/{id}')]),
    base.rule('delete_network', base.ADMIN_OR_PROJECT_MEMBER, 'Delete a network',
              [('DELETE', '/networks/{id}')]),
]


def list_rules():
    return rules
