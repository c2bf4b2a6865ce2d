"""DELETE /servers/{id} (and the forceDelete action). Delete wins over any
task in flight.

- Still a build request: remove it; the conductor notices and undoes
  whatever it had made.
- In cell0 (never scheduled): soft-delete the record there.
- On a compute that is up: task_state deleting, then the compute destroys
  the guest and, through its cell conductor, the record and the claim.
- On a compute that is down: delete the record and free the claim here;
  the compute removes the orphan guest when it starts again.

Once a server in a cell is being deleted, its ports go (those the user
brought are unbound instead), whichever of these paths follows.

A server leaves its server group as soon as its delete is accepted, with
its request spec (a server in ERROR stays a member until deleted).
"""
from oslo_log import log as logging

from nova_api.compute import resize as compute_resize
from nova_api.compute import shelve as compute_shelve
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db.api import cells
from nova_common.db.api import instance_actions
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import request_specs
from nova_common.db.api import server_groups
from nova_common.db.api import services
from nova_common import exception
from nova_common.network import api as network_api
from nova_common import notifications
from nova_common import servicegroup
from nova_compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)


def _delete_build_request(context, uuid):
    """True when the server was still only a build request (now gone)."""
    if not build_requests.delete(context, uuid):
        return False
    request_specs.delete(context, uuid)
    instance_mappings.delete(context, uuid)
    server_groups.remove_member(context, uuid)
    ledger.release(context, uuid)
    LOG.info('Deleted server %s before it reached a cell', uuid)
    return True


def _compute_is_up(cell_context, host):
    try:
        service = services.get_by_host_and_binary(cell_context, host, 'nova-compute')
    except exception.NotFound:
        return False
    return servicegroup.is_up(service)


def _local_delete(cell_context, context, instance):
    """Delete a server no compute takes care of, here; its
    instance.delete.start/end come from the API, as Nova's local delete."""
    uuid = instance['uuid']
    notifications.instance_action(context, notifications.api_publisher(), instance,
                                  'delete', 'start')
    instances.soft_delete(cell_context, uuid)
    ledger.release(context, uuid)
    instance_actions.finish(cell_context, uuid, context.request_id)
    notifications.instance_action(context, notifications.api_publisher(),
                                  dict(instance, vm_state=states.DELETED, task_state=None),
                                  'delete', 'end')


def delete_server(context, instance):
    """Delete ``instance`` (as returned by lookup.get_server, access and
    lock already checked by the caller)."""
    uuid = instance['uuid']
    mapping = instance_mappings.get(context, uuid)
    if mapping['cell'] is None:
        if _delete_build_request(context, uuid):
            return
        mapping = instance_mappings.get(context, uuid)
        if mapping['cell'] is None:
            raise exception.InstanceNotFound(instance_id=uuid)
    cell = mapping['cell']
    with nova_context.target_cell(context, cell) as cell_context:
        deleting = instances.update(cell_context, uuid, {'task_state': states.DELETING},
                                    expected_vm_state=states.LIVE_VM_STATES)
        instance_mappings.mark_queued_for_delete(context, uuid)
        request_specs.delete(context, uuid)
        server_groups.remove_member(context, uuid)
        instance_actions.start(cell_context, uuid, 'delete', context.request_id,
                               context.user_id, context.project_id)
        compute_shelve.delete_shelve_image(context, instance)
        network_api.deallocate(context, deleting)
        host = deleting.get('host')
        if cell['uuid'] == cells.CELL0_UUID or not host:
            _local_delete(cell_context, context, deleting)
            return
        if not _compute_is_up(cell_context, host):
            LOG.warning('Compute %s is down: deleting server %s locally', host, uuid)
            _local_delete(cell_context, context, deleting)
            return
        if deleting['vm_state'] == states.RESIZED:
            compute_resize.confirm_before_delete(context, cell, cell_context, deleting)
    compute_rpcapi.ComputeAPI.for_cell(cell).terminate_instance(context, host, deleting)

