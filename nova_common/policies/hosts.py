"""Policies of os-hosts (deprecated; served up to 2.42), all for
administrators."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-hosts:%s'

rules = [
    base.rule(POLICY % 'list', base.ADMIN, 'List physical hosts.', [('GET', '/os-hosts')]),
    base.rule(POLICY % 'show', base.ADMIN, 'Show physical host.',
              [('GET', '/os-hosts/{host_name}')]),
    base.rule(POLICY % 'update', base.ADMIN, 'Update physical host.',
              [('PUT', '/os-hosts/{host_name}')]),
    base.rule(POLICY % 'reboot', base.ADMIN, 'Reboot physical host.',
              [('GET', '/os-hosts/{host_name}/reboot')]),
    base.rule(POLICY % 'shutdown', base.ADMIN, 'Shutdown physical host.',
              [('GET', '/os-hosts/{host_name}/shutdown')]),
    base.rule(POLICY % 'start', base.ADMIN, 'Start physical host.',
              [('GET', '/os-hosts/{host_name}/startup')]),
]


def list_rules():
    return rules
