"""Policies of /limits. Anyone reads their own project's limits; only
admins name another project with ``tenant_id``."""
from nova_common.policies import base

BASE_POLICY = 'os_compute_api:limits'
OTHER_PROJECT_POLICY = 'os_compute_api:limits:other_project'

rules = [
    base.rule(BASE_POLICY, '@', 'Show rate and absolute limits for the current user project',
              [('GET', '/limits')]),
    base.rule(OTHER_PROJECT_POLICY, base.ADMIN,
              'Show rate and absolute limits of the project given as tenant_id',
              [('GET', '/limits')]),
]


def list_rules():
    return rules
