"""Ending the builds that were lost, so that every server ends ACTIVE or
ERROR, never BUILD for good. Both checks run in every conductor every
[conductor] lost_build_check_interval seconds.

- A build request older than [conductor] build_request_timeout lost its
  super-conductor (the cast, or the conductor that took it, died): the
  server is buried in cell0 in ERROR with a fault and its claim freed.
  Conductors with [api_database] access do it, several at once if need
  be: the bury is guarded (see build.bury_in_cell0).
- An instance in BUILD for longer than [DEFAULT] instance_build_timeout
  goes to ERROR with a fault and its claim freed. Nova has each compute
  check its own instances; here each cell conductor checks its own cell
  ([database]), which also ends the builds whose compute died or never
  got the cast, and, once it runs again, the builds a stopped cell
  conductor held up (its computes could not report). A compute still
  spawning such an instance finds it in ERROR and removes the guest.
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

LOG = logging.getLogger(__name__)

LOST_BUILD_REQUEST = ('The build was lost before it reached a cell: no conductor placed it '
                      'within %d seconds.')
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
        if build.bury_in_cell0(context, uuid, LOST_BUILD_REQUEST % timeout):
            LOG.warning('Build request %s was %d seconds old and no conductor had placed '
                        'it: buried in cell0 in ERROR', uuid, timeout)
            buried.append(uuid)
    return buried


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
