"""The super-conductor's part of a live migration (Nova's conductor
LiveMigrationTask).

The API has set task_state ``migrating`` and written the migration
(``accepted``). Here, before anything moves:

1. the migration becomes ``queued`` and the instance's claim on its
   source node goes to the migration's uuid
   as consumer (ledger.move_allocations, as a resize does), so that the
   source keeps its resources while the instance claims the destination;
2. the destination: a named host is checked (same cell, compute service
   up, not the source) and then, as in Nova, judged by the scheduler as
   the requested destination, unless ``force`` sends the instance there
   with only a ledger claim; with no host the scheduler picks one, the
   source left out. Either way the instance is claimed there;
3. the destination's compute is asked ``check_can_live_migrate_destination``
   (it compares CPUs and decides block migration, and asks the source's
   ``check_can_live_migrate_source`` in turn). When a destination the
   scheduler chose refuses, its claim is freed and the scheduler asked
   again without it, up to ``[DEFAULT] migrate_max_retries`` more times
   (Nova's answer too); a named host's refusal ends the migration;
4. the migration names the destination, and the source compute is asked
   to run the migration (nova_compute/live_migration.py).

The records go with the writes this task makes anyway, so that the
destination's check costs it no calls of its own: the event started and
the migration ``queued`` in one transaction; the destination named while
the destination checks; the check's success recorded with this task's
own event once the source has the migration (the destination records
only a refusal, 1.12).

A refusal at any of these steps puts everything back: the destination
claim freed and the source claim given back to the instance in one ledger
transaction, the migration ``error``, the server in its vm_state with no
task, and the ``conductor_live_migrate_instance`` event failed with the
reason (Nova answers these asynchronously the same way: the API's 202 is
already sent).
"""
from concurrent import futures
import time
import traceback

from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import compute_nodes
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import ledger
from nova_common.db.api import migrations
from nova_common.db.api import services
from nova_common.db import engines
from nova_common import exception
from nova_common import servicegroup
from nova_compute import rpcapi as compute_rpcapi
from nova_conductor import ledger_access
from nova_conductor.tasks import migrate
from nova_scheduler import utils as scheduler_utils

LOG = logging.getLogger(__name__)

EVENT = 'conductor_live_migrate_instance'
CHECK_EVENT = 'compute_check_can_live_migrate_destination'
SAME_HOST = 'Unable to migrate instance (%s) to current host (%s).'
NO_HOST = 'Compute host %s could not be found.'
OTHER_CELL = 'Compute host %s is not in the cell of the server; a server cannot be ' \
             'live-migrated into another cell.'
SERVICE_DOWN = 'Compute service of %s is unavailable at this time.'
FORCED_MISFIT = 'Unable to claim the resources of instance %s on the forced host %s.'
# The destination's record is written here while the destination checks.
_BACKGROUND = futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix='live-migrate')


class Refused(Exception):
    """A check before the migration said no; the message says why."""


def live_migrate_instance(context, scheduler_api, cell_uuid, instance, migration_id, host,
                          block_migration, force):
    uuid = instance['uuid']
    steps = _StepTimer()
    cell = cells_scatter.get_cell(context, cell_uuid)
    with nova_context.target_cell(context, cell) as cell_context:
        # Out of ``accepted`` (a status that holds nothing for the ledger's
        # healing) before the migration takes the source claim.
        migration = _queue(cell_context, uuid, migration_id)
        steps.lap('queued')
        moved = ledger_access.move(context, uuid, migration['uuid'])
        steps.lap('source claim moved')
        checking = None
        try:
            if host:
                _check_named_host(cell_context, instance, host)
            ignored = [instance['host']]
            stored_spec = migrate.stored_spec(context, uuid)
            while True:
                chosen = _destination(context, scheduler_api, cell_uuid, instance, host,
                                      force, ignored, stored_spec)
                steps.lap('destination chosen')
                checking = chosen['host']
                try:
                    migration, migrate_data = _check_destination(
                        context, cell, cell_context, instance, migration, chosen,
                        block_migration)
                    break
                except exception.MigrationPreCheckError as refusal:
                    if host or not _may_retry(len(ignored)):
                        raise
                    LOG.info('Live migration of %s: %s refused (%s); trying another host',
                             uuid, chosen['host'], _reason(refusal))
                    ledger_access.release(context, uuid)
                    ignored.append(chosen['host'])
            steps.lap('destination recorded and checked on both hosts')
        except Exception as error:  # noqa: BLE001 - every refusal ends the same way
            message = _reason(error)
            LOG.warning('Live migration of %s refused: %s', uuid, message)
            migrate.restore_claims(context, uuid, migration['uuid'], moved)
            # A destination that answered recorded its refusal itself.
            unanswered = checking if isinstance(error, messaging.MessagingException) else None
            _write_refusal(cell_context, uuid, migration, message, traceback.format_exc(),
                           unanswered)
            return
        try:
            compute_rpcapi.ComputeAPI.for_cell(cell).live_migration(
                context, instance['host'], instance, migrate_data, migration)
        except Exception as error:  # noqa: BLE001 - the source compute out of reach
            LOG.exception('Could not hand the live migration of %s to %s', uuid,
                          instance['host'])
            migrate.restore_claims(context, uuid, migration['uuid'], moved)
            _write_refusal(cell_context, uuid, migration, _reason(error),
                           traceback.format_exc())
            return
        steps.lap('handed to the source')
        _record_success(cell_context, uuid, chosen['host'])
    LOG.info('Live-migrating instance %s from %s to %s (migration %s); %s', uuid,
             instance['host'], chosen['host'], migration['uuid'], steps)


class _StepTimer:
    """Seconds per step of this task, logged for bench/move.py."""

    def __init__(self):
        self._last = time.monotonic()
        self._laps = []

    def lap(self, name):
        now = time.monotonic()
        self._laps.append((name, now - self._last))
        self._last = now

    def __str__(self):
        return ', '.join('%s %.3f s' % lap for lap in self._laps)


def _reason(error):
    return getattr(error, 'message', None) or str(error) or error.__class__.__name__


def _check_named_host(cell_context, instance, host):
    if host == instance['host']:
        raise Refused(SAME_HOST % (instance['uuid'], host))
    try:
        service = services.get_compute_by_host(cell_context, host)
    except exception.ComputeHostNotFound:
        raise Refused(OTHER_CELL % host)
    if not servicegroup.is_up(service):
        raise Refused(SERVICE_DOWN % host)


def _may_retry(tried):
    """Whether another destination may be tried after ``tried`` hosts
    (the source among them) were left out."""
    retries = CONF.migrate_max_retries
    return retries < 0 or tried - 1 < retries


def _check_destination(context, cell, cell_context, instance, migration, chosen,
                       block_migration):
    """(the migration naming ``chosen``, the migrate_data of the checks on
    both hosts); MigrationPreCheckError when either refuses. The
    destination is recorded while it checks: the check reads none of it."""
    recording = _BACKGROUND.submit(_set_destination, cell_context, migration, chosen)
    try:
        migrate_data = compute_rpcapi.ComputeAPI.for_cell(
            cell).check_can_live_migrate_destination(
                context, chosen['host'], instance, block_migration,
                dict(migration, dest_compute=chosen['host'], dest_node=chosen['nodename'],
                     dest_host=chosen['host']),
                record_events=False)
    finally:
        migration = recording.result()
    return migration, migrate_data


def _destination(context, scheduler_api, cell_uuid, instance, host, force, ignored,
                 stored_spec):
    """The chosen Selection ({host, nodename, compute_node_uuid, ...}),
    the instance claimed there; ``ignored``: hosts left out (the source
    and those that refused)."""
    uuid = instance['uuid']
    spec = migrate.scheduling_spec(stored_spec, instance, instance['flavor'], host)
    spec['ignore_hosts'] = list(ignored)
    if force and host:
        return _claim_forced(context, instance, spec, host)
    chosen = scheduler_api.select_destinations(context, spec, [uuid],
                                               return_alternates=False)[0][0]
    if chosen['cell_uuid'] != cell_uuid:
        ledger_access.release(context, uuid)
        raise Refused(OTHER_CELL % chosen['host'])
    return chosen


def _claim_forced(context, instance, spec, host):
    cell = cells_scatter.cell_of_host(context, host)
    with nova_context.target_cell(context, cell) as cell_context:
        nodes = compute_nodes.list(cell_context, host=host)
    if not nodes:
        raise Refused(NO_HOST % host)
    node = nodes[0]
    resources = scheduler_utils.requested_resources(spec)
    if ledger_access.available() and not ledger.claim(context, instance['uuid'],
                                                      node['uuid'], resources):
        raise Refused(FORCED_MISFIT % (instance['uuid'], host))
    return {'host': host, 'nodename': node['hypervisor_hostname'],
            'compute_node_uuid': node['uuid'], 'cell_uuid': cell['uuid']}


@engines.retry_on_db_error
def _queue(cell_context, uuid, migration_id):
    """This task's event started and the migration ``queued``: one
    transaction."""
    with engines.cell_writer(cell_context):
        instance_actions.event_start(cell_context, uuid, cell_context.request_id, EVENT, None)
        return migrations.update(cell_context, migration_id, {'status': 'queued'})


@engines.retry_on_db_error
def _set_destination(cell_context, migration, chosen):
    """The migration names its destination."""
    return migrations.update(cell_context, migration['id'], {
        'dest_compute': chosen['host'], 'dest_node': chosen['nodename'],
        'dest_host': chosen['host']})


@engines.retry_on_db_error
def _record_success(cell_context, uuid, destination):
    """The destination's check and this task succeeded: one transaction.
    The check's event is recorded here whole (its end records its start),
    so that it cannot cross a refusal the destination recorded itself."""
    with engines.cell_writer(cell_context):
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, CHECK_EVENT,
                                      'Success', host=destination)
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, EVENT,
                                      'Success')


@engines.retry_on_db_error
def _write_refusal(cell_context, uuid, migration, message, details, unanswered=None):
    """No task, the event failed with the reason, the migration in error:
    one cell transaction guarded by ``migrating`` (a delete wins).
    ``unanswered``: the destination whose check got no answer (its event
    fails here too)."""
    with engines.cell_writer(cell_context):
        migrations.update(cell_context, migration['id'], {'status': 'error'})
        try:
            instances.update(cell_context, uuid, {'task_state': None},
                             expected_task_state=states.MIGRATING, action='os-migrateLive')
        except (exception.InstanceNotFound, exception.InstanceInvalidState) as error:
            LOG.info('Instance %s moved on while its live migration was refused: %s', uuid,
                     error)
            return
        if unanswered:
            instance_actions.event_finish(cell_context, uuid, cell_context.request_id,
                                          CHECK_EVENT, 'Error', traceback=details,
                                          details=message, host=unanswered)
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, EVENT,
                                      'Error', traceback=details, details=message)
