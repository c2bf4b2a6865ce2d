"""Policies of os-instance_usage_audit_log (administrators only)."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-instance-usage-audit-log:%s'

rules = [
    base.rule(POLICY % 'list', base.ADMIN,
              'List all usage audits.', [('GET', '/os-instance_usage_audit_log')]),
    base.rule(POLICY % 'show', base.ADMIN,
              'List all usage audits occurred before a specified time for all servers '
              'on all compute hosts where usage auditing is configured',
              [('GET', '/os-instance_usage_audit_log/{before_timestamp}')]),
]


def list_rules():
    return rules
