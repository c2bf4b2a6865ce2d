"""Request schemas of the servers API this side serves: the list query,
the update body, server metadata and tags bodies, and the instance
actions list query (as Nova's schemas define them)."""
import copy

from oslo_utils import timeutils

from nova_api.schemas import parameter_types
from nova_api import validation
from nova_common.db.api import instances


@validation.format_check('date-time')
def _check_date_time(instance):
    """ISO 8601 timestamps, as Nova accepts them in queries."""
    if not isinstance(instance, str):
        return True
    try:
        timeutils.parse_isotime(instance)
    except ValueError:
        return False
    return True


common_query_param = parameter_types.multi_params({'type': 'string'})
common_query_regex_param = parameter_types.multi_params({'type': 'string', 'format': 'regex'})
_date_time_param = parameter_types.multi_params({'type': 'string', 'format': 'date-time'})

# Query parameters naming tables joined to instances: refused with 400.
JOINED_TABLE_QUERY_PARAMS = ('block_device_mapping', 'services', 'metadata',
                             'system_metadata', 'info_cache', 'security_groups', 'pci_devices')

# Sort keys accepted before 2.75 but ignored (Nova's list).
IGNORED_SORT_KEYS = [
    'architecture', 'cell_name', 'cleaned', 'default_ephemeral_device',
    'default_swap_device', 'deleted', 'deleted_at', 'disable_terminate',
    'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on',
    'locked', 'memory_mb', 'os_type', 'reservation_id', 'root_gb',
    'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode',
]
# 2.73 makes locked a real sort key.
IGNORED_SORT_KEYS_V273 = [key for key in IGNORED_SORT_KEYS if key != 'locked']

SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone',
             'config_drive', 'created_at', 'display_description', 'display_name', 'host',
             'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name',
             'launch_index', 'launched_at', 'locked_by', 'node', 'power_state', 'progress',
             'project_id', 'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at',
             'updated_at', 'user_id', 'uuid', 'vm_state']
# Sort keys only administrators may use (403 for others).
ADMIN_SORT_KEYS = ('host', 'node')


def _sort_key(keys):
    return parameter_types.multi_params({'type': 'string', 'enum': sorted(keys)})


_REGEX_PARAMS = ('kernel_id', 'ramdisk_id', 'hostname', 'key_name', 'power_state', 'node',
                 'flavor', 'reservation_id', 'launched_at', 'terminated_at',
                 'availability_zone', 'name', 'display_name', 'description',
                 'display_description', 'locked_by', 'root_device_name', 'config_drive',
                 'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'progress', 'ip', 'ip6',
                 'created_at')
_PLAIN_PARAMS = ('user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref', 'image',
                 'vm_state', 'task_state', 'host', 'uuid', 'sort_dir', 'all_tenants',
                 'soft_deleted', 'deleted', 'status')

index_query = {
    'type': 'object',
    'properties': dict(
        {name: common_query_regex_param for name in _REGEX_PARAMS},
        **{name: common_query_param for name in _PLAIN_PARAMS + JOINED_TABLE_QUERY_PARAMS},
        **parameter_types.pagination_parameters,
        **{'sort_key': _sort_key(SORT_KEYS + IGNORED_SORT_KEYS),
           'changes-since': _date_time_param}),
    # Unknown parameters are ignored (or refused later) before 2.75.
    'additionalProperties': True,
    'patternProperties': {'^_': common_query_param},
}

index_query_v226 = copy.deepcopy(index_query)
index_query_v226['properties'].update(
    {name: common_query_regex_param for name in instances.TAG_FILTERS})

index_query_v266 = copy.deepcopy(index_query_v226)
index_query_v266['properties']['changes-before'] = _date_time_param

index_query_v273 = copy.deepcopy(index_query_v266)
index_query_v273['properties'].update(
    sort_key=_sort_key(SORT_KEYS + IGNORED_SORT_KEYS_V273 + ['locked']),
    locked=common_query_param)

index_query_v275 = copy.deepcopy(index_query_v273)
index_query_v275['properties']['sort_key'] = _sort_key(SORT_KEYS + ['locked'])
index_query_v275['additionalProperties'] = False

description = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
    'pattern': '^[%s]*$' % parameter_types.printable_range(),
}
hostname = {'type': 'string', 'minLength': 2, 'maxLength': 255,
            'pattern': '^[a-zA-Z0-9-._]*$'}
fqdn = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': '^[a-zA-Z0-9-._]*$'}

update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
                'accessIPv4': {'type': 'string', 'format': 'ipv4'},
                'accessIPv6': {'type': 'string', 'format': 'ipv6'},
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

update_v219 = copy.deepcopy(update)
update_v219['properties']['server']['properties']['description'] = description

update_v290 = copy.deepcopy(update_v219)
update_v290['properties']['server']['properties']['hostname'] = hostname

update_v294 = copy.deepcopy(update_v290)
update_v294['properties']['server']['properties']['hostname'] = fqdn

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}


def _metadata_body(key, items):
    return {'type': 'object', 'properties': {key: items}, 'required': [key],
            'additionalProperties': False}


metadata_create = _metadata_body('metadata', metadata)
metadata_update_all = _metadata_body('metadata', metadata)
metadata_update = _metadata_body('meta', dict(copy.deepcopy(metadata),
                                              minProperties=1, maxProperties=1))

tag = {'type': 'string', 'minLength': 1, 'maxLength': 60, 'pattern': '^[^,/]*$'}

tags_update_all = {
    'type': 'object',
    'properties': {
        'tags': {'type': 'array', 'items': tag, 'maxItems': instances.MAX_TAG_COUNT},
    },
    'required': ['tags'],
    'additionalProperties': False,
}

instance_actions_query_v258 = {
    'type': 'object',
    'properties': dict(parameter_types.pagination_parameters,
                       **{'changes-since': _date_time_param}),
    'additionalProperties': False,
}

instance_actions_query_v266 = copy.deepcopy(instance_actions_query_v258)
instance_actions_query_v266['properties']['changes-before'] = _date_time_param
