"""/limits: the absolute limits of the caller's project and what it uses
(``rate`` has been empty since v2.1). An admin may ask about another
project with ``tenant_id``.

Microversions: 2.36 drops the nova-network limits (maxSecurityGroups,
maxSecurityGroupRules, maxTotalFloatingIps and their usage), 2.39
maxImageMeta, 2.57 maxPersonality and maxPersonalitySize; 2.75 refuses
unknown query parameters.
"""
import copy

from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common.policies import limits as limits_policies
from nova_common import policy
from nova_common import quota

# quota resource -> the absolute limit names it is shown as.
_LIMIT_NAMES = {
    'ram': ('maxTotalRAMSize',),
    'instances': ('maxTotalInstances',),
    'cores': ('maxTotalCores',),
    'key_pairs': ('maxTotalKeypairs',),
    'floating_ips': ('maxTotalFloatingIps',),
    'metadata_items': ('maxServerMeta', 'maxImageMeta'),
    'injected_files': ('maxPersonality',),
    'injected_file_content_bytes': ('maxPersonalitySize',),
    'security_groups': ('maxSecurityGroups',),
    'security_group_rules': ('maxSecurityGroupRules',),
    'server_groups': ('maxServerGroups',),
    'server_group_members': ('maxServerGroupMembers',),
}
# usage name -> the quota resource it counts.
_USED_NAMES = {
    'totalRAMUsed': 'ram',
    'totalCoresUsed': 'cores',
    'totalInstancesUsed': 'instances',
    'totalFloatingIpsUsed': 'floating_ips',
    'totalSecurityGroupsUsed': 'security_groups',
    'totalServerGroupsUsed': 'server_groups',
}

_query = {
    'type': 'object',
    'properties': {'tenant_id': parameter_types.multi_params({'type': 'string'})},
    'additionalProperties': True,
}
_query_v275 = dict(copy.deepcopy(_query), additionalProperties=False)


def _hidden(req):
    """(resources left out, limit names left out) at the request's version."""
    resources, names = set(), set()
    if req.at_least('2.36'):
        resources.update(('floating_ips', 'security_groups', 'security_group_rules'))
    if req.at_least('2.39'):
        names.add('maxImageMeta')
    if req.at_least('2.57'):
        resources.update(('injected_files', 'injected_file_content_bytes'))
    return resources, names


def _absolute(req, limits, in_use):
    hidden_resources, hidden_names = _hidden(req)
    absolute = {}
    for resource, names in _LIMIT_NAMES.items():
        if resource in hidden_resources:
            continue
        absolute.update({name: limits[resource] for name in names if name not in hidden_names})
    absolute.update({name: in_use[resource] for name, resource in _USED_NAMES.items()
                     if resource not in hidden_resources})
    return absolute


@validation.query(_query, '2.1', '2.74')
@validation.query(_query_v275, '2.75')
def index(req):
    context = req.context
    policy.authorize(context, limits_policies.BASE_POLICY, target={})
    project_id = context.project_id
    if 'tenant_id' in req.query:
        project_id = req.query_value('tenant_id')
        policy.authorize(context, limits_policies.OTHER_PROJECT_POLICY,
                         target={'project_id': project_id})
    limits = quota.get_limits(context, project_id)
    in_use = quota.get_usage(context, project_id)
    return {'limits': {'rate': [], 'absolute': _absolute(req, limits, in_use)}}


ROUTES = [
    ('GET', '/limits', index),
]
