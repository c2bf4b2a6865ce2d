"""POST /servers: check everything the request names, count quota, write
the build request, request spec and instance mapping of each server, and
hand the lot to the super-conductor. Nothing is left behind on failure."""
import base64
import re
import secrets

from oslo_log import log as logging
from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_api.compute import zones
from nova_api.schemas import parameter_types
from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common.db.api import build_requests
from nova_common.db.api import flavors as flavors_db
from nova_common.db.api import instance_mappings
from nova_common.db.api import keypairs as keypairs_db
from nova_common.db.api import request_specs
from nova_common.db.api import server_groups
from nova_common.db import engines
from nova_common import exception
from nova_common import rpc
from nova_common import hooks
from nova_common.image import api as image_api
from nova_common.network import api as network_api
from nova_common import quota
from nova_conductor import rpcapi as conductor_rpcapi

LOG = logging.getLogger(__name__)

_HOSTNAME_UNSAFE = re.compile(r'[^\w.-]+')
TOO_MANY_MEMBERS = 'Quota exceeded, too many servers in group'


def _flavor(context, flavor_ref):
    try:
        flavor = flavors_db.get_flavor(context, str(flavor_ref))
    except exception.FlavorNotFound:
        raise exception.Invalid('Flavor %s could not be found.' % flavor_ref)
    if flavor.get('disabled'):
        raise exception.Invalid('Flavor is disabled.')
    return flavor


def _image_ref(server):
    """The image to boot: imageRef, or the one mapping of an image to a
    local root disk that clients such as the openstack CLI send with it.
    Any other block device mapping needs block storage, which is not here."""
    image_ref = server.get('imageRef')
    mappings = server.get('block_device_mapping_v2') or []
    if not mappings:
        return image_ref
    if len(mappings) > 1 or not _is_local_image_boot(mappings[0]):
        raise exception.Invalid('Block device mappings other than one image copied to '
                                'a local root disk are not supported: this cloud has '
                                'no block storage.')
    mapped = mappings[0].get('uuid')
    if not mapped:
        raise exception.Invalid('The block device mapping of the image needs its uuid.')
    if image_ref and image_ref != mapped:
        raise exception.Invalid('imageRef %s and the image %s of the block device mapping '
                                'differ.' % (image_ref, mapped))
    return mapped


def _is_local_image_boot(mapping):
    return (mapping.get('source_type') == 'image'
            and mapping.get('destination_type', 'local') == 'local'
            and str(mapping.get('boot_index')) == '0')


def _image(context, image_ref, flavor):
    if not image_ref:
        raise exception.Invalid('Cannot boot without an image: imageRef is required '
                                '(booting from volume is not supported).')
    try:
        image = image_api.ImageAPI().get(context, image_ref)
    except exception.NotFound:
        raise exception.Invalid('Image %s could not be found.' % image_ref)
    if image.get('status') != 'active':
        raise exception.Invalid('Image %s is not active.' % image_ref)
    if (image.get('min_ram') or 0) > flavor['memory_mb']:
        raise exception.Invalid("Flavor's memory is too small for requested image.")
    if (image.get('min_disk') or 0) > flavor['root_gb'] and flavor['root_gb']:
        raise exception.Invalid("Flavor's disk is too small for requested image.")
    if image.get('size') and flavor['root_gb'] and image['size'] > flavor['root_gb'] * 1024 ** 3:
        raise exception.Invalid("Flavor's disk is too small for requested image.")
    return image


def _key_pair(context, key_name):
    if not key_name:
        return None
    try:
        return keypairs_db.get_keypair(context, context.user_id, key_name)
    except exception.KeypairNotFound:
        raise exception.Invalid('Invalid key_name provided.')


def _networks(context, server, max_count):
    """The requested networks, checked before anything is written (see
    nova_common.network.api); a port or fixed IP serves one server only."""
    requests = network_api.validate(context, server.get('networks'),
                                    server.get('security_groups'))
    if max_count > 1 and network_api.brings_ports_or_addresses(requests):
        raise exception.Invalid('Unable to launch multiple instances with a single '
                                'configured port or fixed IP.')
    return requests


def _counts(server):
    min_count = int(server.get('min_count', 1))
    max_count = int(server.get('max_count', min_count))
    if min_count > max_count:
        raise exception.Invalid('min_count must be <= max_count')
    return min_count, max_count


def _config_drive(server):
    """'True' (as Nova stores it) when the server gets a config drive:
    asked for, or [DEFAULT] force_config_drive; '' otherwise."""
    asked = server.get('config_drive')
    if asked not in (None, ''):
        try:
            asked = strutils.bool_from_string(asked, strict=True)
        except ValueError:
            raise exception.Invalid('Invalid config_drive value: %s' % asked)
    return 'True' if asked or CONF.force_config_drive else ''


def _user_data(server):
    user_data = server.get('user_data')
    if user_data is None:
        return None
    try:
        base64.b64decode(user_data, validate=True)
    except ValueError:
        raise exception.Invalid('Userdata content cannot be decoded.')
    return user_data


def _hostname(display_name, explicit, index, count):
    if explicit:
        return explicit
    hostname = _HOSTNAME_UNSAFE.sub('-', display_name).strip('-.').lower()[:63] or 'server'
    return '%s-%d' % (hostname, index + 1) if count > 1 else hostname


def _flavor_snapshot(flavor):
    keys = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb',
            'swap', 'rxtx_factor', 'is_public', 'description', 'extra_specs', 'disabled',
            'vcpu_weight')
    return {key: flavor.get(key) for key in keys}


def _instance(context, server, version, flavor, image, key_pair, zone, networks,
              reservation_id, index, count):
    display_name = server['name']
    if count > 1:
        display_name = '%s-%d' % (display_name, index + 1)
    properties = (image or {}).get('properties') or {}
    now = timeutils.utcnow().isoformat()
    return {
        'uuid': uuidutils.generate_uuid(),
        'display_name': display_name,
        'display_description': server.get('description'),
        'hostname': _hostname(server['name'], server.get('hostname'), index, count),
        'project_id': context.project_id,
        'user_id': context.user_id,
        'image_ref': image['id'] if image else '',
        'kernel_id': properties.get('kernel_id'),
        'ramdisk_id': properties.get('ramdisk_id'),
        'flavor': _flavor_snapshot(flavor),
        'instance_type_id': flavor['id'],
        'memory_mb': flavor['memory_mb'],
        'vcpus': flavor['vcpus'],
        'root_gb': flavor['root_gb'],
        'ephemeral_gb': flavor['ephemeral_gb'],
        'key_name': key_pair['name'] if key_pair else None,
        'key_data': key_pair['public_key'] if key_pair else None,
        'user_data': _user_data(server),
        'metadata': server.get('metadata', {}),
        'system_metadata': image_system_metadata(image),
        'tags': server.get('tags', []),
        'availability_zone': zone,
        'reservation_id': reservation_id,
        'launch_index': index,
        'vm_state': states.BUILDING,
        'task_state': states.SCHEDULING,
        'power_state': states.NOSTATE,
        'locked': False,
        'config_drive': _config_drive(server),
        'access_ip_v4': parameter_types.normalized_ip(server.get('accessIPv4')),
        'access_ip_v6': parameter_types.normalized_ip(server.get('accessIPv6')),
        'progress': 0,
        'networks': networks,
        'created_at': now,
        'updated_at': now,
    }


def _server_group(context, hints):
    """The group the ``group`` scheduler hint names, if any; one of
    another project is as unknown as one that does not exist."""
    group_uuid = (hints or {}).get('group')
    if group_uuid is None:
        return None
    try:
        group = server_groups.get(context, group_uuid)
    except exception.InstanceGroupNotFound as error:
        raise exception.Invalid(error.message)
    if group['project_id'] != context.project_id:
        raise exception.Invalid(exception.InstanceGroupNotFound(group_uuid=group_uuid).message)
    return group


def _check_group_members(context, group, delta, limits):
    try:
        quota.check_server_group_members(context, group, context.user_id, delta, limits)
    except exception.OverQuota:
        raise exception.Forbidden(TOO_MANY_MEMBERS)


def _group_spec(group):
    """The group as the request spec carries it; the scheduler fills in
    where its members are when it places the request."""
    if group is None:
        return None
    return {key: group[key] for key in ('uuid', 'policy', 'rules')}


def image_system_metadata(image):
    """The image's properties as the instance keeps a copy of them: its
    system metadata ``image_<property>``."""
    properties = (image or {}).get('properties') or {}
    return {'image_%s' % key: str(value) for key, value in properties.items()
            if isinstance(value, (str, int, float))}


def image_spec(image):
    """The image as a request spec (and a compute) carries it."""
    if not image:
        return None
    return {key: image.get(key) for key in (
        'id', 'name', 'min_disk', 'min_ram', 'properties', 'status', 'size', 'disk_format')}


def _request_spec(context, instance, flavor, image, zone, hints, count, group=None):
    return {
        'instance_uuid': instance['uuid'],
        'project_id': context.project_id,
        'user_id': context.user_id,
        'flavor': _flavor_snapshot(flavor),
        'image': image_spec(image),
        'availability_zone': zone,
        'scheduler_hints': hints or {},
        'num_instances': count,
        'ignore_hosts': [],
        'force_hosts': [],
        'force_nodes': [],
        'requested_networks': instance['networks'],
        'instance_group': _group_spec(group),
        # The server's metadata, for filters that place by it.
        'instance_metadata': instance['metadata'],
    }


def _deltas(flavor, count):
    return {'instances': count, 'cores': count * flavor['vcpus'],
            'ram': count * flavor['memory_mb']}


@engines.retry_on_deadlock
def _write(context, instances, specs, group):
    """The servers' records and, with ``group``, their membership: one
    transaction."""
    with engines.api_writer(context):
        for instance, spec in zip(instances, specs):
            build_requests.create(context, instance, instance['tags'])
            request_specs.create(context, spec)
            instance_mappings.create(context, instance['uuid'], context.project_id,
                                     context.user_id)
        if group is not None:
            server_groups.add_members(context, group['id'],
                                      [instance['uuid'] for instance in instances])


def _undo(context, instances):
    for instance in instances:
        build_requests.delete(context, instance['uuid'])
        request_specs.delete(context, instance['uuid'])
        instance_mappings.delete(context, instance['uuid'])
        server_groups.remove_member(context, instance['uuid'])


def create_servers(context, body, version):
    """Returns (instances, admin_password); raises a 4xx NovaException on
    bad input or over quota, 503 when the conductor cannot be reached."""
    server = body['server']
    flavor = _flavor(context, server['flavorRef'])
    image = _image(context, _image_ref(server), flavor)
    key_pair = _key_pair(context, server.get('key_name'))
    zone, forced_host, forced_node = zones.requested(context, server.get('availability_zone'))
    min_count, max_count = _counts(server)
    networks = _networks(context, server, max_count)
    hooks.check_create(context, {'server': server, 'flavor': _flavor_snapshot(flavor),
                                 'image': image, 'min_count': min_count,
                                 'max_count': max_count,
                                 'scheduler_hints': body.get('OS-SCH-HNT:scheduler_hints')})
    if server.get('metadata'):
        quota.check_limits(context, context.project_id,
                           {'metadata_items': len(server['metadata'])}, context.user_id)
    limits = quota.project_and_user_limits(context, context.project_id, context.user_id)
    count = quota.allowed_count(context, context.project_id, context.user_id,
                                _deltas(flavor, 1), min_count, max_count, limits=limits)
    hints = body.get('OS-SCH-HNT:scheduler_hints')
    group = _server_group(context, hints)
    if group is not None:
        _check_group_members(context, group, count, limits)

    reservation_id = 'r-' + secrets.token_hex(4)
    instances = [_instance(context, server, version, flavor, image, key_pair, zone, networks,
                           reservation_id, index, count) for index in range(count)]
    specs = [_request_spec(context, instance, flavor, image, zone, hints, count, group)
             for instance in instances]
    for spec in specs:
        spec.update(force_hosts=[forced_host] if forced_host else [],
                    force_nodes=[forced_node] if forced_node else [])
    _write(context, instances, specs, group)
    try:
        if CONF.quota.recheck_quota:
            quota.check_deltas(context, context.project_id, context.user_id,
                               {'instances': 0, 'cores': 0, 'ram': 0},
                               requested=_deltas(flavor, count), limits=limits)
            if group is not None:
                _check_group_members(context, group, 0, limits)
        conductor_rpcapi.ConductorAPI().schedule_and_build_instances(
            context, [instance['uuid'] for instance in instances], specs[0])
    except exception.Forbidden:  # OverQuota, or too many servers in the group
        _undo(context, instances)
        raise
    except rpc.BUS_UNREACHABLE as error:
        _undo(context, instances)
        LOG.error('Could not reach the conductor: %s', error)
        raise exception.ServiceUnavailable(reason='the conductor cannot be reached')
    admin_password = server.get('adminPass') or secrets.token_urlsafe(9)
    return instances, admin_password, strutils.bool_from_string(
        server.get('return_reservation_id', False))
