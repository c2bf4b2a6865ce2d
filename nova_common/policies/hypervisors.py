"""Policies of os-hypervisors (administrators only)."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-hypervisors:%s'

rules = [
    base.rule(POLICY % 'list', base.ADMIN, 'List all hypervisors.', [('GET', '/os-hypervisors')]),
    base.rule(POLICY % 'list-detail', base.ADMIN, 'List all hypervisors with details',
              [('GET', '/os-hypervisors/details')]),
    base.rule(POLICY % 'statistics', base.ADMIN, 'Show summary statistics for all hypervisors.',
              [('GET', '/os-hypervisors/statistics')]),
    base.rule(POLICY % 'show', base.ADMIN, 'Show details for a hypervisor.',
              [('GET', '/os-hypervisors/{hypervisor_id}')]),
    base.rule(POLICY % 'uptime', base.ADMIN, 'Show the uptime of a hypervisor.',
              [('GET', '/os-hypervisors/{hypervisor_id}/uptime')]),
    base.rule(POLICY % 'search', base.ADMIN, 'Search hypervisor by hypervisor_hostname pattern.',
              [('GET', '/os-hypervisors/{hypervisor_hostname_pattern}/search')]),
    base.rule(POLICY % 'servers', base.ADMIN, 'List all servers on hypervisors.',
              [('GET', '/os-hypervisors/{hypervisor_hostname_pattern}/servers')]),
]


def list_rules():
    return rules
