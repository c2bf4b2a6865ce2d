"""Repairing what a crash left behind when the compute service starts:
builds that never finished go to ERROR (their claim freed), deletes that
never finished are finished, power actions that never finished are
cleared (the power state sync then settles the instance), and guests
without a live instance are removed.

First of all, servers evacuated away while this host was down (their
``done`` evacuation records name it as the source) lose their stale
guests here, with their local files and host networking, and the source's
part of their claim (nova_conductor/evacuations.py); each record becomes ``completed``. A
server that is on this host again by then is left alone."""
from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common import exception
from nova_compute import deferred_delete
from nova_compute import live_migration
from nova_compute import power
from nova_compute import rebuild
from nova_compute import rescue
from nova_compute import resize
from nova_compute import shelve
from nova_compute import snapshot
from nova_compute import vifs

LOG = logging.getLogger(__name__)

INTERRUPTED_BUILD = ('The compute service on %s restarted while this instance was being '
                     'built.')


def clean_up_evacuations(context, host, driver, conductor_api):
    """Destroy the stale guests of the servers evacuated from ``host`` and
    complete their evacuations; returns the uuids of the guests destroyed."""
    local = set(driver.list_instance_uuids())
    destroyed = set()
    for migration in conductor_api.evacuations_from_host(context, host):
        uuid = migration['instance_uuid']
        if migration['instance_host'] == host:
            LOG.info('Instance %s was evacuated from %s but is here again: kept',
                     uuid, host)
        else:
            if uuid in local:
                LOG.info('Destroying the guest of instance %s: it was evacuated to %s while '
                         '%s was down', uuid, migration['dest_compute'], host)
                driver.destroy(context, {'uuid': uuid})
                destroyed.add(uuid)
            vifs.unplug(driver, uuid)
        conductor_api.finish_evacuation(context, migration['uuid'], 'completed')
    return destroyed


def repair(context, host, driver, conductor_api):
    clean_up_evacuations(context, host, driver, conductor_api)
    instances = conductor_api.instances_on_host(context, host)
    known = set()
    for instance in instances:
        known.add(instance['uuid'])
        if instance['task_state'] == states.DELETING:
            LOG.info('Finishing the interrupted delete of instance %s', instance['uuid'])
            driver.destroy(context, instance)
            conductor_api.instance_destroy(context, instance['uuid'])
        elif instance['vm_state'] == states.BUILDING:
            LOG.warning('Instance %s was being built when %s stopped: ERROR',
                        instance['uuid'], host)
            driver.destroy(context, instance)
            # The fault first: whoever sees ERROR also sees why.
            conductor_api.instance_fault_create(context, instance['uuid'], 500,
                                                INTERRUPTED_BUILD % host, host=host)
            try:
                conductor_api.instance_update(
                    context, instance['uuid'],
                    {'vm_state': states.ERROR, 'task_state': None},
                    expected={'vm_state': states.BUILDING})
            except (exception.InstanceNotFound, exception.InstanceInvalidState):
                continue
            conductor_api.release_allocations(context, instance['uuid'])
        elif instance['task_state'] in (power.TASK_STATES + rescue.TASK_STATES +
                                        deferred_delete.TASK_STATES):
            power.abandon(context, driver, conductor_api, instance)
        elif instance['task_state'] in rebuild.TASK_STATES:
            rebuild.abandon(context, host, conductor_api, instance)
        elif instance['task_state'] in snapshot.TASK_STATES:
            snapshot.abandon(context, conductor_api, instance)
        elif instance['task_state'] in resize.SOURCE_TASK_STATES:
            resize.abandon(context, host, driver, conductor_api, instance)
        elif instance['task_state'] == states.MIGRATING:
            live_migration.abandon(context, host, driver, conductor_api, instance)
        elif shelve.interrupted(instance):
            shelve.abandon(context, driver, conductor_api, instance)
    for uuid in set(driver.list_instance_uuids()) - known:
        LOG.warning('Removing guest %s: no live instance on this host owns it', uuid)
        driver.destroy(context, {'uuid': uuid})
