"""Policies of os-keypairs. A user handles their own keypairs; admins may
name another user with ``user_id``."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-keypairs:%s'
OWNER_OR_ADMIN = '(rule:context_is_admin) or user_id:%(user_id)s'

rules = [
    base.rule(POLICY % 'index', OWNER_OR_ADMIN, 'List all keypairs', [('GET', '/os-keypairs')]),
    base.rule(POLICY % 'create', OWNER_OR_ADMIN, 'Create a keypair', [('POST', '/os-keypairs')]),
    base.rule(POLICY % 'delete', OWNER_OR_ADMIN, 'Delete a keypair',
              [('DELETE', '/os-keypairs/{keypair_name}')]),
    base.rule(POLICY % 'show', OWNER_OR_ADMIN, 'Show details of a keypair',
              [('GET', '/os-keypairs/{keypair_name}')]),
]


def list_rules():
    return rules
