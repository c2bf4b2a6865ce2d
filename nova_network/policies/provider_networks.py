"""Policies of the provider extension's network attributes (Neutron's
names and defaults): only admins see a network's segment or choose it."""
from nova_network.policies import base

ATTRIBUTES = ('provider:network_type', 'provider:physical_network',
              'provider:segmentation_id')

rules = []
for _attribute in ATTRIBUTES:
    rules += [
        base.rule('create_network:%s' % _attribute, base.ADMIN,
                  'Specify ``%s`` when creating a network' % _attribute,
                  [('POST', '/networks')]),
        base.rule('get_network:%s' % _attribute, base.ADMIN,
                  'Get ``%s`` attribute of a network' % _attribute,
                  [('GET', '/networks'), ('GET', '/networks/{id}')]),
        base.rule('update_network:%s' % _attribute, base.ADMIN,
                  'Update ``%s`` attribute of a network' % _attribute,
                  [('PUT', '/networks/{id}')]),
    ]


def list_rules():
    return rules
