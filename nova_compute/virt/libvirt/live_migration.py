"""Live migration of a libvirt guest between hosts that may share nothing,
as Nova's libvirt driver does it.

Checks: the destination leaves a marker file in its instances directory;
the source tells whether it sees it (a shared instances path) and, for
``block_migration`` "auto", decides: no shared path => block migration.
The destination then compares the source's host CPU with its own through
libvirt's compareCPU (incompatible => refused) and removes its marker.

``pre_live_migration`` (destination): the instance directory and, for a
block migration, the root disk as an empty qcow2 overlay of the image's
base fetched into this host's image cache (same virtual size: the flavor's
root disk), kernel and ramdisk from the cache, and the config drive, when
the server has one, fetched from the source, which offered it just before
(live_migration_config_drive.py: same bytes, withdrawn when the migration
ends; the destination's rollback removes it with the directory).

``migrate`` (source): migrateToURI3 to ``[libvirt] live_migration_uri``
(the destination's ``live_migration_inbound_addr``, else its host name)
with VIR_MIGRATE_LIVE | PEER2PEER | PERSIST_DEST | UNDEFINE_SOURCE, plus
NON_SHARED_INC (the overlay only; the base is on both hosts) for a block
migration, in a thread; this thread polls the job's statistics for the
monitor, aborts the job when the monitor says so, and pauses the guest
for force_complete (the destination resumes it on arrival). libvirt
copies only the writable disks: without VIR_MIGRATE_PARAM_MIGRATE_DISKS
it leaves read-only ones (the config drive's CD-ROM) out, which QEMU on
the destination opens at the same path (libvirt 9.0,
qemuMigrationAnyCopyDisk), so no list of disks is passed.
"""
import os
import threading
import time
import uuid as uuidlib
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt.libvirt import guest as libvirt_guest
from nova_compute.virt.libvirt import instance_files

LOG = logging.getLogger(__name__)

POLL_SECONDS = 0.2
MARKER_PREFIX = '.live-migration-check-'


def _host_cpu_xml(connection):
    cpu = ET.fromstring(connection.getCapabilities()).find('host/cpu')
    return ET.tostring(cpu, encoding='unicode') if cpu is not None else None


def check_destination(host_name, block_migration):
    """The destination's check data: a marker in its instances directory
    and where the source is to send the guest."""
    marker = MARKER_PREFIX + uuidlib.uuid4().hex
    open(os.path.join(instance_files.instances_path(), marker), 'w').close()
    return {'block_migration': block_migration, 'marker': marker,
            'dest_address': CONF.libvirt.live_migration_inbound_addr or host_name}


def check_source(connection, instance, dest_data):
    """The source's answer: shared path or not, block migration decided,
    its host CPU; MigrationPreCheckError for a block migration over a
    shared path (Nova's InvalidSharedStorage)."""
    shared = os.path.exists(os.path.join(instance_files.instances_path(),
                                         dest_data['marker']))
    block_migration = dest_data['block_migration']
    if block_migration == 'auto':
        block_migration = not shared
    elif block_migration and shared:
        raise exception.MigrationPreCheckError(
            reason='block migration asked for between hosts that share their instances '
                   'directory')
    elif not block_migration and not shared:
        raise exception.MigrationPreCheckError(
            reason='%s and the destination share no instances directory: a block '
                   'migration is needed' % CONF.host)
    return dict(dest_data, block_migration=block_migration, is_shared_instance_path=shared,
                source_cpu=_host_cpu_xml(connection))


def remove_marker(dest_data):
    marker = os.path.join(instance_files.instances_path(), dest_data['marker'])
    if os.path.exists(marker):
        os.unlink(marker)


def check_compatibility(connection, migrate_data):
    """On the destination, once the source answered: the source CPU
    compared with this host's."""
    if not migrate_data.get('source_cpu'):
        return
    try:
        result = connection.compareCPU(migrate_data['source_cpu'], 0)
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT:
            LOG.warning('libvirt cannot compare CPUs here: %s', error)
            return
        raise exception.MigrationPreCheckError(reason='CPU comparison failed: %s' % error)
    if result <= libvirt.VIR_CPU_COMPARE_INCOMPATIBLE:
        raise exception.MigrationPreCheckError(
            reason='the CPU of the source host is incompatible with this host\'s CPU')


def migration_flags(migrate_data, instance):
    flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
             libvirt.VIR_MIGRATE_PERSIST_DEST | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
    if migrate_data['block_migration']:
        # An image-backed disk: the base is on both hosts, only the overlay moves.
        flags |= (libvirt.VIR_MIGRATE_NON_SHARED_INC if instance.get('image_ref')
                  else libvirt.VIR_MIGRATE_NON_SHARED_DISK)
    return flags


def _report(domain, monitor):
    try:
        stats = domain.jobStats()
    except libvirt.libvirtError:
        return
    monitor.report(**{'%s_%s_bytes' % (kind, what): stats.get('%s_%s' % (kind, what))
                      for kind in ('memory', 'disk')
                      for what in ('total', 'processed', 'remaining')})


def migrate(domain, instance, migrate_data, monitor):
    """Run the migration; returns once the guest runs on the destination,
    raises monitor.aborted() when aborted, or libvirt's error."""
    address = migrate_data['dest_address']
    params = {libvirt.VIR_MIGRATE_PARAM_URI: 'tcp://%s' % address}
    outcome = {}

    def run():
        try:
            domain.migrateToURI3(CONF.libvirt.live_migration_uri % address, params,
                                 migration_flags(migrate_data, instance))
        except Exception as error:  # noqa: BLE001 - handed to the monitoring thread
            outcome['error'] = error

    worker = threading.Thread(target=run, name='live-migration-%s' % instance['uuid'],
                              daemon=True)
    started = time.monotonic()
    worker.start()
    aborting = paused = False
    while worker.is_alive():
        worker.join(POLL_SECONDS)
        if not worker.is_alive():
            break
        _report(domain, monitor)
        if not aborting and monitor.should_abort():
            aborting = True
            LOG.warning('Aborting the live migration of %s: %s', instance['uuid'],
                        monitor.abort_reason)
            try:
                domain.abortJob()
            except libvirt.libvirtError as error:
                LOG.warning('Aborting the migration job of %s failed: %s',
                            instance['uuid'], error)
        if not paused and monitor.should_force_complete():
            paused = True
            LOG.info('Pausing %s so that its live migration completes', instance['uuid'])
            libvirt_guest.pause(domain)
    if 'error' in outcome:
        if aborting:
            if paused:
                libvirt_guest.unpause(domain)
            raise monitor.aborted()
        raise outcome['error']
    LOG.info('Live migration of %s to %s done by libvirt in %.3f s', instance['uuid'],
             address, time.monotonic() - started)
