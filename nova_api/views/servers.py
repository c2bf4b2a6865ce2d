"""Server bodies as the Compute API shows them, per microversion.

What a caller may see beyond the plain body (extended attributes, flavor
extra specs, host status) and what comes from elsewhere (request specs,
compute services) is decided once per request and handed in as a
``Shown``; the functions here only render.

Versions: 2.3 more OS-EXT-SRV-ATTR attributes and delete_on_termination,
2.9 locked, 2.16 host_status, 2.19 description, 2.26 tags, 2.47 embedded
flavor, 2.63 trusted_image_certificates, 2.69 partial records of servers
whose cell does not answer, 2.71 server_groups (show and update only),
2.73 locked_reason, 2.75 the update answer shows everything show does,
2.90 OS-EXT-SRV-ATTR:hostname for everyone, 2.96 pinned_availability_zone,
2.98 image properties, 2.100 scheduler_hints.
"""
import dataclasses
import hashlib
from typing import Optional

from nova_api import pagination
from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import servicegroup

PARTIAL_VERSION = '2.69'
FULL_UPDATE_VERSION = '2.75'

PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING')
FAULT_STATUSES = ('ERROR', 'DELETED')
IMAGE_PROPERTY_PREFIX = 'image_'

# host_status values (Nova's HostStatus)
HOST_UP = 'UP'
HOST_DOWN = 'DOWN'
HOST_MAINTENANCE = 'MAINTENANCE'
HOST_UNKNOWN = 'UNKNOWN'
HOST_NONE = ''


@dataclasses.dataclass
class Shown:
    """What the bodies of one request show beyond the plain server.

    ``host_statuses``: {uuid: host status} of the servers that show one
    (None: no server shows it); ``request_specs``: {uuid: spec} for
    pinned_availability_zone and scheduler_hints; ``server_groups``:
    {uuid: [group uuid]} when the body shows server_groups (2.71, show and
    update), else None; ``all_attributes`` False gives the short body of an
    update below 2.75; ``host_zones``: {host: zone} of the servers' hosts
    that an aggregate puts in a zone; ``addresses``: {uuid: addresses} from
    the servers' ports (nova_common.network.api); ``security_groups``:
    {uuid: [{'name'}]} of the ports' groups for show and detail (None: the
    body shows none; a server without groups shows none, as in Nova).
    """
    extra_specs: bool = False
    extended_attributes: bool = False
    host_statuses: Optional[dict] = None
    request_specs: dict = dataclasses.field(default_factory=dict)
    host_zones: dict = dataclasses.field(default_factory=dict)
    server_groups: Optional[dict] = None
    all_attributes: bool = True
    addresses: dict = dataclasses.field(default_factory=dict)
    security_groups: Optional[dict] = None


def isotime(value):
    return value.strftime('%Y-%m-%dT%H:%M:%SZ') if value else None


def strtime(value):
    """A timestamp as Nova serializes a datetime field."""
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def status(instance):
    if instance.get('deleted'):
        return 'DELETED'
    return compute_states.status(instance.get('vm_state'), instance.get('task_state'))


def host_id(project_id, host):
    """The obfuscated host id: sha224 of project id and host, '' without
    a host."""
    if not host:
        return ''
    return hashlib.sha224((str(project_id) + host).encode('utf-8')).hexdigest()


def host_status(instance, service):
    """The host_status of an instance given its host's nova-compute record
    (None when the host has none)."""
    if not instance.get('host') or service is None:
        return HOST_NONE
    if service.get('forced_down'):
        return HOST_DOWN
    if service.get('disabled'):
        return HOST_MAINTENANCE
    return HOST_UP if servicegroup.is_up(service) else HOST_UNKNOWN


def _links(req, instance):
    return req.links('servers', instance['uuid'])


def _image(req, instance):
    image_ref = instance.get('image_ref')
    if not image_ref:
        return ''
    image_id = str(image_ref).rstrip('/').rsplit('/', 1)[-1]
    image = {'id': image_id,
             'links': [{'rel': 'bookmark', 'href': req.bookmark('images', image_id)}]}
    if req.at_least('2.98'):
        image['properties'] = {
            key[len(IMAGE_PROPERTY_PREFIX):]: value
            for key, value in (instance.get('system_metadata') or {}).items()
            if key.startswith(IMAGE_PROPERTY_PREFIX)}
    return image


def _flavor(req, instance, extra_specs):
    flavor = instance.get('flavor') or {}
    if not flavor:
        return {}
    if req.at_least('2.47'):
        body = {'vcpus': flavor.get('vcpus'), 'ram': flavor.get('memory_mb'),
                'disk': flavor.get('root_gb'), 'ephemeral': flavor.get('ephemeral_gb'),
                'swap': flavor.get('swap') or 0, 'original_name': flavor.get('name')}
        if extra_specs:
            body['extra_specs'] = flavor.get('extra_specs') or {}
        return body
    flavor_id = str(flavor.get('flavorid'))
    return {'id': flavor_id,
            'links': [{'rel': 'bookmark', 'href': req.bookmark('flavors', flavor_id)}]}


def _fault(req, instance):
    fault = instance.get('fault')
    if not fault:
        return None
    body = {'code': fault['code'], 'created': isotime(fault['created_at']),
            'message': fault['message']}
    if fault.get('details') and (req.context.is_admin or fault['code'] != 500):
        body['details'] = fault['details']
    return body


def availability_zone(instance, host_zones):
    """The zone of an instance: its host's now (``host_zones``: {host: zone}
    of the hosts an aggregate puts in a zone), else the one it asked for."""
    if instance.get('host'):
        return host_zones.get(instance['host'], CONF.default_availability_zone)
    return instance.get('availability_zone') or ''


def _extended_attributes(req, instance):
    body = {
        'OS-EXT-SRV-ATTR:host': instance.get('host'),
        'OS-EXT-SRV-ATTR:hypervisor_hostname': instance.get('node'),
        'OS-EXT-SRV-ATTR:instance_name':
            CONF.instance_name_template % instance['id'] if instance.get('id') else '',
    }
    if req.at_least('2.3'):
        body.update({
            'OS-EXT-SRV-ATTR:reservation_id': instance.get('reservation_id'),
            'OS-EXT-SRV-ATTR:launch_index': instance.get('launch_index'),
            'OS-EXT-SRV-ATTR:hostname': instance.get('hostname'),
            'OS-EXT-SRV-ATTR:kernel_id': instance.get('kernel_id'),
            'OS-EXT-SRV-ATTR:ramdisk_id': instance.get('ramdisk_id'),
            'OS-EXT-SRV-ATTR:root_device_name': instance.get('root_device_name'),
            'OS-EXT-SRV-ATTR:user_data': instance.get('user_data'),
        })
    return body


def _all_attributes(req, instance, shown):
    """What show adds to the short body of an update (below 2.75)."""
    body = {
        'OS-EXT-AZ:availability_zone': availability_zone(instance, shown.host_zones),
        'config_drive': instance.get('config_drive') or '',
        'key_name': instance.get('key_name'),
        'OS-SRV-USG:launched_at': strtime(instance.get('launched_at')),
        'OS-SRV-USG:terminated_at': strtime(instance.get('terminated_at')),
        'OS-EXT-STS:task_state': instance.get('task_state'),
        'OS-EXT-STS:vm_state': instance.get('vm_state'),
        'OS-EXT-STS:power_state': instance.get('power_state'),
        # No volumes can be attached yet.
        'os-extended-volumes:volumes_attached': [],
    }
    if shown.extended_attributes:
        body.update(_extended_attributes(req, instance))
    elif req.at_least('2.90'):
        body['OS-EXT-SRV-ATTR:hostname'] = instance.get('hostname')
    if shown.host_statuses is not None and instance['uuid'] in shown.host_statuses:
        body['host_status'] = shown.host_statuses[instance['uuid']]
    spec = shown.request_specs.get(instance['uuid']) or {}
    if req.at_least('2.96'):
        body['pinned_availability_zone'] = spec.get('availability_zone')
    if req.at_least('2.100'):
        body['scheduler_hints'] = spec.get('scheduler_hints') or {}
    return body


def show(req, instance, shown):
    """The full body of a server (without the outer ``server`` key)."""
    if instance.get('partial'):
        return partial(req, instance, shown, detail=False)
    server_status = status(instance)
    body = {
        'id': instance['uuid'],
        'name': instance.get('display_name'),
        'status': server_status,
        'tenant_id': instance.get('project_id') or '',
        'user_id': instance.get('user_id') or '',
        'metadata': instance.get('metadata') or {},
        'hostId': host_id(instance.get('project_id'), instance.get('host')),
        'image': _image(req, instance),
        'flavor': _flavor(req, instance, shown.extra_specs),
        'created': isotime(instance.get('created_at')),
        'updated': isotime(instance.get('updated_at') or instance.get('created_at')),
        'addresses': shown.addresses.get(instance['uuid'], {}),
        'accessIPv4': instance.get('access_ip_v4') or '',
        'accessIPv6': instance.get('access_ip_v6') or '',
        'links': _links(req, instance),
        'OS-DCF:diskConfig': 'AUTO' if instance.get('auto_disk_config') else 'MANUAL',
    }
    if server_status in FAULT_STATUSES:
        fault = _fault(req, instance)
        if fault:
            body['fault'] = fault
    if server_status in PROGRESS_STATUSES:
        body['progress'] = instance.get('progress') or 0
    if shown.all_attributes:
        body.update(_all_attributes(req, instance, shown))
    if req.at_least('2.9'):
        body['locked'] = bool(instance.get('locked'))
    if req.at_least('2.19'):
        body['description'] = instance.get('display_description')
    if req.at_least('2.26'):
        body['tags'] = instance.get('tags') or []
    if req.at_least('2.63'):
        body['trusted_image_certificates'] = None
    if shown.server_groups is not None:
        body['server_groups'] = shown.server_groups.get(instance['uuid'], [])
    if shown.security_groups and shown.security_groups.get(instance['uuid']):
        body['security_groups'] = shown.security_groups[instance['uuid']]
    if req.at_least('2.73'):
        body['locked_reason'] = (instance.get('system_metadata') or {}).get('locked_reason')
    return body


def partial(req, record, shown, detail):
    """The body of a server whose cell does not answer (2.69): what the
    API database knows. A list shows less than a show."""
    body = {'id': record['uuid'], 'status': 'UNKNOWN', 'tenant_id': record['project_id'],
            'created': isotime(record['created_at']), 'links': _links(req, record)}
    if detail:
        return body
    body.update({
        'image': _image(req, record),
        'flavor': _flavor(req, record, shown.extra_specs),
        'OS-EXT-AZ:availability_zone': record.get('availability_zone') or 'UNKNOWN',
        'OS-EXT-STS:power_state': record.get('power_state'),
        'user_id': record.get('user_id') or 'UNKNOWN',
    })
    if shown.server_groups is not None:
        body['server_groups'] = shown.server_groups.get(record['uuid'], [])
    return body


def basic(req, instance):
    if instance.get('partial'):
        return {'id': instance['uuid'], 'status': 'UNKNOWN', 'links': _links(req, instance)}
    return {'id': instance['uuid'], 'name': instance.get('display_name'),
            'links': _links(req, instance)}


def _collection(req, instances, items, *collection):
    body = {'servers': items}
    links = pagination.next_links(req, instances, lambda i: i['uuid'], *collection)
    if links:
        body['servers_links'] = links
    return body


def index(req, instances):
    return _collection(req, instances, [basic(req, i) for i in instances], 'servers')


def detail(req, instances, shown):
    items = [partial(req, i, shown, detail=True) if i.get('partial') else show(req, i, shown)
             for i in instances]
    return _collection(req, instances, items, 'servers', 'detail')
