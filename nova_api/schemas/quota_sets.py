"""Request schemas of /os-quota-sets, per microversion.

A limit is an integer (or a string of one) from -1 (unlimited) up to the
database's largest integer. 2.36 drops the nova-network quotas (fixed_ips,
floating_ips, security_groups, security_group_rules, networks), 2.57 the
injected_file* ones; a field outside the request's version is refused.
"""
import copy

from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common import exception

MAX_LIMIT = 0x7FFFFFFF


@validation.format_check('quota_limit')
def _check_limit_string(instance):
    """'minimum' and 'maximum' bind numbers only: hold strings to them too
    (a string that is no integer is the pattern's to refuse)."""
    if not isinstance(instance, str):
        return True
    try:
        value = int(instance)
    except ValueError:
        return True
    if value < -1:
        raise exception.InvalidInput(reason="'%s' is less than the minimum of -1" % instance)
    if value > MAX_LIMIT:
        raise exception.InvalidInput(
            reason="'%s' is greater than the maximum of %d" % (instance, MAX_LIMIT))
    return True


limit = {
    'type': ['integer', 'string'],
    'pattern': '^-?[0-9]+$',
    'format': 'quota_limit',
    'minimum': -1,
    'maximum': MAX_LIMIT,
}

_NETWORK_FIELDS = ('fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules',
                   'networks')
_INJECTED_FIELDS = ('injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes')

# Every resource a 2.1 request may name. 'networks' (nova-network only) is
# accepted by the schema and refused by the handler, as in Nova.
resources = {name: limit for name in (
    'instances', 'cores', 'ram', 'metadata_items', 'key_pairs', 'server_groups',
    'server_group_members') + _NETWORK_FIELDS + _INJECTED_FIELDS}
resources_v236 = {name: value for name, value in resources.items()
                  if name not in _NETWORK_FIELDS}
resources_v257 = {name: value for name, value in resources_v236.items()
                  if name not in _INJECTED_FIELDS}


def _update(properties):
    return {
        'type': 'object',
        'properties': {
            'quota_set': {
                'type': 'object',
                'properties': dict(properties, force=parameter_types.boolean),
                'additionalProperties': False,
            },
        },
        'required': ['quota_set'],
        'additionalProperties': False,
    }


update = _update(resources)
update_v236 = _update(resources_v236)
update_v257 = _update(resources_v257)

# Unknown query parameters are ignored before 2.75 and refused from it on.
query = {
    'type': 'object',
    'properties': {'user_id': parameter_types.multi_params({'type': 'string'})},
    'additionalProperties': True,
}
query_v275 = dict(copy.deepcopy(query), additionalProperties=False)
