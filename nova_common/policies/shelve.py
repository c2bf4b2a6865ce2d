"""Policies of shelving, offloading and unshelving servers, as in Nova."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-shelve:%s'

rules = [
    base.rule(POLICY % 'shelve', base.PROJECT_MEMBER_OR_ADMIN, 'Shelve server',
              [('POST', '/servers/{server_id}/action (shelve)')]),
    base.rule(POLICY % 'unshelve', base.PROJECT_MEMBER_OR_ADMIN,
              'Unshelve (restore) shelved server',
              [('POST', '/servers/{server_id}/action (unshelve)')]),
    base.rule(POLICY % 'unshelve_to_host', base.ADMIN,
              'Unshelve (restore) shelve offloaded server to a specific host (2.91+)',
              [('POST', '/servers/{server_id}/action (unshelve)')]),
    base.rule(POLICY % 'shelve_offload', base.ADMIN, 'Shelf-offload (remove) server',
              [('POST', '/servers/{server_id}/action (shelveOffload)')]),
]


def list_rules():
    return rules
