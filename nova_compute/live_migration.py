"""Live migration on the computes, as Nova's compute manager runs it.

On the destination (calls from the conductor or the source):
- ``check_can_live_migrate_destination``: the driver compares CPUs and
  decides block migration; the source is asked
  ``check_can_live_migrate_source`` in turn; their merged migrate_data
  goes back to the conductor (MigrationPreCheckError when either says no).
- ``pre_live_migration``: the ports plugged here, then the driver makes
  the instance directory, its backing files and, for a block migration,
  empty disks; returns the migrate_data with what the source needs.
- ``post_live_migration_at_destination``: the guest is here: the instance
  takes this host and node, its power state and no task; the migration's
  (source) claim is freed; migration ``completed``.
- ``rollback_live_migration_at_destination``: what pre_live_migration
  made is removed (the incoming guest, its files, its ports).

On the source (casts):
- ``live_migration``: migration ``preparing`` while the destination's
  pre_live_migration runs, migration ``running``, the driver's migration
  monitored (progress in the instance's ``progress``, abort after
  ``[libvirt] live_migration_completion_timeout``, force_complete); then
  the post steps, or the rollback.
- ``live_migration_abort`` / ``live_migration_force_complete`` reach the
  running migration through its Monitor. An abort that arrives before
  the migration runs here (``queued`` with the conductor or waiting for
  the instance's lock, 2.65) is kept until it does: the migration then
  ends ``cancelled`` before anything moved.

Each step writes its records in one conductor call (move_step, 1.12):
the source's start (task checked, migration ``preparing``: sent while
the destination prepares, so that the two round trips overlap),
``running``, the rollback, and the destination's take-over (instance,
migration ``completed``, the migration's claim freed). The source records
the destination's pre_live_migration event with its own writes; the
destination records it only when it fails.

A rollback leaves the server on its source as it was: the destination
cleaned up, the instance's destination claim freed and the source claim
given back to it (one ledger transaction), its vm_state, no task, the
migration ``error`` (a failed preparation), ``failed`` (a failed
migration) or ``cancelled`` (an abort); a fault for the failures.
"""
from concurrent import futures
import sys
import threading
import time
import traceback

from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute import instance_lock
from nova_compute import lifecycle
from nova_compute import vifs
from nova_compute.virt import live_migration_monitor

LOG = logging.getLogger(__name__)

_SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)

# migration id -> the Monitor of the live migration this process runs.
_RUNNING = {}
# migration id -> when an abort for it came before it ran here.
_ABORT_REQUESTED = {}
_RUNNING_LOCK = threading.Lock()
# Steps that overlap with another of the same migration: the source's
# start write with the destination's preparation, the destination's ports
# with its files.
_BACKGROUND = futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix='live-migration')
# An abort kept this long without its migration arriving is dropped (the
# conductor refused the migration meanwhile).
ABORT_KEPT_SECONDS = 3600
# The progress of a running migration is written at most this often.
PROGRESS_INTERVAL = 1.0


def _event(event, phase, host, result=None, details=None):
    record = {'event': event, 'phase': phase, 'host': host}
    if phase == 'finish':
        record.update(result=result, details=details)
    return record


class Steps:
    """The live migration steps of one compute: its host, driver, cell
    conductor and compute RPC client."""

    def __init__(self, host, driver, conductor_api, compute_api):
        self.host = host
        self.driver = driver
        self.conductor_api = conductor_api
        self.compute_api = compute_api

    # --- on the destination -------------------------------------------------------

    def check_can_live_migrate_destination(self, context, instance, block_migration,
                                           migration, record_events=True):
        """``record_events`` False: the conductor records the start and
        the success; only a refusal is recorded here."""
        uuid = instance['uuid']
        event = 'compute_check_can_live_migrate_destination'
        if record_events:
            self._record(context, uuid, _event(event, 'start', self.host))
        try:
            dest_data = self.driver.check_can_live_migrate_destination(
                context, instance, block_migration)
            dest_data.update(dest_host=self.host, dest_node=migration.get('dest_node'))
            try:
                migrate_data = self.compute_api.check_can_live_migrate_source(
                    context, instance['host'], instance, dest_data)
            finally:
                self.driver.cleanup_live_migration_destination_check(context, dest_data)
            self.driver.check_live_migration_compatibility(context, instance, migrate_data)
        except Exception as error:  # noqa: BLE001 - every refusal is a pre-check error
            self._record(context, uuid, _event(event, 'finish', self.host, 'Error',
                                               traceback.format_exc()))
            if isinstance(error, exception.MigrationPreCheckError):
                raise
            raise exception.MigrationPreCheckError(
                reason=getattr(error, 'message', None) or str(error))
        if record_events:
            self._record(context, uuid, _event(event, 'finish', self.host, 'Success'))
        return migrate_data

    def pre_live_migration(self, context, instance, migrate_data, migration,
                           record_events=True):
        """``record_events`` False: the source records the start and the
        success with its own writes; only a failure is recorded here."""
        uuid = instance['uuid']
        event = 'compute_pre_live_migration'
        if record_events:
            self._record(context, uuid, _event(event, 'start', self.host))
        lifecycle.announce(context, self.host, instance, 'live_migration_pre', 'start')
        try:
            # The ports (a conductor call, then the host side) while the
            # driver makes the files: neither needs the other.
            plugged = _BACKGROUND.submit(vifs.plug, context, self.host, self.driver,
                                         self.conductor_api, instance)
            try:
                migrate_data = self.driver.pre_live_migration(context, instance,
                                                              migrate_data)
            finally:
                instance = plugged.result()
        except Exception as error:
            self._record(context, uuid, _event(event, 'finish', self.host, 'Error',
                                               traceback.format_exc()))
            lifecycle.announce(context, self.host, instance, 'live_migration_pre', 'error',
                               fault=error)
            raise
        if record_events:
            self._record(context, uuid, _event(event, 'finish', self.host, 'Success'))
        lifecycle.announce(context, self.host, instance, 'live_migration_pre', 'end')
        return migrate_data

    def post_live_migration_at_destination(self, context, instance, migration):
        """The instance taken over in one conductor call: the migration's
        (source) claim freed, the migration ``completed``, the instance
        here with no task, the step's event."""
        uuid = instance['uuid']
        event = 'compute_post_live_migration_at_destination'
        # Not under the instance lock: the source holds it while it waits here.
        lifecycle.announce(context, self.host, instance, 'live_migration_post_dest', 'start')
        try:
            self.driver.post_live_migration_at_destination(context, instance)
        except Exception:
            self._record(context, uuid, _event(event, 'finish', self.host, 'Error',
                                               traceback.format_exc()))
            raise
        instance = self.conductor_api.move_step(
            context, migration['id'], {'status': 'completed'}, uuid,
            {'host': self.host, 'node': migration['dest_node'],
             'power_state': self.driver.get_power_state(instance), 'task_state': None,
             'progress': 0},
            expected={'task_state': states.MIGRATING},
            events=[_event(event, 'finish', self.host, 'Success')],
            claim={'release': migration['uuid']})['instance']
        lifecycle.announce(context, self.host, instance, 'live_migration_post_dest', 'end')
        LOG.info('Instance %s arrived live on %s', uuid, self.host)

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        uuid = instance['uuid']
        lifecycle.announce(context, self.host, instance, 'live_migration_rollback_dest',
                           'start')
        try:
            self.driver.rollback_live_migration_at_destination(context, instance,
                                                               migrate_data)
        except Exception:  # noqa: BLE001 - a leftover guest is found at start-up
            LOG.exception('Cleaning up the incoming guest of %s on %s failed', uuid,
                          self.host)
        vifs.unplug(self.driver, uuid)
        lifecycle.announce(context, self.host, instance, 'live_migration_rollback_dest',
                           'end')

    # --- on the source ---------------------------------------------------------------

    def live_migration(self, context, instance, migrate_data, migration):
        uuid = instance['uuid']
        dest = migration['dest_compute']
        received = time.monotonic()
        with instance_lock.locked(uuid):
            monitor = live_migration_monitor.Monitor(
                uuid, CONF.libvirt.live_migration_completion_timeout,
                self._progress_writer(context, uuid, migration))
            _register(migration['id'], monitor)
            try:
                if monitor.should_abort():
                    LOG.info('Live migration %s of %s was aborted before it started',
                             migration['uuid'], uuid)
                    self._roll_back_here(context, instance, migration, monitor.aborted(),
                                         'cancelled')
                    return
                self._migrate(context, instance, migrate_data, migration, monitor, received)
            finally:
                with _RUNNING_LOCK:
                    _RUNNING.pop(migration['id'], None)
        LOG.info('Live migration %s of %s to %s over', migration['uuid'], uuid, dest)

    def _start(self, context, instance, migration):
        """The task checked and the migration ``preparing`` (one call; the
        destination's pre_live_migration event starts with it); None when
        a delete or another action took the instance meanwhile."""
        uuid = instance['uuid']
        try:
            step = self.conductor_api.move_step(
                context, migration['id'], {'status': 'preparing'}, uuid, {},
                expected={'task_state': states.MIGRATING},
                events=[_event('compute_live_migration', 'start', self.host)])
        except _SUPERSEDED as error:
            LOG.info('Not live-migrating %s: %s', uuid, error)
            self.conductor_api.move_step(context, migration['id'], {'status': 'error'},
                                         claim={'move': [migration['uuid'], uuid]})
            return None
        if step['migration']:
            migration.update(step['migration'])
        return step['instance']

    def _migrate(self, context, instance, migrate_data, migration, monitor, received):
        """``received``: monotonic time the source got the request; the
        seconds of each step are logged for bench/move.py."""
        dest = migration['dest_compute']
        preparing = time.monotonic()
        start = _BACKGROUND.submit(self._start, context, instance, migration)
        try:
            # What the destination fetches from here (libvirt: the config drive).
            migrate_data = self.driver.prepare_live_migration_at_source(
                context, instance, migrate_data)
            migrate_data = self.compute_api.pre_live_migration(
                context, dest, instance, migrate_data, migration, record_events=False)
        except Exception as error:  # noqa: BLE001 - back to the source as it was
            if _started(start) is None:
                self._clean_destination(context, instance, migrate_data, migration)
            else:
                self._roll_back(context, instance, migrate_data, migration, 'error', error)
            return
        started = _started(start)
        if isinstance(started, Exception):
            self._roll_back(context, instance, migrate_data, migration, 'error', started)
            return
        if started is None:
            self._clean_destination(context, instance, migrate_data, migration)
            return
        instance = started
        # Its end alone, which records the start too: a start sent with the
        # source's (concurrent) start could land after a failure the
        # destination recorded.
        prepared = [_event('compute_pre_live_migration', 'finish', dest, 'Success')]
        if monitor.should_abort():
            self._roll_back(context, instance, migrate_data, migration, 'cancelled',
                            monitor.aborted(), events=prepared)
            return
        self._set_migration(context, migration, 'running', events=prepared)
        migrating = time.monotonic()
        try:
            self.driver.live_migration(context, instance, dest, migrate_data, monitor)
        except live_migration_monitor.LiveMigrationAborted as error:
            self._roll_back(context, instance, migrate_data, migration,
                            'cancelled' if monitor.cancelled else 'failed', error)
            return
        except Exception as error:  # noqa: BLE001 - the guest is still on its source
            self._roll_back(context, instance, migrate_data, migration, 'failed', error)
            return
        migrated = time.monotonic()
        self._post(context, instance, migrate_data, migration)
        LOG.info('Live migration of %s to %s: %.3f s on this host: start %.3f s, '
                 'pre_live_migration %.3f s, driver %.3f s, post %.3f s', instance['uuid'],
                 dest, time.monotonic() - received, preparing - received,
                 migrating - preparing, migrated - migrating, time.monotonic() - migrated)

    def _clean_destination(self, context, instance, migrate_data, migration):
        try:
            self.compute_api.rollback_live_migration_at_destination(
                context, migration['dest_compute'], instance, migrate_data)
        except Exception:  # noqa: BLE001 - the destination cleans up at its start-up
            LOG.exception('Could not ask %s to clean up after %s', migration['dest_compute'],
                          instance['uuid'])
        try:  # and what this host offered it
            self.driver.rollback_live_migration_at_source(context, instance, migrate_data)
        except Exception:  # noqa: BLE001 - the rollback goes on
            LOG.exception('Rolling back the live migration of %s on %s failed',
                          instance['uuid'], self.host)

    def _post(self, context, instance, migrate_data, migration):
        """The guest runs on the destination: clean up here, then the
        destination takes the instance over."""
        uuid = instance['uuid']
        lifecycle.announce(context, self.host, instance, 'live_migration_post', 'start')
        vifs.unplug(self.driver, uuid)
        try:
            self.compute_api.post_live_migration_at_destination(
                context, migration['dest_compute'], instance, migration)
        except Exception as error:  # noqa: BLE001 - the guest is there: ERROR there
            self._fail_at_destination(context, instance, migration, error)
            self._clean_source(context, instance, migrate_data)
            return
        # After the destination took the server over, as Nova removes the
        # source's disks: the server is not kept waiting for it.
        self._clean_source(context, instance, migrate_data)
        self._record(context, uuid, _event('compute_live_migration', 'finish', self.host,
                                           'Success'))
        lifecycle.announce(context, self.host, instance, 'live_migration_post', 'end')

    def _clean_source(self, context, instance, migrate_data):
        try:
            self.driver.post_live_migration(context, instance, migrate_data)
        except Exception:  # noqa: BLE001 - leftovers here are found at start-up
            LOG.exception('Cleaning up after the live migration of %s on %s failed',
                          instance['uuid'], self.host)

    def _fail_at_destination(self, context, instance, migration, error):
        """The guest left this host but its destination could not take the
        instance over: ERROR with a fault on the destination (where the
        guest runs), the migration's source claim freed."""
        uuid = instance['uuid']
        details = traceback.format_exc()
        LOG.error('The destination of %s could not finish its live migration: %s', uuid,
                  error)
        try:
            self.conductor_api.move_step(
                context, migration['id'], {'status': 'error'}, uuid,
                {'vm_state': states.ERROR, 'task_state': None,
                 'host': migration['dest_compute'], 'node': migration['dest_node']},
                expected={'task_state': states.MIGRATING},
                events=[_event('compute_live_migration', 'finish', self.host, 'Error',
                               details)],
                fault=_fault(error, details, self.host),
                claim={'release': migration['uuid']})
        except _SUPERSEDED:
            LOG.info('Instance %s was deleted while its live migration ended', uuid)
        lifecycle.announce(context, self.host, instance, 'live_migration_post', 'error',
                           fault=error)

    def _roll_back(self, context, instance, migrate_data, migration, status, error,
                   events=()):
        """``events``: action events to record with the rollback's writes."""
        uuid = instance['uuid']
        details = traceback.format_exc() if sys.exc_info()[0] else str(error)
        LOG.warning('Live migration of %s to %s rolled back (%s): %s', uuid,
                    migration['dest_compute'], status, error)
        lifecycle.announce(context, self.host, instance, 'live_migration_rollback', 'start')
        self._clean_destination(context, instance, migrate_data, migration)
        self._roll_back_here(context, instance, migration, error, status, details, events)

    def _roll_back_here(self, context, instance, migration, error, status='error',
                        details=None, events=()):
        """The source's half of a rollback, in one conductor call: claims
        back as before the move, the migration in ``status``, a fault
        (not for an abort), the server here with no task."""
        uuid = instance['uuid']
        details = details or str(error)
        try:
            instance = self.conductor_api.move_step(
                context, migration['id'], {'status': status}, uuid,
                {'task_state': None, 'progress': 0,
                 'power_state': self.driver.get_power_state(instance)},
                expected={'task_state': states.MIGRATING},
                events=list(events) + [_event('compute_live_migration', 'finish', self.host,
                                              'Error', details)],
                fault=None if status == 'cancelled' else _fault(error, details, self.host),
                claim={'move': [migration['uuid'], uuid]})['instance']
        except _SUPERSEDED:
            LOG.info('Instance %s was deleted while its live migration was rolled back',
                     uuid)
            return
        lifecycle.announce(context, self.host, instance, 'live_migration_rollback', 'end')

    def live_migration_abort(self, context, instance, migration_id):
        """Abort the migration running here, or (not here yet: queued with
        the conductor, or waiting for the instance's lock) the moment it
        arrives."""
        lifecycle.announce(context, self.host, instance, 'live_migration_abort', 'start')
        if not _abort(migration_id):
            LOG.info('Live migration %s of %s does not run here yet: it is cancelled '
                     'when it arrives', migration_id, instance['uuid'])
        lifecycle.announce(context, self.host, instance, 'live_migration_abort', 'end')

    def live_migration_force_complete(self, context, instance, migration_id):
        monitor = _running(migration_id)
        if monitor is None:
            LOG.info('No live migration %s of %s runs here to complete', migration_id,
                     instance['uuid'])
            return
        lifecycle.announce(context, self.host, instance, 'live_migration_force_complete',
                           'start')
        monitor.request_force_complete()
        lifecycle.announce(context, self.host, instance, 'live_migration_force_complete',
                           'end')

    # --- shared -----------------------------------------------------------------------

    def _progress_writer(self, context, uuid, migration):
        """The instance's ``progress`` (percent of memory and disk sent) and
        the migration's byte counts, written together when the percentage
        changed, at most every PROGRESS_INTERVAL seconds."""
        last = {'percent': None, 'at': None}

        def write(progress):
            total = (progress.get('memory_total_bytes') or 0) + (
                progress.get('disk_total_bytes') or 0)
            remaining = (progress.get('memory_remaining_bytes') or 0) + (
                progress.get('disk_remaining_bytes') or 0)
            percent = 0 if not total else int(100 * (total - remaining) / total)
            now = time.monotonic()
            if percent == last['percent'] or (
                    last['at'] is not None and now - last['at'] < PROGRESS_INTERVAL):
                return
            last.update(percent=percent, at=now)
            LOG.debug('Live migration of %s: %d%% (%s)', uuid, percent, progress)
            try:
                self.conductor_api.move_step(
                    context, migration['id'], migration_figures(progress), uuid,
                    {'progress': percent}, expected={'task_state': states.MIGRATING})
            except _SUPERSEDED:
                pass
        return write

    def _record(self, context, uuid, event):
        try:
            self.conductor_api.action_event(context, uuid, event['event'], event['phase'],
                                            host=event['host'], result=event.get('result'),
                                            details=event.get('details'))
        except _SUPERSEDED as error:
            LOG.info('Could not record %s of %s: %s', event['event'], uuid, error)

    def _set_migration(self, context, migration, status, events=None):
        """``events``: action events of the instance recorded in the same
        call (1.12)."""
        if events:
            try:
                updated = self.conductor_api.move_step(
                    context, migration['id'], {'status': status}, migration['instance_uuid'],
                    events=events)['migration']
            except _SUPERSEDED as error:
                LOG.info('Could not record the events of migration %s: %s',
                         migration['uuid'], error)
                return
            if updated:
                migration.update(updated)
            return
        try:
            migration.update(self.conductor_api.migration_update(
                context, migration['id'], {'status': status}))
        except exception.MigrationNotFound:
            LOG.info('Migration %s is gone; not marking it %s', migration['uuid'], status)


def _started(start):
    """The outcome of the source's start (a future of Steps._start): the
    instance, None when the server moved on meanwhile (the start wrote
    the migration's end), or the error that kept the start from being
    written (the caller rolls back)."""
    try:
        return start.result()
    except Exception as error:  # noqa: BLE001 - handed to the caller's rollback
        LOG.warning('Recording the start of a live migration failed: %s', error)
        return error


def _fault(error, details, host):
    return {'code': 500, 'message': str(error), 'details': details, 'host': host}


def migration_figures(progress):
    """The migration columns of a driver's progress report (None where the
    driver had no figure)."""
    return {column: progress.get(column + '_bytes') for column in (
        'memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
        'disk_processed', 'disk_remaining')}


def _register(migration_id, monitor):
    """``monitor`` runs migration ``migration_id`` here from now on; an
    abort that came before it is handed to it."""
    with _RUNNING_LOCK:
        _RUNNING[int(migration_id)] = monitor
        if _ABORT_REQUESTED.pop(int(migration_id), None) is not None:
            monitor.request_abort()


def _abort(migration_id):
    """True when migration ``migration_id`` runs here (asked to abort);
    else the abort is kept for it (old ones dropped)."""
    with _RUNNING_LOCK:
        monitor = _RUNNING.get(int(migration_id))
        if monitor is not None:
            monitor.request_abort()
            return True
        now = time.monotonic()
        for kept, since in list(_ABORT_REQUESTED.items()):
            if now - since > ABORT_KEPT_SECONDS:
                del _ABORT_REQUESTED[kept]
        _ABORT_REQUESTED[int(migration_id)] = now
        return False


def _running(migration_id):
    with _RUNNING_LOCK:
        return _RUNNING.get(int(migration_id))


INTERRUPTED = 'The compute service on %s restarted during this live migration.'


def abandon(context, host, driver, conductor_api, instance):
    """A live migration whose source (this host) restarted: if the guest
    is still here the instance stays here (claims back as before, the
    migration ``error``, a fault); if the guest is gone, it is left to an
    administrator (Nova's answer too): no task, the migration ``error``."""
    uuid = instance['uuid']
    found = [m for m in conductor_api.migrations_in_progress(context, uuid)
             if m['source_compute'] == host and m['migration_type'] == 'live-migration']
    if found and uuid in driver.list_instance_uuids():
        steps = Steps(host, driver, conductor_api, None)
        steps._roll_back_here(context, instance, found[-1],
                              exception.NovaException(INTERRUPTED % host))
        return
    LOG.warning('Instance %s was being live-migrated away from %s: ending the task', uuid,
                host)
    for migration in found:
        Steps(host, driver, conductor_api, None)._set_migration(context, migration, 'error')
    try:
        conductor_api.instance_update(context, uuid, {'task_state': None},
                                      expected={'task_state': states.MIGRATING})
    except _SUPERSEDED:
        LOG.info('Instance %s moved on meanwhile', uuid)
