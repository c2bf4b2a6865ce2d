"""Policies of os-aggregates (administrators only)."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-aggregates:%s'
_AGGREGATE = '/os-aggregates/{aggregate_id}'
_ACTION = _AGGREGATE + '/action (%s)'

rules = [
    base.rule(POLICY % 'index', base.ADMIN, 'List all aggregates',
              [('GET', '/os-aggregates')]),
    base.rule(POLICY % 'create', base.ADMIN, 'Create an aggregate',
              [('POST', '/os-aggregates')]),
    base.rule(POLICY % 'show', base.ADMIN, 'Show details for an aggregate',
              [('GET', _AGGREGATE)]),
    base.rule(POLICY % 'update', base.ADMIN,
              'Update name and/or availability zone of an aggregate',
              [('PUT', _AGGREGATE)]),
    base.rule(POLICY % 'delete', base.ADMIN, 'Delete an aggregate',
              [('DELETE', _AGGREGATE)]),
    base.rule(POLICY % 'add_host', base.ADMIN, 'Add a host to an aggregate',
              [('POST', _ACTION % 'add_host')]),
    base.rule(POLICY % 'remove_host', base.ADMIN, 'Remove a host from an aggregate',
              [('POST', _ACTION % 'remove_host')]),
    base.rule(POLICY % 'set_metadata', base.ADMIN, 'Create or replace metadata for an aggregate',
              [('POST', _ACTION % 'set_metadata')]),
]


def list_rules():
    return rules
