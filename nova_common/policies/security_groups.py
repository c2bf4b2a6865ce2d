"""Policies of the deprecated os-security-groups proxy (up to 2.35) and of
a server's security groups."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-security-groups:%s'

rules = [
    base.rule(POLICY % 'get', base.PROJECT_READER_OR_ADMIN,
              'List security groups. This API is deprecated.',
              [('GET', '/os-security-groups')]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show security group. This API is deprecated.',
              [('GET', '/os-security-groups/{security_group_id}')]),
    base.rule(POLICY % 'create', base.PROJECT_MEMBER_OR_ADMIN,
              'Create security group. This API is deprecated.',
              [('POST', '/os-security-groups')]),
    base.rule(POLICY % 'update', base.PROJECT_MEMBER_OR_ADMIN,
              'Update security group. This API is deprecated.',
              [('PUT', '/os-security-groups/{security_group_id}')]),
    base.rule(POLICY % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Delete security group. This API is deprecated.',
              [('DELETE', '/os-security-groups/{security_group_id}')]),
    base.rule(POLICY % 'rule:create', base.PROJECT_MEMBER_OR_ADMIN,
              'Create security group Rule. This API is deprecated.',
              [('POST', '/os-security-group-rules')]),
    base.rule(POLICY % 'rule:delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Delete security group Rule. This API is deprecated.',
              [('DELETE', '/os-security-group-rules/{security_group_id}')]),
    base.rule(POLICY % 'list', base.PROJECT_READER_OR_ADMIN,
              'List security groups of server.',
              [('GET', '/servers/{server_id}/os-security-groups')]),
    base.rule(POLICY % 'add', base.PROJECT_MEMBER_OR_ADMIN,
              'Add security groups to server.',
              [('POST', '/servers/{server_id}/action (addSecurityGroup)')]),
    base.rule(POLICY % 'remove', base.PROJECT_MEMBER_OR_ADMIN,
              'Remove security groups from server.',
              [('POST', '/servers/{server_id}/action (removeSecurityGroup)')]),
]


def list_rules():
    return rules
