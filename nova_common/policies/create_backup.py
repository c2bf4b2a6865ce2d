"""Policy of creating a backup of a server, as in Nova."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-create-backup'

rules = [
    base.rule(POLICY, base.PROJECT_MEMBER_OR_ADMIN, 'Create a back up of a server',
              [('POST', '/servers/{server_id}/action (createBackup)')]),
]


def list_rules():
    return rules
