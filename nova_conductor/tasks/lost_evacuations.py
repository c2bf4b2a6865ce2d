"""Ending the evacuations that were lost or left open, so that no server
stays ``rebuilding`` for good and no evacuation record stays open with a
claim behind it. Each cell conductor checks its own cell every
[conductor] lost_build_check_interval seconds, with the lost-build checks.

An evacuation is open while its migration is ``accepted`` (the API wrote
it with the server's task) or ``pre-migrating`` (the destination compute
began the rebuild). For each server, its newest open evacuation is:

- lost when the server is still in a rebuild task state on its source
  host and neither the server nor the record was written for [conductor]
  evacuation_timeout seconds: the cast to the super-conductor or to the
  destination was lost, or the destination compute died. The server goes
  to ERROR with a fault, as a failed evacuation does in Nova; the record
  to ``error``; of the claim only the source node's part stays (Nova frees
  the destination's when a rebuild there fails, and the server is on its
  source). The operator evacuates it again (ERROR servers may be). It is
  not re-driven: a destination that is only slow would then build a second
  copy, and a dead one would lose the second cast too. A destination that
  gets the cast late, or is still spawning, finds the task gone and
  removes its guest (nova_compute/rebuild.py).
- over without having happened when the server is no longer being
  rebuilt and is not on the destination: its source compute came back and
  ended the rebuild (nova_compute/startup.py), or an administrator reset
  its state. The record goes to ``error`` and the destination's part of
  the claim is freed.
- finished when the server is on the destination, its rebuild over: the
  destination stopped between its update of the server and that of the
  record. The record becomes ``done``, as the destination would have made
  it, so that the source's part goes when the source comes back.

The last two wait until neither the server nor the record was written
for one check interval: the destination closes its record itself right
after its update of the server, and should be the one that does.

An older open evacuation of the same server is over whatever the server
is doing: ``error``, its destination's part freed unless the server needs
that node (it is there, or its newest evacuation goes there).
"""
import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_common.db import engines
from nova_common import exception
from nova_conductor import evacuations

LOG = logging.getLogger(__name__)

REBUILD_TASK_STATES = (states.REBUILDING, states.REBUILD_BLOCK_DEVICE_MAPPING,
                       states.REBUILD_SPAWNING)
LOST_EVACUATION = ('The evacuation to %s was lost: the server was not rebuilt there '
                   'within %d seconds. It can be evacuated again.')
# The destination compute's event, which a lost rebuild there leaves open.
COMPUTE_EVENT = 'compute_rebuild_instance'


def end_lost_evacuations(context):
    """Settle the open evacuations of this conductor's cell (see the module
    doc); returns {migration uuid: the status it was given}."""
    open_ones = engines.retry_on_db_error(migrations.list)(
        context, {'migration_type': evacuations.MIGRATION_TYPE,
                  'status': list(evacuations.OPEN_STATUSES)})
    if not open_ones:
        return {}
    by_instance = {}
    for migration in open_ones:  # newest first
        by_instance.setdefault(migration['instance_uuid'], []).append(migration)
    live = {instance['uuid']: instance for instance in engines.retry_on_db_error(
        instances.list)(context, {'uuid': sorted(by_instance), 'deleted': False})}
    settled = {}
    for uuid, found in by_instance.items():
        instance = live.get(uuid)
        if instance is None or instance['task_state'] == states.DELETING:
            continue  # a delete takes its migrations and its whole claim along
        newest, older = found[0], found[1:]
        for migration in older:
            _close(context, instance, migration, 'error',
                   keep=(newest['dest_compute'], newest['dest_node']), settled=settled)
        _settle_newest(context, instance, newest, settled)
    return settled


def _settle_newest(context, instance, migration, settled):
    on_destination = (instance['host'] == migration['dest_compute']
                      and instance['host'] is not None)
    idle = _idle_for(instance, migration)
    if instance['task_state'] in REBUILD_TASK_STATES and not on_destination:
        if idle >= _timeout() > 0:
            _end_lost(context, instance, migration, settled)
    elif idle < CONF.conductor.lost_build_check_interval:
        return  # the destination's own update of the record may be on its way
    elif on_destination:
        _close(context, instance, migration, 'done', settled=settled)
    else:
        _close(context, instance, migration, 'error', settled=settled)


def _timeout():
    return CONF.conductor.evacuation_timeout


def _idle_for(instance, migration):
    """Seconds since the server or its evacuation record was last written."""
    written = [value for value in (instance['updated_at'], migration['updated_at'],
                                   migration['created_at']) if value is not None]
    if not written:
        return 0
    return (timeutils.utcnow() - max(written)) / datetime.timedelta(seconds=1)


def _end_lost(context, instance, migration, settled):
    """ERROR with a fault for a server whose evacuation was lost, guarded
    by its rebuild task (a destination finishing meanwhile, or a delete,
    wins); then the record is closed as ``error``."""
    uuid = instance['uuid']
    message = LOST_EVACUATION % (migration['dest_compute'] or 'another host', _timeout())
    if not _write_error(context, uuid, message, migration['status'] == 'pre-migrating'):
        return
    LOG.warning('The evacuation of instance %s (migration %s) was lost: ERROR', uuid,
                migration['uuid'])
    _close(context, instance, migration, 'error', settled=settled)


@engines.retry_on_db_error
def _write_error(context, uuid, message, destination_began):
    """Whether this call ended the server in ERROR (with its fault and, when
    the destination had begun, its compute event ended)."""
    with engines.cell_writer(context):
        try:
            instances.update(context, uuid, {'vm_state': states.ERROR, 'task_state': None},
                             expected_task_state=list(REBUILD_TASK_STATES),
                             action='evacuate')
        except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
            LOG.info('Instance %s moved on before its lost evacuation was ended: %s',
                     uuid, error)
            return False
        instances.add_fault(context, uuid, 500, message)
        if destination_began:
            try:
                instance_actions.event_finish(context, uuid, context.request_id,
                                              COMPUTE_EVENT, 'Error', traceback=message)
            except exception.InstanceActionNotFound:
                LOG.debug('No action of instance %s to end %s in', uuid, COMPUTE_EVENT)
    return True


def _close(context, instance, migration, status, keep=None, settled=None):
    """``status`` for an open evacuation; ``error`` first frees the part of
    the claim it made on its destination (evacuations.release_destination),
    keeping ``keep``'s (host, node)."""
    if status == 'error':
        evacuations.release_destination(context, instance, migration, keep=keep)
    try:
        engines.retry_on_db_error(migrations.update)(
            context, migration['uuid'], {'status': status},
            expected_status=list(evacuations.OPEN_STATUSES))
    except exception.MigrationNotFound:
        LOG.info('Evacuation %s ended meanwhile', migration['uuid'])
        return
    LOG.info('Evacuation %s of instance %s was %s: now %s', migration['uuid'],
             instance['uuid'], migration['status'], status)
    if settled is not None:
        settled[migration['uuid']] = status
