"""Policies of os-server-groups, named and defaulted as in Nova: members
create their project's groups; readers of the project (or admins) list and
show them; only admins list every project's groups."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-server-groups:%s'
_GROUP = '/os-server-groups/{server_group_id}'

rules = [
    base.rule(POLICY % 'create', base.PROJECT_MEMBER, 'Create a new server group',
              [('POST', '/os-server-groups')]),
    base.rule(POLICY % 'delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server group',
              [('DELETE', _GROUP)]),
    base.rule(POLICY % 'index', base.PROJECT_READER_OR_ADMIN, 'List all server groups',
              [('GET', '/os-server-groups')]),
    base.rule(POLICY % 'index:all_projects', base.ADMIN,
              'List all server groups for all projects', [('GET', '/os-server-groups')]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN, 'Show details of a server group',
              [('GET', _GROUP)]),
]


def list_rules():
    return rules
