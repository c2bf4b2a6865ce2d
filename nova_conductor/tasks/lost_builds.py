"""Ending the builds that were lost, so that every server ends ACTIVE or
ERROR, never BUILD for good. Both checks run in every conductor every
[conductor] lost_build_check_interval seconds.

- A build request older than [conductor] build_request_timeout lost its
  super-conductor (the cast, or the conductor that took it, died): the
  server is buried in cell0 in ERROR with a fault and its claim freed;
  or, when that conductor had created the instance in a cell already,
  the instance there is ended in ERROR instead (placed_builds): never a
  second copy.
  Conductors with [api_database] access do it, several at once if need
  be: the bury is guarded (see build.bury_in_cell0).
- An instance in BUILD for longer than [DEFAULT] instance_build_timeout
  goes to ERROR with a fault and its claim freed. Nova has each compute
  check its own instances; here each cell conductor checks its own cell
  ([database]), which also ends the builds whose compute died or never
  got the cast, and, once it runs again, the builds a stopped cell
  conductor held up (its computes could not report). A compute still
  spawning such an instance finds it in ERROR and removes the guest.
- An offloaded server still ``unshelving`` (not yet spawning) for longer
  than [conductor] build_request_timeout lost its super-conductor or the
  cast to its compute: it goes back to SHELVED_OFFLOADED with no task, no
  host and a fault, its claim freed, so that it can be unshelved again.
  Each cell conductor checks its own cell. A compute that still gets the
  cast finds the task gone and spawns nothing; an unshelve already
  spawning is its compute's (nova_compute/startup.py repairs it).
"""
import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common.db.api import build_requests
from nova_common.db.api import instances
from nova_common.db import engines
from nova_common import exception
from nova_conductor import ledger_access
from nova_conductor import persistence
from nova_conductor.tasks import build
from nova_conductor.tasks import placed_builds

LOG = logging.getLogger(__name__)

LOST_BUILD_REQUEST = ('The build was lost before it reached a cell: no conductor placed it '
                      'within %d seconds.')
LOST_BEFORE_COMPUTE = ('The build was lost before it reached a compute: no conductor handed '
                       'it on within %d seconds.')
LOST_UNSHELVE = ('The unshelve was lost: it had not reached a compute within %d seconds. '
                 'The server stays offloaded.')
# Nova's message for the same end.
BUILD_TIMED_OUT = 'Instance build timed out. Set to error state.'


def _cutoff(seconds):
    return timeutils.utcnow() - datetime.timedelta(seconds=seconds)


def bury_lost_build_requests(context):
    """Bury the build requests older than build_request_timeout; returns
    the uuids this call buried."""
    timeout = CONF.conductor.build_request_timeout
    if not timeout or not ledger_access.available():
        return []
    buried = []
    lost = engines.retry_on_db_error(build_requests.list)(
        context, created_before=_cutoff(timeout))
    for request in lost:
        uuid = request['instance_uuid']
        if _end_lost_build(context, uuid, timeout):
            LOG.warning('Build request %s was %d seconds old and no conductor had placed '
                        'it: ended in ERROR', uuid, timeout)
            buried.append(uuid)
    return buried


def _end_lost_build(context, uuid, timeout):
    """ERROR where the server is: in the cell a dead super-conductor had
    created it in already (placed_builds), else buried in cell0. Left to
    the next round while a cell does not answer: the server may be there."""
    try:
        placed = placed_builds.find(context, uuid)
    except placed_builds.CellsDidNotAnswer as error:
        LOG.warning('Lost build request %s is kept for the next round: cells did not '
                    'answer whether they have the instance: %s', uuid, error)
        return False
    if placed:
        cell, instance = placed
        return placed_builds.take_over(context, uuid, cell, instance,
                                       LOST_BEFORE_COMPUTE % timeout)
    return build.bury_in_cell0(context, uuid, LOST_BUILD_REQUEST % timeout)


def end_overdue_builds(context):
    """ERROR (with a fault, claim freed) for the instances of this
    conductor's cell in BUILD longer than instance_build_timeout; returns
    their uuids."""
    timeout = CONF.instance_build_timeout
    if not timeout:
        return []
    cutoff = _cutoff(timeout)
    building = engines.retry_on_db_error(instances.list)(
        context, {'vm_state': states.BUILDING, 'deleted': False})
    ended = []
    for instance in building:
        if instance['created_at'] is None or instance['created_at'] >= cutoff:
            continue
        try:
            persistence.set_error(context, instance['uuid'], BUILD_TIMED_OUT,
                                  host=instance['host'],
                                  expected={'vm_state': states.BUILDING})
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            continue
        LOG.warning('Instance %s was in BUILD for more than %d seconds: ERROR',
                    instance['uuid'], timeout)
        ended.append(instance['uuid'])
    return ended


def end_lost_unshelves(context):
    """Back to SHELVED_OFFLOADED with no task (fault written, claim freed)
    for the offloaded instances of this conductor's cell that are still
    ``unshelving`` build_request_timeout seconds after the unshelve began;
    returns their uuids."""
    timeout = CONF.conductor.build_request_timeout
    if not timeout:
        return []
    cutoff = _cutoff(timeout)
    unshelving = engines.retry_on_db_error(instances.list)(
        context, {'vm_state': states.SHELVED_OFFLOADED, 'task_state': states.UNSHELVING,
                  'deleted': False})
    ended = []
    for instance in unshelving:
        if instance['updated_at'] is None or instance['updated_at'] >= cutoff:
            continue
        if _end_lost_unshelve(context, instance['uuid'], LOST_UNSHELVE % timeout):
            ledger_access.release(context, instance['uuid'])
            LOG.warning('The unshelve of instance %s was lost (%d seconds without reaching '
                        'a compute): it stays offloaded', instance['uuid'], timeout)
            ended.append(instance['uuid'])
    return ended


@engines.retry_on_db_error
def _end_lost_unshelve(context, uuid, message):
    """No task, no host and a fault, guarded by the lost state (a
    conductor placing it meanwhile, or another round, loses); whether this
    call ended it."""
    with engines.cell_writer(context):
        try:
            instances.update(context, uuid, {'task_state': None, 'host': None, 'node': None},
                             expected_vm_state=[states.SHELVED_OFFLOADED],
                             expected_task_state=[states.UNSHELVING], action='unshelve')
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            return False
        instances.add_fault(context, uuid, 500, message)
    return True
