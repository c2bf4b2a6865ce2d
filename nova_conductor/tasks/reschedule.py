"""A build that failed on one host moves to the next alternate the
scheduler picked (same cell, claimed now); when none is left, ERROR."""
from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common import exception
from nova_common.db.api import instances
from nova_common.network import api as network_api
from nova_common import rpc
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import ledger_access
from nova_conductor import persistence
from nova_scheduler import server_group_placement

LOG = logging.getLogger(__name__)

EXHAUSTED = ('Exceeded maximum number of retries. Exhausted all hosts available for '
             'retrying build failures for instance %s.')


def reschedule(context, instance, request_spec, alternates, reason):
    uuid = instance['uuid']
    ledger_access.release(context, uuid)
    for index, selection in enumerate(alternates):
        if not ledger_access.claim(context, uuid, selection,
                                   group_uuid=server_group_placement.group_uuid(request_spec)):
            LOG.info('Alternate %s of instance %s no longer fits', selection['nodename'], uuid)
            continue
        try:
            moved = instances.update(
                context, uuid,
                {'host': selection['host'], 'node': selection['nodename'],
                 'availability_zone': selection.get('availability_zone',
                                                    instance.get('availability_zone')),
                 'task_state': states.SCHEDULING},
                expected_vm_state=states.BUILDING, expected_task_state=states.SPAWNING)
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            ledger_access.release(context, uuid)
            LOG.info('Instance %s was deleted before its reschedule', uuid)
            return
        LOG.info('Rescheduling instance %s to %s after: %s', uuid, selection['nodename'], reason)
        if ledger_access.available():
            network_api.rebind(context, uuid, selection['host'])
        compute_rpcapi.ComputeAPI(rpc.get_transport()).build_and_run_instance(
            context, selection['host'], moved, request_spec, alternates[index + 1:])
        return
    LOG.warning('Instance %s failed to build and no alternate is left: %s', uuid, reason)
    try:
        persistence.set_error(context, uuid, EXHAUSTED % uuid, details=reason,
                              host=instance.get('host'), expected={'vm_state': states.BUILDING})
    except (exception.InstanceNotFound, exception.InstanceInvalidState):
        LOG.info('Instance %s was deleted (or ended) before its build failed for good', uuid)
