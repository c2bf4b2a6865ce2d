"""Policy of /extensions."""
from nova_common.policies import base

POLICY = 'os_compute_api:extensions'

rules = [
    base.rule(POLICY, '@', 'List available extensions and show information for an extension',
              [('GET', '/extensions'), ('GET', '/extensions/{alias}')]),
]


def list_rules():
    return rules
