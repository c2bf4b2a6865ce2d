"""Policies of /v2.0/security-groups and /v2.0/security-group-rules
(Neutron's names and defaults): a project handles its own groups and the
rules in them."""
from nova_network.policies import base

GROUPS = '/security-groups'
RULES = '/security-group-rules'
SG_OWNER_MEMBER = 'role:member and project_id:%(security_group:project_id)s'
SG_OWNER_READER = 'role:reader and project_id:%(security_group:project_id)s'

rules = [
    base.rule('create_security_group', base.ADMIN_OR_PROJECT_MEMBER,
              'Create a security group', [('POST', GROUPS)]),
    base.rule('get_security_group', base.ADMIN_OR_PROJECT_READER, 'Get a security group',
              [('GET', GROUPS), ('GET', GROUPS + '/{id}')]),
    base.rule('update_security_group', base.ADMIN_OR_PROJECT_MEMBER,
              'Update a security group', [('PUT', GROUPS + '/{id}')]),
    base.rule('delete_security_group', base.ADMIN_OR_PROJECT_MEMBER,
              'Delete a security group', [('DELETE', GROUPS + '/{id}')]),
    base.rule('create_security_group_rule', base.any_of(base.ADMIN, SG_OWNER_MEMBER),
              'Create a security group rule', [('POST', RULES)]),
    base.rule('get_security_group_rule', base.any_of(base.ADMIN, base.PROJECT_READER,
                                                     SG_OWNER_READER),
              'Get a security group rule', [('GET', RULES), ('GET', RULES + '/{id}')]),
    base.rule('delete_security_group_rule', base.any_of(base.ADMIN, base.PROJECT_MEMBER,
                                                        SG_OWNER_MEMBER),
              'Delete a security group rule', [('DELETE', RULES + '/{id}')]),
]


def list_rules():
    return rules
