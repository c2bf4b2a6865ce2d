"""shelve, shelveOffload and unshelve from the API.

shelve makes a snapshot named "<server name>-shelved" the way createImage
does (nova_api/compute/snapshot.py) and casts to the compute, which powers
the guest off, uploads it and leaves the server SHELVED (offloaded at once
when [DEFAULT] shelved_offload_time is 0). shelveOffload casts to the
compute, which destroys the guest and frees its claim.

unshelve of a SHELVED server casts to its compute (power on again). An
offloaded server has no host: its request spec, with the shelve snapshot
as the image and the zone (2.77) or host (2.91) asked for, goes to the
super-conductor, which schedules it like a build and hands it to the
chosen compute (nova_conductor/tasks/unshelve.py).
"""
import copy

from nova_api.compute import lookup
from nova_api.compute import power
from nova_api.compute import snapshot
from nova_api.compute import state_checks
from nova_api.compute import zones
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import cells as cells_db
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from nova_common import exception
from nova_common.image import api as image_api
from nova_compute import rpcapi as compute_rpcapi
from nova_compute import shelve as compute_shelve
from nova_conductor import rpcapi as conductor_rpcapi

# "availability_zone" not in the request: the server keeps its zone.
UNSET = object()


def shelve(context, instance, clean_shutdown=True):
    meta = snapshot.image_metadata(context, instance,
                                   '%s-shelved' % instance['display_name'], 'snapshot')
    image, updated, cell = snapshot.begin_with_image(
        context, instance, 'shelve', snapshot.SNAPSHOT_VM_STATES, states.SHELVING, meta)
    compute_rpcapi.ComputeAPI.for_cell(cell).shelve_instance(
        context, updated['host'], updated, image['id'], clean_shutdown=clean_shutdown)
    return image


def shelve_offload(context, instance, clean_shutdown=True):
    state_checks.require_state(instance, 'shelveOffload', [states.SHELVED], no_task=True)
    updated, cell = power.begin(context, instance, 'shelveOffload', [states.SHELVED],
                                states.SHELVING_OFFLOADING)
    compute_rpcapi.ComputeAPI.for_cell(cell).shelve_offload_instance(
        context, updated['host'], updated, clean_shutdown=clean_shutdown)


def unshelve(context, instance, availability_zone=UNSET, host=None):
    """``availability_zone``: UNSET, a zone, or None (2.91: unpin the
    server from its zone); ``host`` (2.91): the compute host to unshelve
    on. Both only for an offloaded server (409 otherwise)."""
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, 'unshelve',
                               [states.SHELVED, states.SHELVED_OFFLOADED], no_task=True)
    if instance['vm_state'] == states.SHELVED:
        if availability_zone is not UNSET or host is not None:
            raise exception.Conflict(
                'Specifying an availability zone or a host when unshelving server %s with '
                'status SHELVED is not supported. The server status must be '
                'SHELVED_OFFLOADED.' % instance['uuid'])
        updated, cell = power.begin(context, instance, 'unshelve', [states.SHELVED],
                                    states.UNSHELVING)
        compute_rpcapi.ComputeAPI.for_cell(cell).unshelve_instance(
            context, updated['host'], updated)
        return
    _unshelve_offloaded(context, instance, availability_zone, host)


def delete_shelve_image(context, instance):
    """A shelved server being deleted: its shelve snapshot goes too, as in
    Nova (a snapshot already gone is fine)."""
    if instance.get('vm_state') not in (states.SHELVED, states.SHELVED_OFFLOADED):
        return
    image_id = (instance.get('system_metadata') or {}).get(compute_shelve.SHELVED_IMAGE_ID)
    if image_id:
        snapshot.delete_image_quietly(context, image_api.ImageAPI(), image_id)


def _shelve_image(context, instance):
    image_id = (instance.get('system_metadata') or {}).get(compute_shelve.SHELVED_IMAGE_ID)
    try:
        if not image_id:
            raise exception.ImageNotFound(image_id=image_id)
        image = image_api.ImageAPI().get(context, image_id)
    except exception.NotFound:
        raise exception.Conflict('Unshelve attempted but the image %s cannot be found.'
                                 % image_id)
    if image.get('status') != 'active':
        raise exception.Conflict('Unshelve attempted but the image %s is %s.'
                                 % (image_id, image.get('status')))
    return image


def _check_host(context, host, cell):
    try:
        host_cell = cells_db.get_host_cell(context, host)
    except exception.HostNotFound:
        raise exception.Invalid('Compute host %s could not be found.' % host)
    if host_cell['uuid'] != cell['uuid']:
        raise exception.Invalid('Compute host %s is not in the cell of server; a server '
                                'cannot be unshelved into another cell.' % host)


def _unshelve_offloaded(context, instance, availability_zone, host):
    uuid = instance['uuid']
    cell = lookup.cell_of(context, instance)
    image = _shelve_image(context, instance)
    if host is not None:
        _check_host(context, host, cell)
    if availability_zone not in (UNSET, None) and \
            availability_zone not in zones.available_zones(context):
        raise exception.Invalid('The requested availability zone is not available')
    stored = request_specs.get(context, uuid)
    # As Nova: without a zone in the request, the zone the server was
    # created with (if any) still applies; a zone asked for is kept in the
    # request spec for the server's later moves.
    zone = stored.get('availability_zone') if availability_zone is UNSET else availability_zone
    if zone != stored.get('availability_zone'):
        request_specs.update(context, uuid, dict(stored, availability_zone=zone))
    spec = copy.deepcopy(stored)
    spec.update(instance_uuid=uuid, num_instances=1, availability_zone=zone,
                image=compute_shelve.image_spec(image), ignore_hosts=[],
                force_hosts=[], force_nodes=[],
                # As Nova: the host asked for narrows the scheduling, its
                # filters still run (no valid host when it does not fit).
                requested_destination={'host': host, 'node': None} if host else None)
    values = {'task_state': states.UNSHELVING}
    if availability_zone is not UNSET:
        values['availability_zone'] = zone
    with nova_context.target_cell(context, cell) as cell_context:
        updated = instances.update(cell_context, uuid, values,
                                   expected_vm_state=[states.SHELVED_OFFLOADED],
                                   expected_task_state=[None], action='unshelve')
        instance_actions.start(cell_context, uuid, 'unshelve', context.request_id,
                               context.user_id, context.project_id)
    conductor_rpcapi.ConductorAPI().unshelve_instance(context, cell['uuid'], updated, spec)
