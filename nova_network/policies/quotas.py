"""Policies of /v2.0/quotas (Neutron's names and defaults): a project
reads its own quota, admins read and set every project's."""
from nova_network.policies import base

rules = [
    base.rule('get_quota', base.ADMIN_OR_PROJECT_READER, "Get a resource quota",
              [('GET', '/quotas'), ('GET', '/quotas/{id}'), ('GET', '/quotas/{id}/default'),
               ('GET', '/quotas/{id}/details')]),
    base.rule('update_quota', base.ADMIN, 'Update a resource quota',
              [('PUT', '/quotas/{id}')]),
    base.rule('delete_quota', base.ADMIN, 'Delete a resource quota',
              [('DELETE', '/quotas/{id}')]),
]


def list_rules():
    return rules
