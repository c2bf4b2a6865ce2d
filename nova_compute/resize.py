"""Resize and cold migration on the computes, as Nova's compute manager
does them, each step under the per-instance lock:

- ``prep_resize`` (destination): the instance is still resize_prep; the
  driver gets ready; the source is asked to send the guest.
- ``resize_instance`` (source): resize_migrating, migration ``migrating``;
  the driver powers the guest off and sends its disks, keeping a copy;
  resize_migrated, migration ``post-migrating``; the destination is asked
  to finish.
- ``finish_resize`` (destination): resize_finish, the instance's host,
  node and flavor become the destination's and the new flavor; the
  driver starts the guest there; vm_state resized (VERIFY_RESIZE),
  migration ``finished``.
- ``confirm_resize`` (source): the driver removes the kept copy; the
  migration's (source) claim is freed; vm_state active (stopped for a
  server that was stopped), migration ``confirmed``.
- ``revert_resize`` (destination): the destination's guest is destroyed;
  then ``finish_revert_resize`` (source): the host, node and flavor of
  before, the guest started again from its copy, the migration's claim
  given back to the instance with the destination claim freed in the same
  ledger transaction; migration ``reverted``.

The ledger holds two claims during a move: the instance's on the
destination, the migration's (its uuid as consumer) on the source. Every
outcome frees exactly one: a confirm the migration's, a revert or a failed
step the instance's (moving the migration's back to it). A step that fails
before the guest left the source puts the server back on its source as it
was (Nova would reschedule a failed prep_resize; here the move ends), with
a fault and the migration in ``error``; a failed finish on the destination
is reverted the same way; a failed confirm or revert leaves ERROR with a
fault, as Nova does, with the claims as the step would have left them.

A step's records go in one conductor call (move_step, 1.12) in the order
they went before: the ledger change, the migration's status, a fault, the
instance update with its event. The destination starts from the instance
its source sent (finish_resize, finish_revert_resize) instead of reading
it again.
"""
import sys
import traceback

from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute import instance_lock
from nova_compute import lifecycle
from nova_compute import vifs

LOG = logging.getLogger(__name__)

_SUPERSEDED = (exception.InstanceNotFound, exception.InstanceInvalidState)
OLD_VM_STATE = 'old_vm_state'
INTERRUPTED = 'The compute service on %s restarted while this instance was being moved.'
# The task states of a move whose source restarting ends it (as Nova's
# init_host reverts an interrupted resize_migrating).
SOURCE_TASK_STATES = (states.RESIZE_PREP, states.RESIZE_MIGRATING)
FLAVOR_COLUMNS = ('memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb')


def flavor_values(flavor):
    """The instance columns that follow its flavor."""
    values = {column: flavor.get(column) for column in FLAVOR_COLUMNS}
    values.update(flavor=flavor, instance_type_id=flavor.get('id'))
    return values


def _was_stopped(instance):
    return (instance.get('system_metadata') or {}).get(OLD_VM_STATE) == states.STOPPED


def _event(event, phase, host, result=None, details=None):
    record = {'event': event, 'phase': phase, 'host': host}
    if phase == 'finish':
        record.update(result=result, details=details)
    return record


class Steps:
    """The resize steps of one compute: its host, driver, cell conductor
    and the compute RPC client it casts the next step with."""

    def __init__(self, host, driver, conductor_api, compute_api):
        self.host = host
        self.driver = driver
        self.conductor_api = conductor_api
        self.compute_api = compute_api

    # --- on the destination ---------------------------------------------------------

    def prep_resize(self, context, instance, flavor, migration, node, clean_shutdown=True):
        uuid = instance['uuid']
        with instance_lock.locked(uuid):
            instance = self._begin(context, uuid, migration, states.RESIZE_PREP,
                                   'compute_prep_resize')
            if instance is None:
                return
            lifecycle.announce(context, self.host, instance, 'resize_prep', 'start')
            try:
                self.driver.prepare_migration_target(context, instance, migration)
                self.compute_api.resize_instance(context, instance['host'], instance, flavor,
                                                 migration, clean_shutdown=clean_shutdown)
            except Exception as error:  # noqa: BLE001 - the move goes back to its source
                self._roll_back(context, instance, migration, states.RESIZE_PREP,
                                'compute_prep_resize', error)
                return
            self._record(context, uuid, _event('compute_prep_resize', 'finish', self.host,
                                               'Success'))
            lifecycle.announce(context, self.host, instance, 'resize_prep', 'end')

    def finish_resize(self, context, instance, migration, disk_info):
        uuid = instance['uuid']
        with instance_lock.locked(uuid):
            try:
                # The source sent the instance as its last update left it.
                new_flavor = instance.get('new_flavor') or instance['flavor']
                values = dict(flavor_values(new_flavor), task_state=states.RESIZE_FINISH,
                              host=self.host, node=migration['dest_node'])
                instance = self.conductor_api.instance_update(
                    context, uuid, values, expected={'task_state': states.RESIZE_MIGRATED},
                    record_event=_event('compute_finish_resize', 'start', self.host))
            except _SUPERSEDED as error:
                LOG.info('Not finishing the move of %s: %s', uuid, error)
                self._abandon(context, migration)
                return
            lifecycle.announce(context, self.host, instance, 'finish_resize', 'start')
            try:
                # The ports' binding followed the host in the update above.
                instance = vifs.plug(context, self.host, self.driver, self.conductor_api,
                                     instance)
                self.driver.finish_migration(
                    context, migration, instance, disk_info, None,
                    migration['migration_type'] == 'resize', not _was_stopped(instance))
            except Exception as error:  # noqa: BLE001 - reverted to the source
                self._revert_failed_finish(context, instance, migration, error)
                return
            try:
                instance = self._step(
                    context, migration, {'status': 'finished'}, uuid,
                    {'vm_state': states.RESIZED, 'task_state': None,
                     'power_state': self.driver.get_power_state(instance)},
                    expected={'task_state': states.RESIZE_FINISH},
                    event=_event('compute_finish_resize', 'finish', self.host, 'Success'))
            except _SUPERSEDED as error:
                LOG.info('Instance %s was deleted while its move finished: %s', uuid, error)
                return
            lifecycle.announce(context, self.host, instance, 'finish_resize', 'end')
        LOG.info('Instance %s moved to %s; waiting for its confirmation', uuid, self.host)

    def _revert_failed_finish(self, context, instance, migration, error):
        """The guest did not start here: remove what was made, give the
        instance back its source host, node and flavor, and have the
        source start its kept copy again (finish_revert_resize with the
        error)."""
        uuid = instance['uuid']
        LOG.warning('Finishing the move of %s on %s failed: %s', uuid, self.host, error)
        details = traceback.format_exc()
        self._quietly_destroy(context, instance)
        vifs.unplug(self.driver, uuid)
        old_flavor = instance.get('old_flavor') or instance['flavor']
        values = dict(flavor_values(old_flavor), task_state=states.RESIZE_REVERTING,
                      host=migration['source_compute'], node=migration['source_node'])
        try:
            instance = self.conductor_api.instance_update(
                context, uuid, values, expected={'task_state': states.RESIZE_FINISH},
                record_event=_event('compute_finish_resize', 'finish', self.host, 'Error',
                                    details))
        except _SUPERSEDED:
            LOG.info('Instance %s was deleted while its move failed', uuid)
            self._abandon(context, migration)
            return
        lifecycle.announce(context, self.host, instance, 'finish_resize', 'error', fault=error)
        self.compute_api.finish_revert_resize(context, migration['source_compute'], instance,
                                              migration, error=str(error))

    def revert_resize(self, context, instance, migration):
        uuid = instance['uuid']
        with instance_lock.locked(uuid):
            try:
                instance = self.conductor_api.instance_update(
                    context, uuid, {}, expected={'task_state': states.RESIZE_REVERTING},
                    record_event=_event('compute_revert_resize', 'start', self.host))
            except _SUPERSEDED as error:
                LOG.info('Not reverting the move of %s: %s', uuid, error)
                return
            lifecycle.announce(context, self.host, instance, 'resize_revert', 'start')
            self._quietly_destroy(context, instance)
            vifs.unplug(self.driver, uuid)
            self._record(context, uuid, _event('compute_revert_resize', 'finish', self.host,
                                               'Success'))
            self.compute_api.finish_revert_resize(context, migration['source_compute'],
                                                  instance, migration)

    # --- on the source -----------------------------------------------------------

    def resize_instance(self, context, instance, flavor, migration, clean_shutdown=True):
        uuid = instance['uuid']
        with instance_lock.locked(uuid):
            try:
                instance = self._step(
                    context, migration, {'status': 'migrating'}, uuid,
                    {'task_state': states.RESIZE_MIGRATING},
                    expected={'task_state': states.RESIZE_PREP},
                    event=_event('compute_resize_instance', 'start', self.host))
            except _SUPERSEDED as error:
                LOG.info('Not sending instance %s away: %s', uuid, error)
                self._abandon(context, migration)
                return
            lifecycle.announce(context, self.host, instance, 'resize', 'start')
            powered_off = False
            try:
                disk_info = self.driver.migrate_disk_and_power_off(
                    context, instance, migration['dest_host'], flavor,
                    timeout=CONF.shutdown_timeout if clean_shutdown else 0)
                powered_off = True
                instance = self._step(
                    context, migration, {'status': 'post-migrating'}, uuid,
                    {'task_state': states.RESIZE_MIGRATED,
                     'power_state': self.driver.get_power_state(instance)},
                    expected={'task_state': states.RESIZE_MIGRATING},
                    event=_event('compute_resize_instance', 'finish', self.host, 'Success'))
                self.compute_api.finish_resize(context, migration['dest_compute'], instance,
                                               migration, disk_info)
            except _SUPERSEDED as error:
                LOG.info('Instance %s was deleted while it was sent away: %s', uuid, error)
                self._abandon(context, migration)
                return
            except Exception as error:  # noqa: BLE001 - the move goes back to its source
                if powered_off:
                    self._quietly_restore(context, instance, migration)
                self._roll_back(context, instance, migration,
                                [states.RESIZE_MIGRATING, states.RESIZE_MIGRATED],
                                'compute_resize_instance', error)
                return
            lifecycle.announce(context, self.host, instance, 'resize', 'end')

    def confirm_resize(self, context, instance, migration):
        uuid = instance['uuid']
        with instance_lock.locked(uuid):
            try:
                instance = self.conductor_api.instance_update(
                    context, uuid, {}, expected={'vm_state': states.RESIZED},
                    record_event=_event('compute_confirm_resize', 'start', self.host))
            except exception.InstanceNotFound:
                LOG.info('Instance %s was deleted: removing what it left here', uuid)
                self._clean_source(context, instance, migration)
                return
            except exception.InstanceInvalidState as error:
                LOG.info('Not confirming the move of %s: %s', uuid, error)
                return
            lifecycle.announce(context, self.host, instance, 'resize_confirm', 'start')
            try:
                self.driver.confirm_migration(context, migration, instance)
            except Exception as error:  # noqa: BLE001 - ERROR with a fault, as Nova does
                self._fail_in_place(context, instance, migration, 'compute_confirm_resize',
                                    error, states.RESIZED, give_claim_back=False)
                return
            self._unplug_source(migration, uuid)
            vm_state = states.STOPPED if _was_stopped(instance) else states.ACTIVE
            try:
                # A delete may have asked for this confirm: it keeps its task.
                instance = self._step(
                    context, migration, {'status': 'confirmed'}, uuid,
                    {'vm_state': vm_state, 'task_state': None, 'old_flavor': None,
                     'new_flavor': None, 'system_metadata': {OLD_VM_STATE: None}},
                    expected={'vm_state': states.RESIZED, 'task_state': None},
                    event=_event('compute_confirm_resize', 'finish', self.host, 'Success'),
                    claim={'release': migration['uuid']}, needs_migration=True)
            except _SUPERSEDED as error:
                LOG.info('Instance %s was deleted while its move was confirmed: %s', uuid,
                         error)
                return
            if instance is None:
                LOG.info('Instance %s was deleted while its move was confirmed', uuid)
                return
            lifecycle.announce(context, self.host, instance, 'resize_confirm', 'end')
        LOG.info('Move of instance %s confirmed', uuid)

    def finish_revert_resize(self, context, instance, migration, error=None):
        """``error``: the message of the failed step this revert ends
        (the migration then ends in ``error`` and a fault says why)."""
        uuid = instance['uuid']
        with instance_lock.locked(uuid):
            try:
                # The destination sent the instance as its last update left it.
                old_flavor = instance.get('old_flavor') or instance['flavor']
                values = dict(flavor_values(old_flavor), host=self.host,
                              node=migration['source_node'])
                instance = self.conductor_api.instance_update(
                    context, uuid, values, expected={'task_state': states.RESIZE_REVERTING},
                    record_event=_event('compute_finish_revert_resize', 'start', self.host))
            except _SUPERSEDED as why:
                LOG.info('Not reverting the move of %s here: %s', uuid, why)
                self._abandon(context, migration)
                return
            try:
                instance = vifs.plug(context, self.host, self.driver, self.conductor_api,
                                     instance)
                self.driver.finish_revert_migration(context, instance, migration,
                                                    not _was_stopped(instance))
            except Exception as failure:  # noqa: BLE001 - ERROR with a fault, as Nova does
                self._fail_in_place(context, instance, migration,
                                    'compute_finish_revert_resize', failure,
                                    states.RESIZED, give_claim_back=True,
                                    task_state=states.RESIZE_REVERTING)
                return
            vm_state = states.STOPPED if _was_stopped(instance) else states.ACTIVE
            try:
                instance = self._step(
                    context, migration, {'status': 'error' if error else 'reverted'}, uuid,
                    {'vm_state': vm_state, 'task_state': None,
                     'power_state': self.driver.get_power_state(instance),
                     'old_flavor': None, 'new_flavor': None,
                     'system_metadata': {OLD_VM_STATE: None}},
                    expected={'task_state': states.RESIZE_REVERTING},
                    event=_event('compute_finish_revert_resize', 'finish', self.host,
                                 'Error' if error else 'Success', error),
                    claim={'move': [migration['uuid'], uuid]},
                    fault=error and {'code': 500, 'message': error, 'host': self.host})
            except _SUPERSEDED as why:
                LOG.info('Instance %s was deleted while its move was reverted: %s', uuid, why)
                return
            if not error:
                lifecycle.announce(context, self.host, instance, 'resize_revert', 'end')
        LOG.info('Move of instance %s reverted%s', uuid, ' after: %s' % error if error else '')

    # --- shared ---------------------------------------------------------------------

    def _begin(self, context, uuid, migration, task_state, event):
        """The instance, its step's event started; None (the move
        abandoned) when a delete took over."""
        try:
            return self.conductor_api.instance_update(
                context, uuid, {}, expected={'task_state': task_state},
                record_event=_event(event, 'start', self.host))
        except _SUPERSEDED as error:
            LOG.info('Not moving instance %s: %s', uuid, error)
            self._abandon(context, migration)
            return None

    def _record(self, context, uuid, event):
        try:
            self.conductor_api.action_event(context, uuid, event['event'], event['phase'],
                                            host=event['host'], result=event.get('result'),
                                            details=event.get('details'))
        except _SUPERSEDED as error:
            LOG.info('Could not record %s of %s: %s', event['event'], uuid, error)

    def _step(self, context, migration, migration_values, uuid, values, expected, event,
              claim=None, fault=None, needs_migration=False):
        """One conductor call (move_step): the ledger ``claim`` change, the
        migration, the ``fault``, the instance update with its ``event``;
        the updated instance (None when ``needs_migration`` and the
        migration is gone)."""
        step = self.conductor_api.move_step(
            context, migration['id'], migration_values, uuid, values, expected=expected,
            events=[event] if event else None, fault=fault, claim=claim,
            needs_migration=needs_migration)
        if step['migration']:
            migration.update(step['migration'])
        return step['instance']

    def _abandon(self, context, migration):
        """The instance was deleted during its move: its delete frees the
        instance's claim; the migration's goes here."""
        self.conductor_api.move_step(context, migration['id'], {'status': 'error'},
                                     claim={'release': migration['uuid']})

    def _clean_source(self, context, instance, migration):
        """The kept copy of a deleted instance removed, the migration's
        claim freed."""
        try:
            self.driver.confirm_migration(context, migration, instance)
        except Exception:  # noqa: BLE001 - a leftover guest is found at start-up
            LOG.exception('Removing the kept copy of %s from %s failed', instance['uuid'],
                          self.host)
        self._unplug_source(migration, instance['uuid'])
        self.conductor_api.release_allocations(context, migration['uuid'])

    def _unplug_source(self, migration, uuid):
        """The ports of a guest that left this host unplugged here (not
        after a resize on one host: the guest here is the new one)."""
        if migration['source_compute'] != migration['dest_compute']:
            vifs.unplug(self.driver, uuid)

    def _quietly_destroy(self, context, instance):
        try:
            self.driver.destroy(context, instance)
        except Exception:  # noqa: BLE001 - a leftover guest is found at start-up
            LOG.exception('Removing the guest of %s from %s failed', instance['uuid'],
                          self.host)

    def _quietly_restore(self, context, instance, migration):
        try:
            self.driver.finish_revert_migration(context, instance, migration,
                                                not _was_stopped(instance))
        except Exception:  # noqa: BLE001 - the guest stays off; a hard reboot repairs it
            LOG.exception('Starting the guest of %s again on %s failed', instance['uuid'],
                          self.host)

    def _roll_back(self, context, instance, migration, task_state, event, error):
        """The guest never left its source: the instance stays there as it
        was, the destination claim is freed and the source claim given
        back (one ledger transaction), the migration ends in error.
        ``event``: the step's action event to finish, or None."""
        uuid = instance['uuid']
        details = traceback.format_exc() if sys.exc_info()[0] else None
        LOG.warning('Moving instance %s failed at %s: %s', uuid, event, error)
        vm_state = states.STOPPED if _was_stopped(instance) else states.ACTIVE
        try:
            instance = self._step(
                context, migration, {'status': 'error'}, uuid,
                {'vm_state': vm_state, 'task_state': None, 'old_flavor': None,
                 'new_flavor': None, 'system_metadata': {OLD_VM_STATE: None}},
                expected={'task_state': task_state},
                event=event and _event(event, 'finish', self.host, 'Error', details),
                claim={'move': [migration['uuid'], uuid]},
                fault={'code': 500, 'message': str(error), 'details': details,
                       'host': self.host})
        except _SUPERSEDED:
            LOG.info('Instance %s was deleted while its move failed', uuid)
            return
        lifecycle.announce(context, self.host, instance, 'resize', 'error', fault=error)

    def _fail_in_place(self, context, instance, migration, event, error, vm_state,
                       give_claim_back, task_state=None):
        """ERROR with a fault where the driver failed to confirm or revert:
        the claim the step would have freed is freed (the migration's on a
        confirm; the instance's destination one on a revert, the source
        claim given back), the migration ends in error."""
        uuid = instance['uuid']
        details = traceback.format_exc()
        LOG.warning('%s of instance %s failed: %s', event, uuid, error)
        expected = ({'task_state': task_state} if task_state
                    else {'vm_state': vm_state, 'task_state': None})
        try:
            instance = self._step(
                context, migration, {'status': 'error'}, uuid,
                {'vm_state': states.ERROR, 'task_state': None, 'old_flavor': None,
                 'new_flavor': None, 'system_metadata': {OLD_VM_STATE: None}},
                expected=expected, event=_event(event, 'finish', self.host, 'Error', details),
                claim=({'move': [migration['uuid'], uuid]} if give_claim_back
                       else {'release': migration['uuid']}),
                fault={'code': 500, 'message': str(error), 'details': details,
                       'host': self.host})
        except _SUPERSEDED:
            LOG.info('Instance %s was deleted while its move failed', uuid)
            return
        lifecycle.announce(context, self.host, instance, 'resize', 'error', fault=error)


def abandon(context, host, driver, conductor_api, instance):
    """A move whose source (this host) restarted before the guest left:
    the guest started again from what was kept, the claims back as before
    the move, the migration in error, a fault saying why."""
    uuid = instance['uuid']
    steps = Steps(host, driver, conductor_api, None)
    found = [migration for migration in conductor_api.migrations_in_progress(context, uuid)
             if migration['source_compute'] == host]
    if not found:
        LOG.warning('Instance %s was being moved but has no migration: ending the task', uuid)
        try:
            conductor_api.instance_update(context, uuid, {'task_state': None},
                                          expected={'task_state': instance['task_state']})
        except _SUPERSEDED:
            LOG.info('Instance %s moved on meanwhile', uuid)
        return
    migration = found[-1]
    if instance['task_state'] == states.RESIZE_MIGRATING:
        steps._quietly_restore(context, instance, migration)
    steps._roll_back(context, instance, migration, instance['task_state'], None,
                     exception.NovaException(INTERRUPTED % host))
